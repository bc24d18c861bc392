import EmberBackend

/// The loop nest of an elementwise kernel over up to four operands: axes of size 1 dropped and
/// adjacent axes merged wherever every operand allows it, so most loops become 1- or 2-dimensional.
///
/// Operand `k`'s stride on collapsed axis `d` is `strides[d * 4 + k]`; unused operands have
/// stride 0.
struct StridedPlan {
  /// Collapsed sizes, outermost first; never empty.
  var shape: [Int]
  /// Strides, four per axis (see the type's summary).
  var strides: [Int]
  /// Element offsets of the four operands.
  var offsets: (Int, Int, Int, Int)
  /// Number of elements.
  var count: Int

  /// The plan of iterating `shape`, in which operand `k` has `layouts[k]`'s strides and offset.
  init(shape fullShape: [Int], _ layouts: [Layout]) {
    precondition(layouts.count <= 4, "StridedPlan: at most four operands")
    count = fullShape.reduce(1, *)
    var sizes: [Int] = []
    var st: [Int] = []
    sizes.reserveCapacity(fullShape.count)
    st.reserveCapacity(fullShape.count * 4)
    for d in 0..<fullShape.count where fullShape[d] != 1 {
      var s = (0, 0, 0, 0)
      if layouts.count > 0 { s.0 = layouts[0].strides[d] }
      if layouts.count > 1 { s.1 = layouts[1].strides[d] }
      if layouts.count > 2 { s.2 = layouts[2].strides[d] }
      if layouts.count > 3 { s.3 = layouts[3].strides[d] }
      let n = fullShape[d]
      if !sizes.isEmpty {
        let b = st.count - 4
        if st[b] == s.0 &* n && st[b + 1] == s.1 &* n && st[b + 2] == s.2 &* n
          && st[b + 3] == s.3 &* n
        {
          sizes[sizes.count - 1] *= n
          st[b] = s.0
          st[b + 1] = s.1
          st[b + 2] = s.2
          st[b + 3] = s.3
          continue
        }
      }
      sizes.append(n)
      st.append(contentsOf: [s.0, s.1, s.2, s.3])
    }
    if sizes.isEmpty {
      sizes = [1]
      st = [0, 0, 0, 0]
    }
    shape = sizes
    strides = st
    offsets = (
      layouts.count > 0 ? layouts[0].offset : 0, layouts.count > 1 ? layouts[1].offset : 0,
      layouts.count > 2 ? layouts[2].offset : 0, layouts.count > 3 ? layouts[3].offset : 0
    )
  }

  /// Operand `k`'s stride along the innermost collapsed axis.
  func innerStride(_ k: Int) -> Int { strides[(shape.count - 1) * 4 + k] }

  /// Calls `body(offset0, offset1, offset2, offset3, n)` for every run of `n` elements along the
  /// innermost collapsed axis, splitting the work across threads when it is big enough.
  ///
  /// `cost` is a rough per-element cost (1 for a memory-bound add, more for transcendental ops).
  @inline(__always)
  func forEachRow(cost: Int = 1, _ body: (Int, Int, Int, Int, Int) -> Void) {
    if count == 0 { return }
    let rank = shape.count
    let inner = shape[rank - 1]
    let rows = count / inner
    let shape = self.shape
    let strides = self.strides
    let base = offsets
    let i0 = strides[(rank - 1) * 4], i1 = strides[(rank - 1) * 4 + 1]
    let i2 = strides[(rank - 1) * 4 + 2], i3 = strides[(rank - 1) * 4 + 3]
    if rows < 4 {
      // Few long rows: split each row across threads.
      for row in 0..<rows {
        var o = base
        var r = row
        for d in stride(from: rank - 2, through: 0, by: -1) {
          let i = r % shape[d]
          r /= shape[d]
          o.0 &+= i &* strides[d * 4]
          o.1 &+= i &* strides[d * 4 + 1]
          o.2 &+= i &* strides[d * 4 + 2]
          o.3 &+= i &* strides[d * 4 + 3]
        }
        Parallel.forEachChunk(inner, costPerItem: cost) { range in
          let l = range.lowerBound
          body(o.0 &+ l &* i0, o.1 &+ l &* i1, o.2 &+ l &* i2, o.3 &+ l &* i3, range.count)
        }
      }
      return
    }
    Parallel.forEachChunk(rows, costPerItem: inner &* cost) { range in
      var index = [Int](repeating: 0, count: rank - 1)
      var o = base
      var r = range.lowerBound
      for d in stride(from: rank - 2, through: 0, by: -1) {
        let i = r % shape[d]
        r /= shape[d]
        index[d] = i
        o.0 &+= i &* strides[d * 4]
        o.1 &+= i &* strides[d * 4 + 1]
        o.2 &+= i &* strides[d * 4 + 2]
        o.3 &+= i &* strides[d * 4 + 3]
      }
      for _ in range {
        body(o.0, o.1, o.2, o.3, inner)
        var d = rank - 2
        while d >= 0 {
          index[d] &+= 1
          o.0 &+= strides[d * 4]
          o.1 &+= strides[d * 4 + 1]
          o.2 &+= strides[d * 4 + 2]
          o.3 &+= strides[d * 4 + 3]
          if index[d] < shape[d] { break }
          let n = shape[d]
          o.0 &-= n &* strides[d * 4]
          o.1 &-= n &* strides[d * 4 + 1]
          o.2 &-= n &* strides[d * 4 + 2]
          o.3 &-= n &* strides[d * 4 + 3]
          index[d] = 0
          d -= 1
        }
      }
    }
  }

  /// Calls `body(offset0, offset1, offset2, offset3)` once per element, splitting across threads.
  @inline(__always)
  func forEachElement(cost: Int = 1, _ body: (Int, Int, Int, Int) -> Void) {
    let i0 = innerStride(0), i1 = innerStride(1), i2 = innerStride(2), i3 = innerStride(3)
    forEachRow(cost: cost) { o0, o1, o2, o3, n in
      for j in 0..<n { body(o0 &+ j &* i0, o1 &+ j &* i1, o2 &+ j &* i2, o3 &+ j &* i3) }
    }
  }
}

/// Iterates the lanes of `shape` along `axis`: every position of the other axes, once.
///
/// `body` gets the offsets of the lane's first element in up to four operands; walk the lane with
/// each operand's stride along `axis`. Lanes run in parallel when `count × cost` is big enough.
@inline(__always)
func forEachLane(
  shape: [Int], axis: Int, _ layouts: [Layout], cost: Int = 1,
  _ body: (Int, Int, Int, Int) -> Void
) {
  var outer = shape
  outer.remove(at: axis)
  let reduced = layouts.map { layout -> Layout in
    var s = layout.strides
    s.remove(at: axis)
    return Layout(shape: outer, strides: s, offset: layout.offset)
  }
  StridedPlan(shape: outer, reduced).forEachElement(cost: Swift.max(1, shape[axis] &* cost), body)
}

/// A function of one element, as a type: generic kernels specialize on it, so the inner loop calls
/// it statically even when the loop body runs on another thread (a captured closure would not be).
protocol UnaryFunction {
  associatedtype Input
  associatedtype Output
  static func apply(_ x: Input) -> Output
}

/// A function of two elements of one type, as a type (see `UnaryFunction`).
protocol BinaryFunction {
  associatedtype Input
  associatedtype Output
  static func apply(_ x: Input, _ y: Input) -> Output
}

/// Applies `F` to every element of `x`, writing `out` (same shape; any strides).
@inline(__always)
func map1<F: UnaryFunction>(_ x: Operand, to out: Operand, cost: Int = 1, _: F.Type) {
  let xp = x.buffer.pointer.assumingMemoryBound(to: F.Input.self)
  let yp = out.buffer.pointer.assumingMemoryBound(to: F.Output.self)
  let plan = StridedPlan(shape: out.shape, [out.layout, x.layout])
  let sy = plan.innerStride(0), sx = plan.innerStride(1)
  if plan.shape.count == 2 && sy == 1 && sx > 1 && plan.strides[1] == 1 {
    // A transpose: copy 32 × 32 tiles so both sides stay in cache.
    let rows = plan.shape[0], cols = plan.shape[1], rowStride = plan.strides[0]
    let y = yp + plan.offsets.0, a = xp + plan.offsets.1
    Parallel.forEachChunk((rows + 31) / 32, costPerItem: 32 &* cols &* cost) { tiles in
      for tile in tiles {
        let r0 = tile &* 32, r1 = Swift.min(rows, r0 &+ 32)
        for c0 in stride(from: 0, to: cols, by: 32) {
          let c1 = Swift.min(cols, c0 &+ 32)
          for r in r0..<r1 {
            let yr = y + r &* rowStride, ar = a + r
            for c in c0..<c1 { yr[c] = F.apply(ar[c &* sx]) }
          }
        }
      }
    }
    return
  }
  plan.forEachRow(cost: cost) { oy, ox, _, _, n in
    let y = yp + oy, a = xp + ox
    if sy == 1 && sx == 1 {
      for i in 0..<n { y[i] = F.apply(a[i]) }
    } else if sy == 1 && sx == 0 {
      let v = F.apply(a[0])
      for i in 0..<n { y[i] = v }
    } else {
      for i in 0..<n { y[i &* sy] = F.apply(a[i &* sx]) }
    }
  }
}

/// Applies `F` to every pair of elements of `a` and `b` (broadcast to `out`'s shape), writing
/// `out`.
@inline(__always)
func map2<F: BinaryFunction>(
  _ a: Operand, _ b: Operand, to out: Operand, cost: Int = 1, _: F.Type
) {
  let ap = a.buffer.pointer.assumingMemoryBound(to: F.Input.self)
  let bp = b.buffer.pointer.assumingMemoryBound(to: F.Input.self)
  let yp = out.buffer.pointer.assumingMemoryBound(to: F.Output.self)
  let plan = StridedPlan(shape: out.shape, [out.layout, a.layout, b.layout])
  let sy = plan.innerStride(0), sa = plan.innerStride(1), sb = plan.innerStride(2)
  plan.forEachRow(cost: cost) { oy, oa, ob, _, n in
    let y = yp + oy, x1 = ap + oa, x2 = bp + ob
    if sy == 1 && sa == 1 && sb == 1 {
      for i in 0..<n { y[i] = F.apply(x1[i], x2[i]) }
    } else if sy == 1 && sa == 1 && sb == 0 {
      let v = x2[0]
      for i in 0..<n { y[i] = F.apply(x1[i], v) }
    } else if sy == 1 && sa == 0 && sb == 1 {
      let v = x1[0]
      for i in 0..<n { y[i] = F.apply(v, x2[i]) }
    } else {
      for i in 0..<n { y[i &* sy] = F.apply(x1[i &* sa], x2[i &* sb]) }
    }
  }
}

/// Raw pointer to the element type of an operand's buffer, offset 0.
@inline(__always)
func elements<T>(_ operand: Operand, _ type: T.Type) -> UnsafeMutablePointer<T> {
  operand.buffer.pointer.assumingMemoryBound(to: type)
}

/// The steps `t` in `0..<count` whose position `start + t·step` lies in `0..<size`, as `low..<high`
/// (empty as `high..<high`): the outputs of a convolution row that read inside the image, or the
/// taps of a pooling window that do.
@inline(__always)
func stepsInside(start: Int, step: Int, count: Int, size: Int) -> (low: Int, high: Int) {
  // start + t·step ≥ 0  ⇔  t ≥ ⌈−start / step⌉;  start + t·step ≤ size − 1.
  let low = start >= 0 ? 0 : (-start + step - 1) / step
  let last = size - 1 - start
  let high = last < 0 ? 0 : Swift.min(count, last / step + 1)
  return (Swift.min(low, high), high)
}
