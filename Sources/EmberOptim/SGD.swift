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

  public override func updated(
    _ parameter: Tensor, gradient: Tensor, state: inout ParameterState
  ) -> Tensor {
    var g = weightDecay != 0 ? gradient + parameter * weightDecay : gradient  // g + λ·p
    if momentum != 0 {
      let buffer: Tensor
      if let previous = state["momentum_buffer"] {
        // b ← μ·b + (1 − τ)·g
        buffer = previous * momentum + (dampening != 0 ? g * (1 - dampening) : g)
      } else {
        buffer = g  // b ← g on the first step
      }
      state["momentum_buffer"] = buffer
      g = nesterov ? g + buffer * momentum : buffer
    }
    return parameter - g * learningRate  // p − lr·g
  }
}
