import EmberBackend

/// One level of a nested array literal written where a `Tensor` is expected.
public indirect enum TensorLiteral: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, Sendable
{
  case scalar(Double, isInteger: Bool, isBool: Bool)
  case array([TensorLiteral])

  public init(floatLiteral value: Double) { self = .scalar(value, isInteger: false, isBool: false) }
  public init(integerLiteral value: Int) { self = .scalar(Double(value), isInteger: true, isBool: false) }
  public init(booleanLiteral value: Bool) { self = .scalar(value ? 1 : 0, isInteger: false, isBool: true) }
  public init(arrayLiteral elements: TensorLiteral...) { self = .array(elements) }

  /// Flattens into values and a shape, trapping on ragged nesting.
  func flattened(into values: inout [Double], kinds: inout (integer: Bool, bool: Bool)) -> [Int] {
    switch self {
    case .scalar(let value, let isInteger, let isBool):
      values.append(value)
      kinds.integer = kinds.integer && isInteger
      kinds.bool = kinds.bool && isBool
      return []
    case .array(let elements):
      var inner: [Int]? = nil
      for element in elements {
        let shape = element.flattened(into: &values, kinds: &kinds)
        precondition(inner == nil || inner! == shape, "Tensor literal: ragged nesting (\(inner!) and \(shape))")
        inner = shape
      }
      return [elements.count] + (inner ?? [])
    }
  }
}

extension Tensor: ExpressibleByArrayLiteral {
  /// A tensor from a nested array literal: `let x: Tensor = [[1, 2], [3, 4]]`.
  ///
  /// Like `torch.tensor`: all-integer literals give `int64`, all-boolean literals give `bool`, and
  /// anything with a fractional literal gives `float32`.
  public init(arrayLiteral elements: TensorLiteral...) {
    var values: [Double] = []
    var kinds = (integer: true, bool: true)
    let shape = TensorLiteral.array(elements).flattened(into: &values, kinds: &kinds)
    let dtype: DType = values.isEmpty ? .float32 : kinds.bool ? .bool : kinds.integer ? .int64 : .float32
    self = Tensor(values, shape: shape).cast(to: dtype)
  }
}
