import EmberBackend
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

  public override func update(
    _ parameter: inout Tensor, gradient: Tensor, state: inout ParameterState
  ) {
    let (weightDecay, epsilon) = (weightDecay, epsilon)
    let stepSize = learningRate / (1 + Double(state.step - 1) * learningRateDecay)  // η
    FusedUpdate.run(
      &parameter, gradient: gradient, state: &state,
      slots: [("sum", initialAccumulatorValue)]
    ) { _, p, g0, slots in
      let g = weightDecay != 0 ? g0 + p * weightDecay : g0  // g + λ·p
      let sum = slots[0] + g.squared()  // S ← S + g²
      return (p - g / (sum.sqrt() + epsilon) * stepSize, [sum])  // p − η·g/(√S + ε)
    }
  }
}
