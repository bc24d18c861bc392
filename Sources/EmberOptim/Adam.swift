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
/// The step runs as one fused backend kernel (`Backend.adamStep`); the
/// composed tensor ops below are its test oracle (`usesFusedKernel = false`).
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

  /// Applies weight decay: `g + λ·p` (coupled) or `p·(1 − lr·λ)` (decoupled).
  private func decayed(_ p: Tensor, _ g: Tensor) -> (parameter: Tensor, gradient: Tensor) {
    guard weightDecay != 0 else { return (p, g) }
    if decouplesWeightDecay { return (p * (1 - learningRate * weightDecay), g) }  // p·(1 − lr·λ)
    return (p, g + p * weightDecay)  // g + λ·p
  }

  /// Whether to use the fused CPU loop when every tensor allows it (tests turn it off to compare).
  var usesFusedKernel = true

  public override func updated(
    _ parameter: Tensor, gradient: Tensor, state: inout ParameterState
  ) -> Tensor {
    let t = Double(state.step)
    let stepSize = learningRate / (1 - pow(beta1, t))
    let correction2 = (1 - pow(beta2, t)).squareRoot()
    if usesFusedKernel, let fused = fusedStep(
      parameter, gradient, &state, stepSize: stepSize, correction2: correction2)
    {
      return fused
    }
    let (p, g) = decayed(parameter, gradient)
    // m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²  (zero on the first step)
    let m = state["exp_avg"].map { $0 * beta1 + g * (1 - beta1) } ?? g * (1 - beta1)
    let gSquared = g.squared() * (1 - beta2)
    var v = state["exp_avg_sq"].map { $0 * beta2 + gSquared } ?? gSquared
    state["exp_avg"] = m
    state["exp_avg_sq"] = v
    if amsgrad {
      v = state["max_exp_avg_sq"].map { $0.maximum(v) } ?? v  // v̂ ← max(v̂, v)
      state["max_exp_avg_sq"] = v
    }
    // p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)
    let denominator = v.sqrt() / correction2 + epsilon
    return p - m / denominator * stepSize
  }

  /// The same step as one fused backend kernel (`Backend.adamStep`): one pass over memory.
  private func fusedStep(
    _ parameter: Tensor, _ gradient: Tensor, _ state: inout ParameterState, stepSize: Double,
    correction2: Double
  ) -> Tensor? {
    guard parameter.dtype.isFloatingPoint, gradient.dtype == parameter.dtype else { return nil }
    let decoupled = decouplesWeightDecay
    let step = AdamStep(
      beta1: beta1, beta2: beta2, epsilon: epsilon, stepSize: stepSize, correction2: correction2,
      l2: decoupled ? 0 : weightDecay,
      decay: decoupled && weightDecay != 0 ? 1 - learningRate * weightDecay : 1, amsgrad: amsgrad)
    let p = parameter.contiguous(), g = gradient.contiguous()
    let m = state["exp_avg"]?.contiguous(), v = state["exp_avg_sq"]?.contiguous()
    let vMax = state["max_exp_avg_sq"]?.contiguous()
    let result = p.backend.adamStep(
      step, parameter: p.operand, gradient: g.operand, firstMoment: m?.operand,
      secondMoment: v?.operand, maxSecondMoment: vMax?.operand)
    let layout = Layout(contiguous: p.shape)
    func tensor(_ buffer: Buffer) -> Tensor { Tensor(buffer: buffer, layout: layout, dtype: p.dtype) }
    state["exp_avg"] = tensor(result.firstMoment)
    state["exp_avg_sq"] = tensor(result.secondMoment)
    if let maxSecondMoment = result.maxSecondMoment { state["max_exp_avg_sq"] = tensor(maxSecondMoment) }
    return tensor(result.parameter)
  }
}
