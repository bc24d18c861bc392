import EmberCore

/// Adam with decoupled weight decay (Loshchilov & Hutter, 2019), like `torch.optim.AdamW`.
///
/// The parameter decays before the ``Adam`` step, and the decay never enters the moments:
/// ```
/// p ← p·(1 − lr·λ)
/// m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// State slots: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (with `amsgrad`).
public final class AdamW: Adam {
  /// Creates AdamW with PyTorch's defaults (`weightDecay` 0.01).
  public override init(
    learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false
  ) {
    super.init(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      weightDecay: weightDecay, amsgrad: amsgrad)
  }

  // p ← p·(1 − lr·λ) before the Adam step; the gradient is left alone.
  override var decouplesWeightDecay: Bool { true }
}
