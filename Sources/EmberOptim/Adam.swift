import EmberBackend
import EmberCore
import Foundation

/// Adam (Kingma & Ba, 2015) with optional L2 weight decay and AMSGrad, like `torch.optim.Adam`.
///
/// For each parameter `p` with gradient `g`, at step `t` (from 1):
/// ```
/// g ← g + λ·p                                   (weightDecay λ ≠ 0, coupled L2)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v)                                 (amsgrad; v̂ is used below instead of v)
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// State slots: `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (v̂, with `amsgrad`).
///
/// The step runs as one pass of the backend's fused kernel, in place when the buffers are unshared
/// (`FusedUpdate`); the composed tensor ops of the tests are its oracle.
public class Adam: OptimizerBase {
  /// Decay rate β₁ of the first-moment average.
  public var beta1: Double
  /// Decay rate β₂ of the second-moment average.
  public var beta2: Double
  /// ε added to the denominator.
  public var epsilon: Double
  /// Weight decay λ (coupled L2 in `Adam`, decoupled in ``AdamW``).
  public var weightDecay: Double
  /// Whether to use the AMSGrad variant (the running maximum of `v`).
  public var amsgrad: Bool

  /// Creates Adam with PyTorch's defaults.
  public init(
    learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false
  ) {
    precondition(learningRate >= 0, "Adam: learningRate \(learningRate) is negative")
    precondition((0..<1).contains(beta1) && (0..<1).contains(beta2),
                 "Adam: betas (\(beta1), \(beta2)) must lie in [0, 1)")
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.amsgrad = amsgrad
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] {
    amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
  }

  /// Whether weight decay shrinks the parameter (``AdamW``) rather than adding `λ·p` to the
  /// gradient.
  var decouplesWeightDecay: Bool { false }

  public override func update(
    _ parameter: inout Tensor, gradient: Tensor, state: inout ParameterState
  ) {
    let t = Double(state.step)
    let stepSize = learningRate / (1 - pow(beta1, t))  // lr/(1 − β₁ᵗ)
    let correction2 = (1 - pow(beta2, t)).squareRoot()  // √(1 − β₂ᵗ)
    let (beta1, beta2, epsilon, weightDecay) = (beta1, beta2, epsilon, weightDecay)
    let decay = decouplesWeightDecay ? 1 - learningRate * weightDecay : 1
    let decoupled = decouplesWeightDecay, amsgrad = amsgrad
    FusedUpdate.run(
      &parameter, gradient: gradient, state: &state, slots: slotNames.map { ($0, 0) }
    ) { _, p0, g0, slots in
      var p = p0, g = g0
      if weightDecay != 0 {
        if decoupled { p = p * decay } else { g = g + p * weightDecay }  // p·(1 − lr·λ) or g + λ·p
      }
      let m = slots[0] * beta1 + g * (1 - beta1)  // m ← β₁·m + (1 − β₁)·g
      let v = slots[1] * beta2 + g.squared() * (1 - beta2)  // v ← β₂·v + (1 − β₂)·g²
      var newSlots = [m, v]
      var vHat = v
      if amsgrad {
        vHat = slots[2].maximum(v)  // v̂ ← max(v̂, v)
        newSlots.append(vHat)
      }
      // p − lr/(1 − β₁ᵗ) · m / (√v̂/√(1 − β₂ᵗ) + ε)
      return (p - m / (vHat.sqrt() / correction2 + epsilon) * stepSize, newSlots)
    }
  }
}
