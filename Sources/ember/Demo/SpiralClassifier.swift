import Ember

/// A multilayer perceptron written with raw tensor ops: `Linear → tanh → … → Linear`.
///
/// Shapes: input `[batch, sizes.first]` → logits `[batch, sizes.last]`.
struct SpiralClassifier {
  /// Weights (`[out, in]`, PyTorch's layout) and biases (`[out]`) of each layer, alternating.
  var parameters: [Tensor]

  /// Layers of `sizes[i] → sizes[i + 1]`, initialized like PyTorch's `Linear`: U(−1/√in, 1/√in).
  init(sizes: [Int]) {
    precondition(sizes.count >= 2, "SpiralClassifier: need at least an input and an output size")
    parameters = []
    for (input, output) in zip(sizes, sizes.dropFirst()) {
      let bound = 1 / Double(input).squareRoot()
      parameters.append(Tensor.uniform([output, input], in: -bound...bound).requiringGradient())
      parameters.append(Tensor.uniform([output], in: -bound...bound).requiringGradient())
    }
  }

  /// The logits of `x`.
  func callAsFunction(_ x: Tensor) -> Tensor {
    var h = x
    for layer in stride(from: 0, to: parameters.count, by: 2) {
      h = h.matmul(parameters[layer].transposed()) + parameters[layer + 1]  // y = x·Wᵀ + b
      if layer + 2 < parameters.count { h = h.tanh() }
    }
    return h
  }
}
