import CEmberKernels
import EmberBackend

/// Batch normalization's per-channel reductions over `[N, C, spatial]` in one pass (C loops in
/// Normalization.c), channels split across threads.
enum NormalizationKernels {
  static func channelMoments(_ input: Operand, mean: Operand, variance: Operand) {
    let (rows, channels, spatial) = dimensions(input, "channelMoments")
    var means = [Double](repeating: 0, count: channels), variances = means
    means.withUnsafeMutableBufferPointer { m in
      variances.withUnsafeMutableBufferPointer { v in
        let (m, v) = (m.baseAddress!, v.baseAddress!)
        Parallel.forEachChunk(channels, costPerItem: rows * spatial) { range in
          let (c0, c1) = (range.lowerBound, range.upperBound)
          switch input.dtype {
          case .float32: ember_channel_moments_f32(base(input, Float.self), rows, channels, spatial, c0, c1, m, v)
          case .float64: ember_channel_moments_f64(base(input, Double.self), rows, channels, spatial, c0, c1, m, v)
          default: preconditionFailure("channelMoments: \(input.dtype) tensors are not supported (float32, float64)")
          }
        }
      }
    }
    store(means, into: mean)
    store(variances, into: variance)
  }

  static func channelGradientSums(
    _ gradient: Operand, _ input: Operand, mean: Operand, sum: Operand, centeredSum: Operand
  ) {
    let (rows, channels, spatial) = dimensions(input, "channelGradientSums")
    precondition(gradient.layout.shape == input.layout.shape && gradient.dtype == input.dtype,
                 "channelGradientSums: gradient \(gradient.layout.shape) does not match input \(input.layout.shape)")
    let means = load(mean, channels)
    var sums = [Double](repeating: 0, count: channels), centered = sums
    sums.withUnsafeMutableBufferPointer { s in
      centered.withUnsafeMutableBufferPointer { t in
        let (s, t) = (s.baseAddress!, t.baseAddress!)
        means.withUnsafeBufferPointer { m in
          let m = m.baseAddress!
          Parallel.forEachChunk(channels, costPerItem: 2 * rows * spatial) { range in
            let (c0, c1) = (range.lowerBound, range.upperBound)
            switch input.dtype {
            case .float32:
              ember_channel_gradient_sums_f32(base(gradient, Float.self), base(input, Float.self), m, rows,
                                              channels, spatial, c0, c1, s, t)
            case .float64:
              ember_channel_gradient_sums_f64(base(gradient, Double.self), base(input, Double.self), m, rows,
                                              channels, spatial, c0, c1, s, t)
            default:
              preconditionFailure("channelGradientSums: \(input.dtype) tensors are not supported (float32, float64)")
            }
          }
        }
      }
    }
    store(sums, into: sum)
    store(centered, into: centeredSum)
  }

  /// `[N, C, spatial]` of a contiguous `[N, C, …]` operand.
  private static func dimensions(_ input: Operand, _ op: String) -> (Int, Int, Int) {
    let shape = input.layout.shape
    precondition(shape.count >= 2 && input.layout.isContiguous,
                 "\(op): input \(shape) must be contiguous [N, C, …]")
    return (shape[0], shape[1], shape[2...].reduce(1, *))
  }

  private static func base<T>(_ operand: Operand, _: T.Type) -> UnsafeMutablePointer<T> {
    operand.buffer.pointer.assumingMemoryBound(to: T.self) + operand.layout.offset
  }

  /// The `[C]` values of `operand` (float32 or float64, any strides) as doubles.
  private static func load(_ operand: Operand, _ count: Int) -> [Double] {
    precondition(operand.layout.shape == [count], "batch norm: \(operand.layout.shape) should be [\(count)]")
    let stride = operand.layout.strides[0]
    switch operand.dtype {
    case .float32: let p = base(operand, Float.self); return (0..<count).map { Double(p[$0 * stride]) }
    case .float64: let p = base(operand, Double.self); return (0..<count).map { p[$0 * stride] }
    default: preconditionFailure("batch norm: \(operand.dtype) statistics are not supported")
    }
  }

  /// Writes `values` into the `[C]` `operand` (float32 or float64, any strides).
  private static func store(_ values: [Double], into operand: Operand) {
    precondition(operand.layout.shape == [values.count], "batch norm: \(operand.layout.shape) should be [\(values.count)]")
    let stride = operand.layout.strides[0]
    switch operand.dtype {
    case .float32: let p = base(operand, Float.self); for (i, v) in values.enumerated() { p[i * stride] = Float(v) }
    case .float64: let p = base(operand, Double.self); for (i, v) in values.enumerated() { p[i * stride] = v }
    default: preconditionFailure("batch norm: \(operand.dtype) statistics are not supported")
    }
  }
}
