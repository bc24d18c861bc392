import CEmberKernels
import EmberBackend

/// Softmax and log-softmax along one axis, stable (the lane's maximum is subtracted first).
///
/// Contiguous float32 rows along the last axis run the C vector kernel; everything else runs a
/// three-pass loop per lane in the operands' own dtype.
enum SoftmaxKernels {
  /// `out = softmax(x)` (or `log_softmax` when `log`) along `axis`; `out` has `x`'s shape.
  static func softmax(_ x: Operand, axis: Int, log: Bool, to out: Operand) {
    precondition(x.shape == out.shape, "softmax: shapes \(x.shape) and \(out.shape) differ")
    precondition(axis >= 0 && axis < x.layout.rank, "softmax: axis \(axis) of shape \(x.shape)")
    precondition(
      x.dtype == out.dtype && x.dtype.isFloatingPoint,
      "softmax: needs one float dtype, not \(x.dtype) and \(out.dtype)")
    let n = x.shape[axis]
    if x.count == 0 { return }
    if x.dtype == .float32 && axis == x.layout.rank - 1 && x.layout.isContiguous
      && out.layout.isContiguous
    {
      let xp = elements(x, Float.self) + x.layout.offset
      let yp = elements(out, Float.self) + out.layout.offset
      Parallel.forEachChunk(x.count / n, costPerItem: n &* 8) { rows in
        let start = rows.lowerBound &* n
        ember_softmax_rows_f32(xp + start, yp + start, rows.count, n, log ? 1 : 0)
      }
      return
    }
    switch x.dtype {
    case .float32: lanes(x, axis: axis, log: log, to: out, Float.self)
    case .float64: lanes(x, axis: axis, log: log, to: out, Double.self)
    default: preconditionFailure("unreachable")
    }
  }

  private static func lanes<T: KernelFloat>(
    _ x: Operand, axis: Int, log: Bool, to out: Operand, _: T.Type
  ) {
    let xp = elements(x, T.self)
    let yp = elements(out, T.self)
    let n = x.shape[axis]
    let sx = x.layout.strides[axis], sy = out.layout.strides[axis]
    forEachLane(shape: x.shape, axis: axis, [x.layout, out.layout], cost: 8) { ox, oy, _, _ in
      var m = -T.infinity
      for j in 0..<n {
        let v = xp[ox &+ j &* sx]
        m = v > m ? v : m
      }
      var sum: T = 0
      for j in 0..<n {
        let e = T.exp(xp[ox &+ j &* sx] - m)
        if !log { yp[oy &+ j &* sy] = e }
        sum += e
      }
      if log {
        let c = T.log(sum)  // (x − m) − log Σ: nothing of the size of m is rounded
        for j in 0..<n { yp[oy &+ j &* sy] = (xp[ox &+ j &* sx] - m) - c }
      } else {
        for j in 0..<n { yp[oy &+ j &* sy] /= sum }
      }
    }
  }
}
