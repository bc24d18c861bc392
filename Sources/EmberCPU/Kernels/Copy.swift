import EmberBackend
import Foundation

/// Copies between layouts and dtypes, and fills.
enum CopyKernels {
  /// Writes `source`'s elements into `destination` (same shape, any strides), converting dtypes.
  static func copy(_ source: Operand, to destination: Operand) {
    precondition(
      source.shape == destination.shape,
      "copy: shapes \(source.shape) and \(destination.shape) differ")
    if source.dtype == destination.dtype {
      copyBits(source, to: destination)
      return
    }
    switch source.dtype {
    case .float32: convert(Float.self, source, to: destination)
    case .float64: convert(Double.self, source, to: destination)
    case .int32: convert(Int32.self, source, to: destination)
    case .int64: convert(Int64.self, source, to: destination)
    case .bool: convert(UInt8.self, source, to: destination)
    }
  }

  /// Sets every element `destination` sees to `value`, converted to its dtype.
  static func fill(_ destination: Operand, with value: Double) {
    switch destination.dtype {
    case .float32: fill(destination, Float(filling: value))
    case .float64: fill(destination, Double(filling: value))
    case .int32: fill(destination, Int32(filling: value))
    case .int64: fill(destination, Int64(filling: value))
    case .bool: fill(destination, UInt8(filling: value))
    }
  }

  private static func fill<T>(_ destination: Operand, _ value: T) {
    let base = elements(destination, T.self)
    let plan = StridedPlan(shape: destination.shape, [destination.layout])
    let s = plan.innerStride(0)
    plan.forEachRow { o, _, _, _, n in
      let p = base + o
      if s == 1 {
        p.update(repeating: value, count: n)
      } else {
        for i in 0..<n { p[i &* s] = value }
      }
    }
  }

  /// Same-dtype copy: moves bit patterns of the element's width.
  private static func copyBits(_ source: Operand, to destination: Operand) {
    let size = source.dtype.byteSize
    if source.layout.isContiguous && destination.layout.isContiguous {
      let from = source.buffer.pointer + source.layout.offset * size
      let to = destination.buffer.pointer + destination.layout.offset * size
      let bytes = source.count * size
      Parallel.forEachChunk(bytes, threshold: 1 << 20) { range in
        (to + range.lowerBound).copyMemory(from: from + range.lowerBound, byteCount: range.count)
      }
      return
    }
    switch size {
    case 1: map1(source, to: destination, Identity<UInt8>.self)
    case 4: map1(source, to: destination, Identity<UInt32>.self)
    default: map1(source, to: destination, Identity<UInt64>.self)
    }
  }

  private static func convert<S: KernelElement>(
    _: S.Type, _ source: Operand, to destination: Operand
  ) {
    switch destination.dtype {
    case .float32: map1(source, to: destination, Convert<S, Float>.self)
    case .float64: map1(source, to: destination, Convert<S, Double>.self)
    case .int32: map1(source, to: destination, Convert<S, Int32>.self)
    case .int64: map1(source, to: destination, Convert<S, Int64>.self)
    case .bool: map1(source, to: destination, Convert<S, UInt8>.self)
    }
  }
}
