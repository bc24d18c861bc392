import EmberBackend

/// Inclusive cumulative sums along one axis.
enum ScanKernels {
  /// `out[…, j, …] = Σ_{i ≤ j} x[…, i, …]` along `axis`; `out` has `x`'s shape and dtype.
  static func cumsum(_ x: Operand, axis: Int, to out: Operand) {
    precondition(x.shape == out.shape, "cumsum: shapes \(x.shape) and \(out.shape) differ")
    precondition(axis >= 0 && axis < x.layout.rank, "cumsum: axis \(axis) of shape \(x.shape)")
    precondition(x.dtype == out.dtype, "cumsum: input \(x.dtype) but output \(out.dtype)")
    switch x.dtype {
    case .float32: cumsumFloat32(x, axis: axis, to: out)
    case .float64: cumsum(x, axis: axis, to: out, Double.self)
    case .int32: cumsum(x, axis: axis, to: out, Int32.self)
    case .int64: cumsum(x, axis: axis, to: out, Int64.self)
    case .bool: preconditionFailure("cumsum: not defined for bool; cast to int64 first")
    }
  }

  /// Float32 running sums kept in Double, as PyTorch's CPU kernel (`acc_type<float>`): each output
  /// is the rounding of the running sum, not a sum of rounded partial sums (whose error grows with
  /// the length of the axis).
  private static func cumsumFloat32(_ x: Operand, axis: Int, to out: Operand) {
    let xp = elements(x, Float.self)
    let yp = elements(out, Float.self)
    let n = x.shape[axis]
    let sx = x.layout.strides[axis], sy = out.layout.strides[axis]
    forEachLane(shape: x.shape, axis: axis, [x.layout, out.layout]) { ox, oy, _, _ in
      var acc = 0.0
      for j in 0..<n {
        acc += Double(xp[ox &+ j &* sx])
        yp[oy &+ j &* sy] = Float(acc)
      }
    }
  }

  private static func cumsum<T: KernelNumber>(
    _ x: Operand, axis: Int, to out: Operand, _: T.Type
  ) {
    let xp = elements(x, T.self)
    let yp = elements(out, T.self)
    let n = x.shape[axis]
    let sx = x.layout.strides[axis], sy = out.layout.strides[axis]
    if axis == x.layout.rank - 1 || n <= 1 {
      forEachLane(shape: x.shape, axis: axis, [x.layout, out.layout]) { ox, oy, _, _ in
        var acc = T.zero
        for j in 0..<n {
          acc = T.plus(acc, xp[ox &+ j &* sx])
          yp[oy &+ j &* sy] = acc
        }
      }
      return
    }
    // Inner axes follow `axis`: add whole slices (`out[j] = out[j-1] + x[j]`), which vectorizes.
    var outerShape = x.shape
    outerShape[axis] = 1
    let first = Layout(shape: outerShape, strides: x.layout.strides, offset: x.layout.offset)
    let firstOut = Layout(shape: outerShape, strides: out.layout.strides, offset: out.layout.offset)
    for j in 0..<n {
      var xl = first, yl = firstOut, prev = firstOut
      xl.offset += j * sx
      yl.offset += j * sy
      prev.offset += (j - 1) * sy
      let plan = StridedPlan(shape: outerShape, [yl, xl, prev])
      let iy = plan.innerStride(0), ix = plan.innerStride(1), ip = plan.innerStride(2)
      plan.forEachRow { oy, ox, op, _, m in
        if j == 0 {
          for i in 0..<m { yp[oy &+ i &* iy] = xp[ox &+ i &* ix] }
        } else if iy == 1 && ix == 1 && ip == 1 {
          let y = yp + oy, a = xp + ox, p = yp + op
          for i in 0..<m { y[i] = T.plus(p[i], a[i]) }
        } else {
          for i in 0..<m { yp[oy &+ i &* iy] = T.plus(yp[op &+ i &* ip], xp[ox &+ i &* ix]) }
        }
      }
    }
  }
}
