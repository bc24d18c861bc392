import EmberBackend

/// A Swift type that tensors can be built from and read back into.
public protocol TensorScalar: Sendable {
  /// The tensor dtype whose elements have this type's memory layout.
  static var dtype: DType { get }
  /// Converts from a `Double` (truncating toward zero for integers, `!= 0` for `Bool`).
  init(fromDouble value: Double)
  /// This value as a `Double`.
  var doubleValue: Double { get }
}

extension Float: TensorScalar {
  public static var dtype: DType { .float32 }
  public init(fromDouble value: Double) { self = Float(value) }
  public var doubleValue: Double { Double(self) }
}

extension Double: TensorScalar {
  public static var dtype: DType { .float64 }
  public init(fromDouble value: Double) { self = value }
  public var doubleValue: Double { self }
}

extension Int32: TensorScalar {
  public static var dtype: DType { .int32 }
  public init(fromDouble value: Double) { self = Int32(value) }
  public var doubleValue: Double { Double(self) }
}

extension Int64: TensorScalar {
  public static var dtype: DType { .int64 }
  public init(fromDouble value: Double) { self = Int64(value) }
  public var doubleValue: Double { Double(self) }
}

extension Int: TensorScalar {
  /// Swift `Int` is stored as `int64`.
  public static var dtype: DType { .int64 }
  public init(fromDouble value: Double) { self = Int(value) }
  public var doubleValue: Double { Double(self) }
}

extension Bool: TensorScalar {
  /// Stored as one byte, 0 or 1.
  public static var dtype: DType { .bool }
  public init(fromDouble value: Double) { self = value != 0 }
  public var doubleValue: Double { self ? 1 : 0 }
}
