import EmberBackend

/// `gather` and `scatterAdd` along one axis, with PyTorch's semantics and `int64` indices.
///
/// Both walk the lanes of the index along `axis`; lanes run in parallel, which is safe for
/// `scatterAdd` because two lanes never write the same output element.
enum IndexingKernels {
  /// `out[…, j, …] = x[…, index[…, j, …], …]` along `axis`; `index` has `out`'s shape.
  static func gather(_ x: Operand, axis: Int, index: Operand, to out: Operand) {
    precondition(index.dtype == .int64, "gather: index must be int64, not \(index.dtype)")
    precondition(x.dtype == out.dtype, "gather: input \(x.dtype) but output \(out.dtype)")
    precondition(
      index.shape == out.shape && x.layout.rank == out.layout.rank && axis >= 0
        && axis < x.layout.rank,
      "gather: index \(index.shape), input \(x.shape), output \(out.shape), axis \(axis)")
    for d in 0..<x.layout.rank where d != axis {
      precondition(
        index.shape[d] <= x.shape[d],
        "gather: index shape \(index.shape) exceeds input shape \(x.shape) on axis \(d)")
    }
    let source = Layout(shape: out.shape, strides: x.layout.strides, offset: x.layout.offset)
    switch x.dtype.byteSize {
    case 1: gather(x, source, axis: axis, index: index, to: out, UInt8.self)
    case 4: gather(x, source, axis: axis, index: index, to: out, UInt32.self)
    default: gather(x, source, axis: axis, index: index, to: out, UInt64.self)
    }
  }

  private static func gather<W>(
    _ x: Operand, _ source: Layout, axis: Int, index: Operand, to out: Operand, _: W.Type
  ) {
    let xp = elements(x, W.self)
    let ip = elements(index, Int64.self)
    let yp = elements(out, W.self)
    let n = out.shape[axis], size = x.shape[axis]
    let sy = out.layout.strides[axis], si = index.layout.strides[axis]
    let sx = x.layout.strides[axis]
    forEachLane(shape: out.shape, axis: axis, [out.layout, index.layout, source]) {
      oy, oi, ox, _ in
      for j in 0..<n {
        let k = ip[oi &+ j &* si]
        precondition(
          k >= 0 && k < size, "gather: index \(k) is out of range for axis \(axis) of size \(size)")
        yp[oy &+ j &* sy] = xp[ox &+ Int(k) &* sx]
      }
    }
  }

  /// `out[…, index[…, j, …], …] += source[…, j, …]` along `axis`; `index` has `source`'s shape.
  static func scatterAdd(_ source: Operand, axis: Int, index: Operand, into out: Operand) {
    precondition(index.dtype == .int64, "scatterAdd: index must be int64, not \(index.dtype)")
    precondition(
      source.dtype == out.dtype, "scatterAdd: source \(source.dtype) but output \(out.dtype)")
    precondition(
      index.shape == source.shape && out.layout.rank == source.layout.rank && axis >= 0
        && axis < out.layout.rank,
      "scatterAdd: index \(index.shape), source \(source.shape), output \(out.shape), axis \(axis)")
    for d in 0..<out.layout.rank where d != axis {
      precondition(
        index.shape[d] <= out.shape[d],
        "scatterAdd: index shape \(index.shape) exceeds output shape \(out.shape) on axis \(d)")
    }
    switch out.dtype {
    case .float32: scatterAdd(source, axis: axis, index: index, into: out, Float.self)
    case .float64: scatterAdd(source, axis: axis, index: index, into: out, Double.self)
    case .int32: scatterAdd(source, axis: axis, index: index, into: out, Int32.self)
    case .int64: scatterAdd(source, axis: axis, index: index, into: out, Int64.self)
    case .bool: preconditionFailure("scatterAdd: not defined for bool; cast first")
    }
  }

  private static func scatterAdd<T: KernelNumber>(
    _ source: Operand, axis: Int, index: Operand, into out: Operand, _: T.Type
  ) {
    let sp = elements(source, T.self)
    let ip = elements(index, Int64.self)
    let yp = elements(out, T.self)
    let n = source.shape[axis], size = out.shape[axis]
    let ss = source.layout.strides[axis], si = index.layout.strides[axis]
    let sy = out.layout.strides[axis]
    let target = Layout(shape: source.shape, strides: out.layout.strides, offset: out.layout.offset)
    forEachLane(shape: source.shape, axis: axis, [source.layout, index.layout, target]) {
      os, oi, oy, _ in
      for j in 0..<n {
        let k = ip[oi &+ j &* si]
        precondition(
          k >= 0 && k < size,
          "scatterAdd: index \(k) is out of range for axis \(axis) of size \(size)")
        let p = yp + (oy &+ Int(k) &* sy)
        p.pointee = T.plus(p.pointee, sp[os &+ j &* ss])
      }
    }
  }
}
