import EmberCore

/// The absolute error `|prediction − target|`, reduced (PyTorch's `l1_loss`).
///
/// Shapes: `prediction` and `target` of the same shape → a scalar (or that shape with `.none`).
public func meanAbsoluteError(
  _ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(prediction, target, "meanAbsoluteError")
  return (prediction - target).abs().reduced(reduction)
}

/// `meanAbsoluteError`, PyTorch's name.
public func l1Loss(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
  meanAbsoluteError(prediction, target, reduction: reduction)
}
