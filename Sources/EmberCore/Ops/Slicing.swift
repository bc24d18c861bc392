import EmberBackend

/// One component of a tensor subscript: an index, a strided range, a new axis or "the rest".
public enum TensorIndex: Sendable {
  /// One position (negative counts from the end); removes the axis.
  case index(Int)
  /// `start..<end` by `step` (`nil` bounds mean the ends; negative bounds count from the end).
  case range(start: Int?, end: Int?, step: Int)
  /// Inserts an axis of size 1 (NumPy's `None`; written `.newAxis`).
  case insertAxis
  /// Stands for as many full axes as needed (NumPy's `...`; written `.ellipsis`).
  case remainingAxes
}

/// Types usable inside `tensor[…]`: `Int`, Swift ranges, and `TensorIndex`.
public protocol TensorIndexConvertible {
  var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexConvertible { public var tensorIndex: TensorIndex { self } }
extension Int: TensorIndexConvertible { public var tensorIndex: TensorIndex { .index(self) } }
extension Range: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .range(start: lowerBound, end: upperBound, step: 1) }
}
extension ClosedRange: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex {
    .range(start: lowerBound, end: upperBound == -1 ? nil : upperBound + 1, step: 1)
  }
}
extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .range(start: lowerBound, end: nil, step: 1) }
}
extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .range(start: nil, end: upperBound, step: 1) }
}
extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex {
    .range(start: nil, end: upperBound == -1 ? nil : upperBound + 1, step: 1)
  }
}

extension Tensor {
  /// A view selected by NumPy-style indices: `x[0]`, `x[1..<3]`, `x[..., -1]`, `x[.all, .stride(0, nil, by: 2)]`.
  /// Missing trailing indices select whole axes. Writes no memory; gradients flow into the selected
  /// elements.
  public subscript(_ indices: TensorIndexConvertible...) -> Tensor {
    slice(indices.map(\.tensorIndex))
  }

  /// The view `x[indices]` (see the subscript).
  public func slice(_ indices: [TensorIndex]) -> Tensor {
    // Expand the ellipsis to full axes.
    let consuming = indices.filter {
      if case .insertAxis = $0 { return false }
      if case .remainingAxes = $0 { return false }
      return true
    }.count
    precondition(consuming <= rank, "subscript: \(consuming) indices for shape \(shape)")
    precondition(indices.filter { if case .remainingAxes = $0 { return true }; return false }.count <= 1,
                 "subscript: more than one ellipsis")
    var expanded: [TensorIndex] = []
    for index in indices {
      if case .remainingAxes = index {
        expanded += Array(repeating: TensorIndex.range(start: nil, end: nil, step: 1), count: rank - consuming)
      } else {
        expanded.append(index)
      }
    }
    // Build the view's layout.
    var newShape: [Int] = [], newStrides: [Int] = []
    var offset = layout.offset, axis = 0
    var slicedShape: [Int] = []  // the shape before dropping indexed axes / adding new ones
    var sliceStarts: [Int] = [], sliceSteps: [Int] = []
    for index in expanded {
      switch index {
      case .insertAxis:
        newShape.append(1)
        newStrides.append(0)
      case .remainingAxes:
        break
      case .index(let i):
        let size = shape[axis]
        let position = i < 0 ? i + size : i
        precondition(position >= 0 && position < size,
                     "subscript: index \(i) is out of range for axis \(axis) of shape \(shape)")
        offset += position * strides[axis]
        slicedShape.append(1); sliceStarts.append(position); sliceSteps.append(1)
        axis += 1
      case .range(let start, let end, let step):
        precondition(step > 0, "subscript: step \(step) must be positive")
        let size = shape[axis]
        func clampBound(_ value: Int?, _ fallback: Int) -> Int {
          guard let value else { return fallback }
          return Swift.min(Swift.max(value < 0 ? value + size : value, 0), size)
        }
        let lower = clampBound(start, 0), upper = clampBound(end, size)
        let length = upper > lower ? (upper - lower + step - 1) / step : 0
        offset += lower * strides[axis]
        newShape.append(length)
        newStrides.append(strides[axis] * step)
        slicedShape.append(length); sliceStarts.append(lower); sliceSteps.append(step)
        axis += 1
      }
    }
    while axis < rank {
      newShape.append(shape[axis]); newStrides.append(strides[axis])
      slicedShape.append(shape[axis]); sliceStarts.append(0); sliceSteps.append(1)
      axis += 1
    }
    let out = withLayout(Layout(shape: newShape, strides: newStrides, offset: offset))
    let inputShape = shape
    return Tensor.record("slice", out, inputs: [self]) { g in
      // dX = zeros with G written into the selected elements
      [g.reshaped(slicedShape).embedded(in: inputShape, starts: sliceStarts, steps: sliceSteps)]
    }
  }

  /// A zero tensor of `shape` with `self` written at `starts` with `steps` per axis (the adjoint of a
  /// slice). Differentiable: its pullback is the slice.
  func embedded(in shape: [Int], starts: [Int], steps: [Int]) -> Tensor {
    let out = Tensor.zeros(shape, dtype: dtype, on: device)
    let target = Tensor.stridedView(of: out, shape: self.shape, starts: starts, steps: steps)
    backend.copy(operand, to: target)
    let ranges = zip(zip(starts, steps), self.shape).map { startStep, length in
      TensorIndex.range(start: startStep.0, end: startStep.0 + length * startStep.1, step: startStep.1)
    }
    return Tensor.record("embed", out, inputs: [self]) { g in [g.slice(ranges)] }
  }

  /// The operand of the region of contiguous `base` at `starts` with `steps` and `shape`.
  static func stridedView(of base: Tensor, shape: [Int], starts: [Int], steps: [Int]) -> Operand {
    var offset = base.layout.offset
    var strides: [Int] = []
    for axis in 0..<shape.count {
      offset += starts[axis] * base.strides[axis]
      strides.append(base.strides[axis] * steps[axis])
    }
    return Operand(buffer: base.buffer, layout: Layout(shape: shape, strides: strides, offset: offset),
                   dtype: base.dtype)
  }
}

// Lets `x[.all, .stride(0, nil, by: 2)]`, `x[.ellipsis, 0]` and `x[.newAxis]` resolve inside the
// variadic subscript.
extension TensorIndexConvertible where Self == TensorIndex {
  /// A full axis (`:`).
  public static var all: TensorIndex { .range(start: nil, end: nil, step: 1) }
  /// As many full axes as needed (`...`).
  public static var ellipsis: TensorIndex { .remainingAxes }
  /// A new axis of size 1 (`None`).
  public static var newAxis: TensorIndex { .insertAxis }
  /// `start..<end` by `step`.
  public static func stride(_ start: Int? = nil, _ end: Int? = nil, by step: Int) -> TensorIndex {
    .range(start: start, end: end, step: step)
  }
}
