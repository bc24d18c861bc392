import EmberBackend
import EmberCore

/// Zeroes each element with `probability` and scales the rest by `1 / (1 − probability)` while
/// training (inverted dropout, like `torch.nn.Dropout`); the identity during inference.
///
/// Shapes: input `[…]` → output of the same shape.
///
/// The mask's Philox key is drawn from the default generator (`Random`), so `Random.seed(_:)` makes
/// it reproducible, on any thread count (`Tensor.dropout(probability:position:)`). Training is `LearningPhase.isTraining` (inside `withLearningPhase(.training)`).
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
    // One fused pass draws and applies the mask; the backward draws it again (no saved mask).
    // The words come from the generator's stream, so the mask equals `Tensor.bernoulli(shape,
    // probability: 1 − p)` drawn at the same generator state, and checkpoints resume it.
    let position = Random.withGenerator { $0.reserve(words: input.count) }
    return input.dropout(probability: probability, position: position)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
