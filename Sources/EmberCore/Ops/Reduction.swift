import EmberBackend

extension Tensor {
  /// Normalized, sorted, distinct axes (all axes when `axes` is `nil`).
  func reductionAxes(_ axes: [Int]?, op: String) -> [Int] {
    guard let axes else { return Array(0..<rank) }
    let normalized = Set(axes.map { normalizedAxis($0, op: op) })
    precondition(normalized.count == axes.count, "\(op): repeated axis in \(axes) for shape \(shape)")
    return normalized.sorted()
  }

  /// Shape after reducing `axes` with `keepDims`.
  func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
    var result: [Int] = []
    for (axis, size) in shape.enumerated() {
      if axes.contains(axis) { if keepDims { result.append(1) } } else { result.append(size) }
    }
    return result
  }

  /// Runs a reduction kernel; returns the keepDims-shaped result (records nothing).
  ///
  /// Dtypes follow PyTorch: sums and products of bool and integer tensors are int64, the
  /// maximum and minimum of a bool tensor are bool, argmax and argmin are int64.
  func launchReduce(_ op: ReduceOp, axes: [Int], name: String) -> Tensor {
    if dtype == .bool && (op == .max || op == .min) {
      return cast(to: .int64).launchReduce(op, axes: axes, name: name).cast(to: .bool)
    }
    var input = self
    if !dtype.isFloatingPoint && (dtype == .bool || op == .sum || op == .prod) {
      input = input.cast(to: .int64)
    }
    let outType: DType = (op == .argmax || op == .argmin) ? .int64 : input.dtype
    let out = Tensor.empty(reducedShape(axes, keepDims: true), dtype: outType, device: device)
    if count == 0 && (op == .sum || op == .prod) {
      backend.fill(out.operand, with: op == .sum ? 0 : 1)
      return out
    }
    precondition(count > 0 || axes.allSatisfy { shape[$0] > 0 },
                 "\(name): cannot reduce an empty axis of shape \(shape)")
    backend.reduce(op, input.operand, axes: axes, to: out.operand)
    return out
  }

  /// Sum over `axes` (all when `nil`), keeping reduced axes as size 1 when `keepDims`.
  /// Bool and integer tensors sum to int64, as in PyTorch.
  public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    let reduced = reductionAxes(axes, op: "sum")
    let kept = launchReduce(.sum, axes: reduced, name: "sum")
    let out = keepDims ? kept : kept.reshaped(reducedShape(reduced, keepDims: false))
    let keptShape = kept.shape, inputShape = shape
    return Tensor.record("sum", out, inputs: [self]) { g in
      [g.reshaped(keptShape).expanded(to: inputShape)]  // dX = G broadcast back
    }
  }

  /// Sum over one axis.
  public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

  /// Mean over `axes` (all when `nil`); integers are averaged as float32.
  public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    let reduced = reductionAxes(axes, op: "mean")
    let n = reduced.reduce(1) { $0 * shape[$1] }
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    return input.sum(axes: reduced, keepDims: keepDims) / Double(n)
  }

  /// Mean over one axis.
  public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

  /// Variance over `axes` with Bessel's `correction` (1 = unbiased, PyTorch's default).
  public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
    let reduced = reductionAxes(axes, op: "variance")
    let n = reduced.reduce(1) { $0 * shape[$1] }
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let centered = input - input.mean(axes: reduced, keepDims: true)
    return (centered * centered).sum(axes: reduced, keepDims: keepDims) / Double(Swift.max(n - correction, 0))
  }

  /// Standard deviation over `axes` with Bessel's `correction` (1 = unbiased).
  public func standardDeviation(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
    variance(axes: axes, correction: correction, keepDims: keepDims).sqrt()
  }

  /// Shared body of max/min: the gradient is split evenly between tied extrema (like `torch.amax`).
  private func extremum(_ op: ReduceOp, axes: [Int]?, keepDims: Bool, name: String) -> Tensor {
    let reduced = reductionAxes(axes, op: name)
    let kept = launchReduce(op, axes: reduced, name: name)
    let out = keepDims ? kept : kept.reshaped(reducedShape(reduced, keepDims: false))
    let keptShape = kept.shape
    return Tensor.record(name, out, inputs: [self]) { [self] g in
      let mask = self.equal(kept).cast(to: g.dtype)  // dX = G·[x = max] / #ties
      let ties = mask.sum(axes: reduced, keepDims: true)
      return [mask * g.reshaped(keptShape) / ties]
    }
  }

  /// Maximum over `axes` (all when `nil`).
  public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    extremum(.max, axes: axes, keepDims: keepDims, name: "max")
  }
  /// Maximum over one axis.
  public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }

  /// Minimum over `axes` (all when `nil`).
  public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    extremum(.min, axes: axes, keepDims: keepDims, name: "min")
  }
  /// Minimum over one axis.
  public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

  /// Product over `axes` (all when `nil`); bool and integer tensors multiply in int64.
  /// The gradient is G·Π/x, so inputs must be nonzero.
  public func prod(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    let reduced = reductionAxes(axes, op: "prod")
    let kept = launchReduce(.prod, axes: reduced, name: "prod")
    let out = keepDims ? kept : kept.reshaped(reducedShape(reduced, keepDims: false))
    let keptShape = kept.shape
    return Tensor.record("prod", out, inputs: [self]) { [self] g in
      let y = GradientMode.isEnabled ? self.prod(axes: reduced, keepDims: true) : kept
      return [g.reshaped(keptShape) * y / self]  // dX = G·Π / x
    }
  }

  /// Index of the maximum along `axis` (int64; first on ties), or of the flattened tensor when `nil`.
  public func argmax(axis: Int? = nil, keepDims: Bool = false) -> Tensor {
    argExtremum(.argmax, axis: axis, keepDims: keepDims)
  }

  /// Index of the minimum along `axis` (int64; first on ties), or of the flattened tensor when `nil`.
  public func argmin(axis: Int? = nil, keepDims: Bool = false) -> Tensor {
    argExtremum(.argmin, axis: axis, keepDims: keepDims)
  }

  private func argExtremum(_ op: ReduceOp, axis: Int?, keepDims: Bool) -> Tensor {
    guard let axis else {
      return contiguous().detached().reshaped([count]).argExtremum(op, axis: 0, keepDims: false)
    }
    let a = normalizedAxis(axis, op: op.rawValue)
    let kept = detached().launchReduce(op, axes: [a], name: op.rawValue)
    return keepDims ? kept : kept.reshaped(reducedShape([a], keepDims: false))
  }

  /// log Σ exp(x) over `axes`, computed stably by subtracting the maximum (−∞ over an empty axis).
  public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    let reduced = reductionAxes(axes, op: "logSumExp")
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    // An empty axis sums no terms: log 0 = −∞, as in PyTorch (the maximum of nothing is undefined).
    var peak = input.count == 0
      ? Tensor.zeros(reducedShape(reduced, keepDims: true), dtype: input.dtype, on: device)
      : input.detached().max(axes: reduced, keepDims: true)
    peak = Tensor.where(peak.equal(Double.infinity).logicalOr(peak.equal(-Double.infinity)), 0, peak)
    let summed = (input - peak).exp().sum(axes: reduced, keepDims: true).log() + peak
    return keepDims ? summed : summed.reshaped(reducedShape(reduced, keepDims: false))
  }

  /// log Σ exp(x) over one axis.
  public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
    logSumExp(axes: [axis], keepDims: keepDims)
  }
}
