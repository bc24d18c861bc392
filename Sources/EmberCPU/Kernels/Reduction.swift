import EmberBackend

/// Sum, product, maximum and minimum over any set of axes; argmax and argmin over one axis.
///
/// Axes are first collapsed (size-1 axes dropped, neighbours of the same kind merged when their
/// strides allow), then one of two loops runs: when the innermost axis is reduced, each output
/// element folds a run (float sums use SIMD accumulators); when it is kept, whole rows of `out`
/// are folded at once, which vectorizes across the kept axis.
enum ReductionKernels {
  /// Reduces `x` over `axes` (sorted, distinct) into `out` (`x`'s shape with those axes set to 1).
  static func reduce(_ op: ReduceOp, _ x: Operand, axes: [Int], to out: Operand) {
    var expected = x.shape
    for (i, axis) in axes.enumerated() {
      precondition(
        axis >= 0 && axis < x.layout.rank && (i == 0 || axes[i - 1] < axis),
        "\(op): axes \(axes) are not sorted, distinct axes of shape \(x.shape)")
      expected[axis] = 1
    }
    precondition(
      out.shape == expected, "\(op): output shape \(out.shape) is not \(expected) for axes \(axes)")
    if op == .argmax || op == .argmin {
      precondition(axes.count == 1, "\(op): reduces exactly one axis, not \(axes)")
      precondition(out.dtype == .int64, "\(op): output must be int64, not \(out.dtype)")
      precondition(x.shape[axes[0]] > 0, "\(op): axis \(axes[0]) of shape \(x.shape) is empty")
      let largest = op == .argmax
      switch x.dtype {
      case .float32: argReduce(x, axis: axes[0], largest: largest, to: out, Float.self)
      case .float64: argReduce(x, axis: axes[0], largest: largest, to: out, Double.self)
      case .int32: argReduce(x, axis: axes[0], largest: largest, to: out, Int32.self)
      case .int64: argReduce(x, axis: axes[0], largest: largest, to: out, Int64.self)
      case .bool: preconditionFailure("\(op): not defined for bool; cast first")
      }
      return
    }
    precondition(x.dtype == out.dtype, "\(op): input \(x.dtype) but output \(out.dtype)")
    switch x.dtype {
    case .float32: reduce(op, x, axes: axes, to: out, Float.self)
    case .float64: reduce(op, x, axes: axes, to: out, Double.self)
    case .int32: reduce(op, x, axes: axes, to: out, Int32.self)
    case .int64: reduce(op, x, axes: axes, to: out, Int64.self)
    case .bool: preconditionFailure("\(op): not defined for bool; cast to int64 first")
    }
  }

  private static func reduce<T: KernelNumber>(
    _ op: ReduceOp, _ x: Operand, axes: [Int], to out: Operand, _: T.Type
  ) {
    switch op {
    case .sum: fold(x, axes: axes, to: out, identity: T.zero, isSum: true, Add<T>.self)
    case .prod: fold(x, axes: axes, to: out, identity: T.one, isSum: false, Multiply<T>.self)
    case .max: fold(x, axes: axes, to: out, identity: T.lowest, isSum: false, Maximum<T>.self)
    case .min: fold(x, axes: axes, to: out, identity: T.highest, isSum: false, Minimum<T>.self)
    case .argmax, .argmin: preconditionFailure("unreachable")
    }
  }

  /// One collapsed axis: its size, `x`'s and `out`'s strides, and whether it is reduced.
  private struct Axis {
    var size: Int
    var xStride: Int
    var outStride: Int
    var reduced: Bool
  }

  private static func fold<T: KernelNumber, F: BinaryFunction>(
    _ x: Operand, axes: [Int], to out: Operand, identity: T, isSum: Bool, _: F.Type
  ) where F.Input == T, F.Output == T {
    let xp = elements(x, T.self)
    let yp = elements(out, T.self)
    var reducedAxis = [Bool](repeating: false, count: x.layout.rank)
    for axis in axes { reducedAxis[axis] = true }
    var dims: [Axis] = []
    for d in 0..<x.layout.rank where x.shape[d] != 1 {
      let axis = Axis(
        size: x.shape[d], xStride: x.layout.strides[d],
        outStride: reducedAxis[d] ? 0 : out.layout.strides[d], reduced: reducedAxis[d])
      if var last = dims.last, last.reduced == axis.reduced,
        last.xStride == axis.xStride &* axis.size, last.outStride == axis.outStride &* axis.size
      {
        last.size *= axis.size
        last.xStride = axis.xStride
        last.outStride = axis.outStride
        dims[dims.count - 1] = last
      } else {
        dims.append(axis)
      }
    }
    let kept = dims.filter { !$0.reduced }
    let red = dims.filter { $0.reduced }
    let keptLayouts = [
      Layout(shape: kept.map(\.size), strides: kept.map(\.outStride), offset: out.layout.offset),
      Layout(shape: kept.map(\.size), strides: kept.map(\.xStride), offset: x.layout.offset),
    ]
    let redCount = red.reduce(1) { $0 * $1.size }
    if x.count == 0 {
      StridedPlan(shape: keptLayouts[0].shape, [keptLayouts[0]]).forEachElement { o, _, _, _ in
        yp[o] = identity
      }
      return
    }
    if red.isEmpty || dims.last!.reduced {
      // Innermost axis reduced: every output element folds runs of `run` elements.
      let run = red.last?.size ?? 1
      let runStride = red.last?.xStride ?? 0
      let outerRed = Array(red.dropLast())
      @inline(__always)
      func foldRun(_ p: UnsafePointer<T>, _ n: Int, _ acc: T) -> T {
        if isSum && runStride == 1 { return F.apply(acc, T.contiguousSum(p, n)) }
        var a = acc
        for i in 0..<n { a = F.apply(a, p[i &* runStride]) }
        return a
      }
      let outCount = out.count
      if outCount == 1 && outerRed.isEmpty {
        // One long run: partial folds in parallel, combined in order.
        let pieces = Swift.max(1, Swift.min(Parallel.threadCount, run / 4096))
        let partial = UnsafeMutablePointer<T>.allocate(capacity: pieces)
        defer { partial.deallocate() }
        let chunk = (run + pieces - 1) / pieces
        let base = xp + x.layout.offset
        Parallel.forEachChunk(pieces, costPerItem: chunk) { range in
          for piece in range {
            let start = piece * chunk
            let n = Swift.max(0, Swift.min(run, start + chunk) - start)
            let first = UnsafePointer(base + start &* runStride)
            (partial + piece).initialize(to: foldRun(first, n, identity))
          }
        }
        var acc = identity
        for piece in 0..<pieces { acc = F.apply(acc, partial[piece]) }
        yp[out.layout.offset] = acc
        return
      }
      let plan = StridedPlan(shape: keptLayouts[0].shape, keptLayouts)
      if outerRed.isEmpty {
        plan.forEachElement(cost: run) { oo, ox, _, _ in
          yp[oo] = foldRun(UnsafePointer(xp + ox), run, identity)
        }
      } else {
        plan.forEachElement(cost: redCount) { oo, ox, _, _ in
          var acc = identity
          forEachOffset(outerRed) { r in acc = foldRun(UnsafePointer(xp + (ox &+ r)), run, acc) }
          yp[oo] = acc
        }
      }
      return
    }
    // Innermost axis kept: fold whole rows of `out` (vectorizes across the kept axis).
    let last = kept.last!
    let m = last.size, xs = last.xStride, os = last.outStride
    var outerLayouts = keptLayouts
    for k in 0..<2 {
      outerLayouts[k].shape.removeLast()
      outerLayouts[k].strides.removeLast()
    }
    @inline(__always)
    func foldColumns(_ y: UnsafeMutablePointer<T>, _ p: UnsafePointer<T>, _ columns: Range<Int>) {
      let lo = columns.lowerBound, hi = columns.upperBound
      for j in lo..<hi { y[j &* os] = identity }
      forEachOffset(red) { r in
        let q = p + r
        if os == 1 && xs == 1 {
          for j in lo..<hi { y[j] = F.apply(y[j], q[j]) }
        } else {
          for j in lo..<hi { y[j &* os] = F.apply(y[j &* os], q[j &* xs]) }
        }
      }
    }
    let plan = StridedPlan(shape: outerLayouts[0].shape, outerLayouts)
    if plan.count >= 4 * Parallel.threadCount {
      plan.forEachElement(cost: m &* redCount) { oo, ox, _, _ in
        foldColumns(yp + oo, UnsafePointer(xp + ox), 0..<m)
      }
    } else {
      for (oo, ox) in offsets(plan) {
        Parallel.forEachChunk(m, costPerItem: redCount) { columns in
          foldColumns(yp + oo, UnsafePointer(xp + ox), columns)
        }
      }
    }
  }

  /// The `(offset0, offset1)` pairs of every element of a small plan, in order.
  private static func offsets(_ plan: StridedPlan) -> [(Int, Int)] {
    var result: [(Int, Int)] = []
    let shape = plan.shape, strides = plan.strides
    if plan.count == 0 { return [] }
    var index = [Int](repeating: 0, count: shape.count)
    var o = (plan.offsets.0, plan.offsets.1)
    while true {
      result.append(o)
      var d = shape.count - 1
      while d >= 0 {
        index[d] += 1
        o.0 += strides[d * 4]
        o.1 += strides[d * 4 + 1]
        if index[d] < shape[d] { break }
        o.0 -= shape[d] * strides[d * 4]
        o.1 -= shape[d] * strides[d * 4 + 1]
        index[d] = 0
        d -= 1
      }
      if d < 0 { return result }
    }
  }

  /// Calls `body` with `x`'s offset of every position of the reduced axes `axes`, in order.
  @inline(__always)
  private static func forEachOffset(_ axes: [Axis], _ body: (Int) -> Void) {
    if axes.isEmpty {
      body(0)
      return
    }
    if axes.count == 1 {
      let s = axes[0].xStride
      for i in 0..<axes[0].size { body(i &* s) }
      return
    }
    var index = [Int](repeating: 0, count: axes.count)
    var offset = 0
    while true {
      body(offset)
      var d = axes.count - 1
      while d >= 0 {
        index[d] += 1
        offset &+= axes[d].xStride
        if index[d] < axes[d].size { break }
        offset &-= axes[d].size &* axes[d].xStride
        index[d] = 0
        d -= 1
      }
      if d < 0 { return }
    }
  }

  /// The index of the largest (or smallest) element of each lane along `axis`: the first on ties,
  /// the first NaN when there is one (as PyTorch).
  private static func argReduce<T: KernelNumber>(
    _ x: Operand, axis: Int, largest: Bool, to out: Operand, _: T.Type
  ) {
    let xp = elements(x, T.self)
    let yp = elements(out, Int64.self)
    let n = x.shape[axis], s = x.layout.strides[axis]
    forEachLane(shape: x.shape, axis: axis, [x.layout, out.layout]) { ox, oo, _, _ in
      var best = xp[ox]
      var bestIndex = 0
      if !best.isNaNValue {
        for j in 1..<n {
          let v = xp[ox &+ j &* s]
          if v.isNaNValue {
            bestIndex = j
            break
          }
          if largest ? v > best : v < best {
            best = v
            bestIndex = j
          }
        }
      }
      yp[oo] = Int64(bestIndex)
    }
  }
}

extension KernelNumber {
  /// The sum of `n` contiguous elements (a plain loop; floats override it with SIMD accumulators).
  @inline(__always)
  static func contiguousSum(_ p: UnsafePointer<Self>, _ n: Int) -> Self {
    if Self.self == Float.self {
      return unsafeBitCast(
        sumFloat(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n), to: Self.self)
    }
    if Self.self == Double.self {
      return unsafeBitCast(
        sumDouble(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n), to: Self.self)
    }
    var acc = Self.zero
    for i in 0..<n { acc = plus(acc, p[i]) }
    return acc
  }
}

/// Sum of `n` floats with four 16-wide accumulators (float reductions do not auto-vectorize).
@inline(__always)
func sumFloat(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
  let raw = UnsafeRawPointer(p)
  var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
  var i = 0
  while i &+ 64 <= n {
    a0 += raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
    a1 += raw.loadUnaligned(fromByteOffset: (i &+ 16) &* 4, as: SIMD16<Float>.self)
    a2 += raw.loadUnaligned(fromByteOffset: (i &+ 32) &* 4, as: SIMD16<Float>.self)
    a3 += raw.loadUnaligned(fromByteOffset: (i &+ 48) &* 4, as: SIMD16<Float>.self)
    i &+= 64
  }
  while i &+ 16 <= n {
    a0 += raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
    i &+= 16
  }
  var acc = ((a0 + a1) + (a2 + a3)).sum()
  while i < n {
    acc += p[i]
    i &+= 1
  }
  return acc
}

/// Sum of `n` doubles with four 8-wide accumulators.
@inline(__always)
func sumDouble(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
  let raw = UnsafeRawPointer(p)
  var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
  var i = 0
  while i &+ 32 <= n {
    a0 += raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Double>.self)
    a1 += raw.loadUnaligned(fromByteOffset: (i &+ 8) &* 8, as: SIMD8<Double>.self)
    a2 += raw.loadUnaligned(fromByteOffset: (i &+ 16) &* 8, as: SIMD8<Double>.self)
    a3 += raw.loadUnaligned(fromByteOffset: (i &+ 24) &* 8, as: SIMD8<Double>.self)
    i &+= 32
  }
  while i &+ 8 <= n {
    a0 += raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Double>.self)
    i &+= 8
  }
  var acc = ((a0 + a1) + (a2 + a3)).sum()
  while i < n {
    acc += p[i]
    i &+= 1
  }
  return acc
}
