import EmberBackend
import EmberCore

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
/// decay, like `torch.optim.SGD`.
///
/// For each parameter `p` with gradient `g`, at step `t`:
/// ```
/// g ← g + λ·p                           (weightDecay λ ≠ 0)
/// b ← g                                 (t = 1)
/// b ← μ·b + (1 − τ)·g                   (t > 1; momentum μ, dampening τ)
/// g ← g + μ·b  (nesterov)   or   g ← b
/// p ← p − lr·g
/// ```
/// State slot: `momentum_buffer` (only when `momentum ≠ 0`).
public final class SGD: OptimizerBase {
  /// Momentum factor μ (0 disables momentum).
  public var momentum: Double
  /// Dampening τ applied to the gradient in the momentum buffer.
  public var dampening: Double
  /// Whether to use Nesterov momentum.
  public var nesterov: Bool
  /// L2 penalty λ added to the gradient.
  public var weightDecay: Double

  /// Creates SGD; `nesterov` needs `momentum > 0` and `dampening == 0`, as in PyTorch.
  public init(
    learningRate: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
    weightDecay: Double = 0
  ) {
    precondition(learningRate >= 0, "SGD: learningRate \(learningRate) is negative")
    precondition(momentum >= 0, "SGD: momentum \(momentum) is negative")
    precondition(!nesterov || (momentum > 0 && dampening == 0),
                 "SGD: Nesterov momentum requires momentum > 0 and zero dampening")
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] { momentum != 0 ? ["momentum_buffer"] : [] }

  public override func update(
    _ parameter: inout Tensor, gradient: Tensor, state: inout ParameterState
  ) {
    let (momentum, dampening, nesterov) = (momentum, dampening, nesterov)
    let (weightDecay, learningRate) = (weightDecay, learningRate)
    let first = state["momentum_buffer"] == nil
    FusedUpdate.run(
      &parameter, gradient: gradient, state: &state, slots: slotNames.map { ($0, 0) }
    ) { _, p, g0, slots in
      var g = weightDecay != 0 ? g0 + p * weightDecay : g0  // g + λ·p
      var newSlots: [FusedUpdate.Value] = []
      if momentum != 0 {
        // b ← g on the first step, then b ← μ·b + (1 − τ)·g
        let buffer = first ? g : slots[0] * momentum + (dampening != 0 ? g * (1 - dampening) : g)
        newSlots.append(buffer)
        g = nesterov ? g + buffer * momentum : buffer
      }
      return (p - g * learningRate, newSlots)  // p − lr·g
    }
  }
}
