import EmberBackend
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
  let loss = Tensor.customOp(
    "huberLoss", inputs: [prediction, target],
    forward: { inputs in
      // One fused pass: |d| < δ ? ½d² : δ·(|d| − ½δ).
      Tensor.fused("huberLoss", inputs) { b, v in
        let d = v[0] - v[1]
        let magnitude = d.abs()
        return [b.select(magnitude.less(delta), d.squared() * 0.5, (magnitude - 0.5 * delta) * delta)]
      }[0]
    },
    backward: { inputs, _, g in
      // dP = G·clamp(d, −δ, δ), dT = −dP
      guard !GradientMode.isEnabled else {
        let dP = g * (inputs[0] - inputs[1]).clamped(min: -delta, max: delta)
        return [dP, -dP]
      }
      let grads = Tensor.fused("huberLoss backward", [inputs[0], inputs[1], g]) { _, v in
        let dP = v[2] * (v[0] - v[1]).maximum(-delta).minimum(delta)
        return [dP, -dP]
      }
      return [grads[0], grads[1]]
    })
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
