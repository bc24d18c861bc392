import EmberCore

/// The squared error `(prediction − target)²`, reduced (PyTorch's `mse_loss`).
///
/// Shapes: `prediction` and `target` of the same shape → a scalar (or that shape with `.none`).
public func meanSquaredError(
  _ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(prediction, target, "meanSquaredError")
  return (prediction - target).squared().reduced(reduction)
}
