import Ember
import Foundation

/// Adam (Kingma & Ba, 2015) written out over plain tensors: the update rule plus its state.
///
/// The demo's own optimizer: training needs nothing beyond `backward()` and tensor ops.
struct HandWrittenAdam {
  let learningRate: Double
  let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
  private var step = 0
  private var firstMoments: [Tensor]
  private var secondMoments: [Tensor]

  /// State for `parameters` (zero moments).
  init(for parameters: [Tensor], learningRate: Double) {
    self.learningRate = learningRate
    firstMoments = parameters.map { Tensor.zeros(like: $0) }
    secondMoments = parameters.map { Tensor.zeros(like: $0) }
  }

  /// Moves each parameter against its gradient in `grads`; a parameter keeps its gradient key.
  mutating func update(_ parameters: inout [Tensor], along grads: Gradients) {
    step += 1
    let correction1 = 1 - Foundation.pow(beta1, Double(step))
    let correction2 = 1 - Foundation.pow(beta2, Double(step))
    withoutGradients {
      for i in parameters.indices {
        guard let g = grads[parameters[i]] else { continue }
        // m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  p ← p − lr·m̂ / (√v̂ + ε)
        firstMoments[i] = firstMoments[i] * beta1 + g * (1 - beta1)
        secondMoments[i] = secondMoments[i] * beta2 + g.squared() * (1 - beta2)
        let denominator = (secondMoments[i] / correction2).sqrt() + epsilon
        let updated = parameters[i] - firstMoments[i] * (learningRate / correction1) / denominator
        parameters[i] = updated.withGradNode(parameters[i].gradNode)
      }
    }
  }
}
