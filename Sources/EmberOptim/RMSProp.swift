import EmberBackend
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

  public override func update(
    _ parameter: inout Tensor, gradient: Tensor, state: inout ParameterState
  ) {
    let (alpha, epsilon, momentum, centered) = (alpha, epsilon, momentum, centered)
    let (weightDecay, learningRate) = (weightDecay, learningRate)
    // Slots in `slotNames` order: square_avg, momentum_buffer (momentum), grad_avg (centered).
    FusedUpdate.run(
      &parameter, gradient: gradient, state: &state, slots: slotNames.map { ($0, 0) }
    ) { _, p, g0, slots in
      let g = weightDecay != 0 ? g0 + p * weightDecay : g0  // g + λ·p
      let s = slots[0] * alpha + g.squared() * (1 - alpha)  // s ← α·s + (1 − α)·g²
      var newSlots = [s]
      var momentumSlot: FusedUpdate.Value?
      if momentum > 0 { momentumSlot = slots[1] }
      let denominator: FusedUpdate.Value
      if centered {
        // a ← α·a + (1 − α)·g,  d ← √(s − a²) + ε
        let a = slots[slots.count - 1] * alpha + g * (1 - alpha)
        denominator = (s - a.squared()).sqrt() + epsilon
        if let b0 = momentumSlot {
          let b = b0 * momentum + g / denominator  // b ← μ·b + g/d
          return (p - b * learningRate, [s, b, a])  // p − lr·b
        }
        newSlots.append(a)
      } else {
        denominator = s.sqrt() + epsilon  // d ← √s + ε
        if let b0 = momentumSlot {
          let b = b0 * momentum + g / denominator  // b ← μ·b + g/d
          return (p - b * learningRate, [s, b])  // p − lr·b
        }
      }
      return (p - g / denominator * learningRate, newSlots)  // p − lr·g/d
    }
  }
}
