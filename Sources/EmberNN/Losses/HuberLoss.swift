import EmberCore

/// The Huber loss (PyTorch's `huber_loss`): with `d = prediction − target`,
/// `½d²` where `|d| < delta` and `delta·(|d| − ½delta)` elsewhere.
///
/// Shapes: `prediction` and `target` of the same shape → a scalar (or that shape with `.none`).
public func huberLoss(
  _ prediction: Tensor, _ target: Tensor, delta: Double = 1, reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(prediction, target, "huberLoss")
  precondition(delta > 0, "huberLoss: delta \(delta) must be positive")
  let difference = prediction - target
  let magnitude = difference.abs()
  let loss = Tensor.where(
    magnitude.less(delta), difference.squared() * 0.5, (magnitude - 0.5 * delta) * delta)
  return loss.reduced(reduction)
}

/// The smooth L1 loss (PyTorch's `smooth_l1_loss`): with `d = prediction − target`,
/// `½d²/beta` where `|d| < beta` and `|d| − ½beta` elsewhere; `beta = 0` is the L1 loss.
///
/// It equals `huberLoss(delta: beta) / beta`.
///
/// Shapes: `prediction` and `target` of the same shape → a scalar (or that shape with `.none`).
public func smoothL1Loss(
  _ prediction: Tensor, _ target: Tensor, beta: Double = 1, reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(prediction, target, "smoothL1Loss")
  precondition(beta >= 0, "smoothL1Loss: beta \(beta) must not be negative")
  let difference = prediction - target
  let magnitude = difference.abs()
  if beta == 0 { return magnitude.reduced(reduction) }
  let loss = Tensor.where(
    magnitude.less(beta), difference.squared() * (0.5 / beta), magnitude - 0.5 * beta)
  return loss.reduced(reduction)
}
