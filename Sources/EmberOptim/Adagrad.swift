import EmberCore

/// Adagrad (Duchi et al., 2011), like `torch.optim.Adagrad`.
///
/// For each parameter `p` with gradient `g`, at step `t` (from 1):
/// ```
/// g ← g + λ·p                        (weightDecay λ ≠ 0)
/// η ← lr / (1 + (t − 1)·decay)       (learningRateDecay)
/// S ← S + g²                         (S starts at initialAccumulatorValue)
/// p ← p − η·g / (√S + ε)
/// ```
/// State slot: `sum` (S).
public final class Adagrad: OptimizerBase {
  /// Decay of the step size with the step count.
  public var learningRateDecay: Double
  /// L2 penalty λ added to the gradient.
  public var weightDecay: Double
  /// Starting value of the accumulated squares.
  public var initialAccumulatorValue: Double
  /// ε added to the denominator.
  public var epsilon: Double

  /// Creates Adagrad with PyTorch's defaults.
  public init(
    learningRate: Double = 1e-2, learningRateDecay: Double = 0, weightDecay: Double = 0,
    initialAccumulatorValue: Double = 0, epsilon: Double = 1e-10
  ) {
    precondition(learningRate >= 0, "Adagrad: learningRate \(learningRate) is negative")
    precondition(initialAccumulatorValue >= 0,
                 "Adagrad: initialAccumulatorValue \(initialAccumulatorValue) is negative")
    self.learningRateDecay = learningRateDecay
    self.weightDecay = weightDecay
    self.initialAccumulatorValue = initialAccumulatorValue
    self.epsilon = epsilon
    super.init(learningRate: learningRate)
  }

  public override var slotNames: [String] { ["sum"] }

  public override func updated(
    _ parameter: Tensor, gradient: Tensor, state: inout ParameterState
  ) -> Tensor {
    let g = weightDecay != 0 ? gradient + parameter * weightDecay : gradient  // g + λ·p
    let stepSize = learningRate / (1 + Double(state.step - 1) * learningRateDecay)  // η
    // S ← S + g²
    let previous = state["sum"]
    let sum: Tensor
    if let previous {
      sum = previous + g.squared()
    } else {
      sum = initialAccumulatorValue != 0 ? g.squared() + initialAccumulatorValue : g.squared()
    }
    state["sum"] = sum
    return parameter - g / (sum.sqrt() + epsilon) * stepSize  // p − η·g/(√S + ε)
  }
}
