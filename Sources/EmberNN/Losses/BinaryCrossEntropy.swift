import EmberCore

/// Binary cross-entropy of `probabilities` in `[0, 1]` (PyTorch's `binary_cross_entropy`):
/// `−w·(t·log p + (1 − t)·log(1 − p))`, each log clamped to ≥ −100 as PyTorch does, so `p = 0`
/// or `1` give a finite loss.
///
/// Shapes: `probabilities`, `targets` (and `weights`, broadcast to them) of the same shape → a
/// scalar (or that shape with `.none`).
///
/// The gradient is PyTorch's `w·(p − t) / max(p·(1 − p), 1e-12)`, finite at 0 and 1. Prefer
/// `binaryCrossEntropy(logits:targets:)`, which is stable for any logit.
public func binaryCrossEntropy(
  probabilities: Tensor, targets: Tensor, weights: Tensor? = nil, reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(probabilities, targets, "binaryCrossEntropy")
  let t = targets.detached().cast(to: probabilities.dtype)
  let w = weights?.detached().cast(to: probabilities.dtype)
  let loss = Tensor.customOp(
    "binaryCrossEntropy", inputs: [probabilities],
    forward: { inputs in
      let p = inputs[0]
      let logP = p.log().maximum(-100), logNotP = (1 - p).log().maximum(-100)
      let loss = -(t * logP + (1 - t) * logNotP)
      return w.map { loss * $0 } ?? loss
    },
    backward: { inputs, _, g in
      let p = inputs[0]
      let d = (p - t) / (p * (1 - p)).maximum(1e-12)  // dP = G·w·(p − t) / max(p(1 − p), ε)
      return [g * (w.map { d * $0 } ?? d)]
    })
  return loss.reduced(reduction)
}

/// Binary cross-entropy of `logits` (PyTorch's `binary_cross_entropy_with_logits`), computed
/// stably as `max(x, 0) − x·t + log(1 + e^−|x|)`.
///
/// - Parameters:
///   - weights: per-element weights, broadcast to the logits.
///   - positiveWeight: the weight of positive examples (PyTorch's `pos_weight`), broadcast to the
///     logits (usually one per class, on the last axis).
///
/// Shapes: `logits` and `targets` of the same shape → a scalar (or that shape with `.none`).
public func binaryCrossEntropy(
  logits: Tensor, targets: Tensor, weights: Tensor? = nil, positiveWeight: Tensor? = nil,
  reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(logits, targets, "binaryCrossEntropy")
  let t = targets.detached().cast(to: logits.dtype)
  let w = weights?.detached().cast(to: logits.dtype)
  // With pos_weight q: (1 − t)·x + (1 + (q − 1)·t)·softplus(−x); scale = 1 + (q − 1)·t.
  let scale = positiveWeight.map { 1 + ($0.detached().cast(to: logits.dtype) - 1) * t }
  let loss = Tensor.customOp(
    "binaryCrossEntropyWithLogits", inputs: [logits],
    forward: { inputs in
      let x = inputs[0]
      let softplusOfMinusX = x.abs().negated().exp().log1p() + x.negated().maximum(0)
      let loss: Tensor
      if let scale {
        loss = (1 - t) * x + scale * softplusOfMinusX
      } else {
        loss = x.maximum(0) - x * t + x.abs().negated().exp().log1p()
      }
      return w.map { loss * $0 } ?? loss
    },
    backward: { inputs, _, g in
      let s = inputs[0].sigmoid()
      // dX = G·w·(σ(x) − t), or G·w·((1 − t) − scale·(1 − σ(x))) with pos_weight
      let d = scale.map { (1 - t) - $0 * (1 - s) } ?? s - t
      return [g * (w.map { d * $0 } ?? d)]
    })
  return loss.reduced(reduction)
}

extension Tensor {
  /// `−self` (reads better in long formulas).
  fileprivate func negated() -> Tensor { -self }
}
