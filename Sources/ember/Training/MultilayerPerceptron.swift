import Ember

/// The models of the `ember train` recipes: `Linear → ReLU → Dropout` per hidden layer, then a
/// `Linear` output layer (logits, or one number for regression).
///
/// Shapes: input `[batch, sizes.first]` → output `[batch, sizes.last]`.
///
/// The layer list follows from `sizes` and `dropout` alone, so `ember evaluate` rebuilds the same
/// model, with the same state-dict names (`0.weight`, `3.weight`, …), from a checkpoint's
/// metadata.
func multilayerPerceptron(sizes: [Int], dropout: Double) -> Sequential {
  precondition(sizes.count >= 2, "multilayerPerceptron: need input and output sizes, got \(sizes)")
  precondition(
    (0..<1).contains(dropout), "multilayerPerceptron: dropout \(dropout) is not in [0, 1)")
  var layers: [any TensorLayer] = []
  for (input, output) in zip(sizes, sizes.dropFirst()).dropLast() {
    layers.append(Linear(input, output))
    layers.append(ReLU())
    if dropout > 0 { layers.append(Dropout(probability: dropout)) }
  }
  layers.append(Linear(sizes[sizes.count - 2], sizes[sizes.count - 1]))
  return Sequential(layers)
}

/// `784-512-512-10` for a list of layer sizes.
func describeSizes(_ sizes: [Int]) -> String {
  sizes.map(String.init).joined(separator: "-")
}
