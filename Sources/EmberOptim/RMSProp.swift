import EmberCore

/// RMSProp (Hinton, 2012) with optional momentum and centering, like `torch.optim.RMSprop`.
///
/// For each parameter `p` with gradient `g`:
/// ```
/// g ← g + λ·p                              (weightDecay λ ≠ 0)
/// s ← α·s + (1 − α)·g²
/// a ← α·a + (1 − α)·g                      (centered)
/// d ← √(s − a²) + ε   (centered)   or   √s + ε
/// b ← μ·b + g/d,  p ← p − lr·b             (momentum μ > 0)
/// p ← p − lr·g/d                           (otherwise)
/// ```
/// State slots: `square_avg` (s), `momentum_buffer` (b, with momentum), `grad_avg` (a, centered).
/// Note that PyTorch's `alpha` (here too) is Keras's `rho`, and ε sits outside the square root.
public final class RMSProp: OptimizerBase {
  /// Smoothing constant α of the running averages.
  public var alpha: Double
  /// ε added to the denominator.
  public var epsilon: Double
  /// Momentum factor μ (0 disables momentum).
  public var momentum: Double
  /// Whether to normalize by the estimated variance instead of the second moment.
  public var centered: Bool
  /// L2 penalty λ added to the gradient.
  public var weightDecay: Double

  /// Creates RMSProp with PyTorch's defaults.
  public init(
    learningRate: Double = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8,
    momentum: Double = 0, centered: Bool = false, weightDecay: Double = 0
  ) {
    precondition(learningRate >= 0, "RMSProp: learningRate \(learningRate) is negative")
    precondition(alpha >= 0, "RMSProp: alpha \(alpha) is negative")
    self.alpha = alpha
    self.epsilon = epsilon
    self.momentum = momentum
    self.centered = centered
    self.weightDecay = weightDecay
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] {
    ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
  }

  public override func updated(
    _ parameter: Tensor, gradient: Tensor, state: inout ParameterState
  ) -> Tensor {
    let g = weightDecay != 0 ? gradient + parameter * weightDecay : gradient  // g + λ·p
    // s ← α·s + (1 − α)·g²  (s starts at zero)
    let gSquared = g.squared() * (1 - alpha)
    let s = state["square_avg"].map { $0 * alpha + gSquared } ?? gSquared
    state["square_avg"] = s
    var denominator: Tensor
    if centered {
      // a ← α·a + (1 − α)·g,  d ← √(s − a²) + ε
      let a = state["grad_avg"].map { $0 * alpha + g * (1 - alpha) } ?? g * (1 - alpha)
      state["grad_avg"] = a
      denominator = (s - a.squared()).sqrt() + epsilon
    } else {
      denominator = s.sqrt() + epsilon  // d ← √s + ε
    }
    if momentum > 0 {
      // b ← μ·b + g/d,  p ← p − lr·b  (b starts at zero)
      let b = state["momentum_buffer"].map { $0 * momentum + g / denominator } ?? g / denominator
      state["momentum_buffer"] = b
      return parameter - b * learningRate
    }
    return parameter - g / denominator * learningRate  // p − lr·g/d
  }
}
