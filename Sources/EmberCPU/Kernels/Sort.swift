import EmberBackend

/// Stable sorting along one axis, writing values and `int64` source indices. NaN sorts as the
/// largest value (as PyTorch).
enum SortKernels {
  /// Sorts each lane of `x` along `axis` into `values` (x's dtype) and `indices` (`int64`).
  static func sort(
    _ x: Operand, axis: Int, descending: Bool, values: Operand, indices: Operand
  ) {
    precondition(
      x.shape == values.shape && x.shape == indices.shape,
      "sort: shapes \(x.shape), \(values.shape) and \(indices.shape) differ")
    precondition(axis >= 0 && axis < x.layout.rank, "sort: axis \(axis) of shape \(x.shape)")
    precondition(x.dtype == values.dtype, "sort: input \(x.dtype) but values \(values.dtype)")
    precondition(indices.dtype == .int64, "sort: indices must be int64, not \(indices.dtype)")
    switch x.dtype {
    case .float32: sort(x, axis, descending, values, indices, Float.self) { $0.isNaN }
    case .float64: sort(x, axis, descending, values, indices, Double.self) { $0.isNaN }
    case .int32: sort(x, axis, descending, values, indices, Int32.self) { _ in false }
    case .int64: sort(x, axis, descending, values, indices, Int64.self) { _ in false }
    case .bool: sort(x, axis, descending, values, indices, UInt8.self) { _ in false }
    }
  }

  private static func sort<T: Comparable>(
    _ x: Operand, _ axis: Int, _ descending: Bool, _ values: Operand, _ indices: Operand,
    _: T.Type, isNaN: (T) -> Bool
  ) {
    let xp = elements(x, T.self)
    let vp = elements(values, T.self)
    let ip = elements(indices, Int64.self)
    let n = x.shape[axis]
    let sx = x.layout.strides[axis], sv = values.layout.strides[axis]
    let si = indices.layout.strides[axis]
    // `a` comes before `b` in ascending order, NaN last.
    @inline(__always)
    func ascending(_ a: T, _ b: T) -> Bool { a < b || (isNaN(b) && !isNaN(a)) }
    let cost = Swift.max(1, Int.bitWidth - n.leadingZeroBitCount) &* 4
    forEachLane(
      shape: x.shape, axis: axis, [x.layout, values.layout, indices.layout], cost: cost
    ) { ox, ov, oi, _ in
      var order = [Int](unsafeUninitializedCapacity: n) { buffer, count in
        for j in 0..<n { buffer[j] = j }
        count = n
      }
      let lane = xp + ox
      order.withUnsafeMutableBufferPointer { order in
        order.sort { i, j in
          let a = lane[i &* sx], b = lane[j &* sx]
          if descending ? ascending(b, a) : ascending(a, b) { return true }
          if descending ? ascending(a, b) : ascending(b, a) { return false }
          return i < j
        }
      }
      for j in 0..<n {
        vp[ov &+ j &* sv] = lane[order[j] &* sx]
        ip[oi &+ j &* si] = Int64(order[j])
      }
    }
  }
}
