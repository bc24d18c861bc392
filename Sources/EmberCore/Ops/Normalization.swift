import EmberBackend

extension Tensor {
  /// Batch normalization with the batch's own statistics, like `torch.nn.functional.batch_norm`
  /// with `training=True`: every channel (axis 1) is normalized by its mean and biased variance over
  /// all other axes, then scaled by `weight` and shifted by `bias` when given.
  ///
  /// `y = (x − μ_c)·rsqrt(σ²_c + ε)·γ_c + β_c`. Forward is one statistics pass (`channelMoments`)
  /// and one fused pass; backward one sums pass (`channelGradientSums`) and one fused pass:
  /// `dβ = Σ G`, `dγ = Σ G·x̂`, `dX = γ·rsqrt(σ² + ε)·(G − mean(G) − x̂·mean(G·x̂))` with
  /// `x̂ = (x − μ)·rsqrt(σ² + ε)` (composed from recorded ops when the backward is itself recorded).
  ///
  /// Shapes: `[N, C, …]` with `weight` and `bias` `[C]` → `output` of the input's shape, `mean`
  /// and `variance` `[C]` (not differentiable; batch norm's running statistics move towards them).
  public func batchNormalized(
    weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Double = 1e-5
  ) -> (output: Tensor, mean: Tensor, variance: Tensor) {
    precondition(rank >= 2 && dtype.isFloatingPoint,
                 "batchNormalized: input \(shape) of \(dtype) should be floating-point [N, C, …]")
    let channels = shape[1]
    for (name, p) in [("weight", weight), ("bias", bias)] {
      guard let p else { continue }
      precondition(p.shape == [channels] && p.dtype == dtype,
                   "batchNormalized: \(name) \(p.shape) of \(p.dtype) should be [\(channels)] of \(dtype) for input \(shape)")
      checkDevice(p, op: "batchNormalized")
    }
    let input = contiguous().detached()
    let count = Double(self.count / channels)
    precondition(count > 0, "batchNormalized: input \(shape) has no values")
    let mean = Tensor.empty([channels], dtype: dtype, device: device)
    let variance = Tensor.empty([channels], dtype: dtype, device: device)
    backend.channelMoments(input.operand, mean: mean.operand, variance: variance.operand)
    var broadcast = [Int](repeating: 1, count: rank)
    broadcast[1] = channels
    let (gamma, beta) = (weight?.detached(), bias?.detached())
    // y = x·a + b with a = γ·rsqrt(σ² + ε) and b = β − μ·a, per channel.
    let (invStd, scale, shift) = withoutGradients {
      let invStd = (variance + epsilon).rsqrt()
      let scale = gamma.map { $0 * invStd } ?? invStd
      let shift = (beta.map { $0 - mean * scale }) ?? -(mean * scale)
      return (invStd, scale, shift)
    }
    let out = input.channelAffine(scale: scale, shift: shift)
    let axes = [0] + Array(2..<rank)
    let inputs = [self] + [weight, bias].compactMap { $0 }
    let (hasWeight, hasBias) = (weight != nil, bias != nil)
    let source = self
    let output = Tensor.record("batchNorm", out, inputs: inputs) { g in
      var gradients: [Tensor?]
      if GradientMode.isEnabled {
        // Composed from recorded ops, so the backward differentiates again.
        let m = source.mean(axes: axes, keepDims: true)
        let s = (source.variance(axes: axes, correction: 0, keepDims: true) + epsilon).rsqrt()
        let xHat = (source - m) * s
        let gScaled = weight.map { g * $0.reshaped(broadcast) } ?? g
        let dx = s * (gScaled - gScaled.mean(axes: axes, keepDims: true)
          - xHat * (gScaled * xHat).mean(axes: axes, keepDims: true))
        gradients = [dx]
        if hasWeight { gradients.append((g * xHat).sum(axes: axes)) }
        if hasBias { gradients.append(g.sum(axes: axes)) }
        return gradients
      }
      let gradient = g.contiguous()
      let sum = Tensor.empty([channels], dtype: source.dtype, device: source.device)
      let centered = Tensor.empty([channels], dtype: source.dtype, device: source.device)
      source.backend.channelGradientSums(
        gradient.operand, input.operand, mean: mean.operand, sum: sum.operand, centeredSum: centered.operand)
      // dX = G·k₁ + x·k₂ + k₃ with k₁ = γ·s, k₂ = −k₁·s²·Σ(G·(x − μ))/M, k₃ = −k₁·ΣG/M − μ·k₂.
      let k1 = scale
      let k2 = -(k1 * invStd * invStd * centered) / count
      let k3 = -(k1 * sum) / count - mean * k2
      let dx = Tensor.fused(
        "batchNorm backward",
        [gradient, input, k1.reshaped(broadcast), k2.reshaped(broadcast), k3.reshaped(broadcast)]
      ) { _, v in [v[0] * v[2] + v[1] * v[3] + v[4]] }[0]
      gradients = [dx]
      if hasWeight { gradients.append(centered * invStd) }  // dγ = Σ G·x̂
      if hasBias { gradients.append(sum) }  // dβ = Σ G
      return gradients
    }
    return (output, mean, variance)
  }

  /// `x·a_c + b_c`: every channel (axis 1) scaled by its `scale` and shifted by its `shift`, in one
  /// fused pass — batch normalization with fixed statistics (inference), or any per-channel affine
  /// map. Differentiable in all three.
  ///
  /// Shapes: `[N, C, …]` with `scale` and `shift` `[C]` → the input's shape.
  public func channelAffine(scale: Tensor, shift: Tensor) -> Tensor {
    precondition(rank >= 2, "channelAffine: input \(shape) should be [N, C, …]")
    let channels = shape[1]
    for (name, p) in [("scale", scale), ("shift", shift)] {
      precondition(p.shape == [channels],
                   "channelAffine: \(name) \(p.shape) should be [\(channels)] for input \(shape)")
      checkDevice(p, op: "channelAffine")
    }
    var broadcast = [Int](repeating: 1, count: rank)
    broadcast[1] = channels
    let out = Tensor.fused("channelAffine", [detached(), scale.detached().reshaped(broadcast),
                                             shift.detached().reshaped(broadcast)]) { _, v in
      [v[0] * v[1] + v[2]]
    }[0]
    let axes = [0] + Array(2..<rank)
    let source = self
    return Tensor.record("channelAffine", out, inputs: [self, scale, shift]) { g in
      [g * scale.reshaped(broadcast), (g * source).sum(axes: axes), g.sum(axes: axes)]
    }
  }
}
