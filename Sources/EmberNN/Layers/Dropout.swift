import EmberCore

/// Zeroes each element with `probability` and scales the rest by `1 / (1 − probability)` while
/// training (inverted dropout, like `torch.nn.Dropout`); the identity during inference.
///
/// Shapes: input `[…]` → output of the same shape.
///
/// The mask is drawn from the default generator (`Random`), so `Random.seed(_:)` makes it
/// reproducible. Training is `LearningPhase.isTraining` (inside `withLearningPhase(.training)`).
public final class Dropout: Layer {
  /// The probability of zeroing an element, in `0...1`.
  public let probability: Double

  public init(probability: Double = 0.5) {
    precondition((0...1).contains(probability),
                 "Dropout: probability \(probability) is not in 0...1")
    self.probability = probability
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining, probability > 0 else { return input }
    if probability == 1 { return input * 0 }
    let keep = 1 - probability
    let mask = Tensor.bernoulli(
      input.shape, probability: keep, dtype: input.dtype, on: input.device)
    return input * (mask / keep)  // dX = G·mask / (1 − p)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
