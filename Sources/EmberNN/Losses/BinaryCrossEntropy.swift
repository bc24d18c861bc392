import EmberBackend
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
///
/// The elementwise loss and its gradient each run as one fused pass.
public func binaryCrossEntropy(
  logits: Tensor, targets: Tensor, weights: Tensor? = nil, positiveWeight: Tensor? = nil,
  reduction: Reduction = .mean
) -> Tensor {
  checkSameShape(logits, targets, "binaryCrossEntropy")
  let t = targets.detached()
  let w = weights?.detached()
  let q = positiveWeight?.detached()
  // Inputs of the fused passes: x, t, then w and q when given.
  let extras = [w, q].compactMap { $0 }
  let dtype: DType = logits.dtype == .float64 ? .float64 : .float32
  /// The formulas over fused values: `v` = [x, t, w?, q?].
  func parts(_ v: [FusedProgramBuilder.Value]) -> (w: FusedProgramBuilder.Value?, scale: FusedProgramBuilder.Value?) {
    let weight = w == nil ? nil : v[2]
    // With pos_weight q: scale = 1 + (q − 1)·t.
    let scale = q == nil ? nil : (v[v.count - 1] - 1) * v[1] + 1
    return (weight, scale)
  }
  let loss = Tensor.customOp(
    "binaryCrossEntropyWithLogits", inputs: [logits],
    forward: { inputs in
      Tensor.fused("binaryCrossEntropyWithLogits", [inputs[0], t] + extras, dtype: dtype) { _, v in
        let (x, target) = (v[0], v[1])
        let (weight, scale) = parts(v)
        let softplusOfMinusX = (-x.abs()).exp().log1p()  // log(1 + e^−|x|)
        let loss: FusedProgramBuilder.Value
        if let scale {
          // (1 − t)·x + scale·softplus(−x), softplus(−x) = log(1 + e^−|x|) + max(−x, 0)
          loss = (1 - target) * x + scale * (softplusOfMinusX + (-x).maximum(0))
        } else {
          loss = x.maximum(0) - x * target + softplusOfMinusX
        }
        return [weight.map { loss * $0 } ?? loss]
      }[0]
    },
    backward: { inputs, _, g in
      // dX = G·w·(σ(x) − t), or G·w·((1 − t) − scale·(1 − σ(x))) with pos_weight
      guard !GradientMode.isEnabled else {
        let s = inputs[0].sigmoid()
        let tt = t.cast(to: inputs[0].dtype)
        let scale = q.map { 1 + ($0.cast(to: inputs[0].dtype) - 1) * tt }
        let d = scale.map { (1 - tt) - $0 * (1 - s) } ?? s - tt
        return [g * (w.map { d * $0 } ?? d)]
      }
      return Tensor.fused(
        "binaryCrossEntropyWithLogits backward", [inputs[0], t] + extras + [g], dtype: dtype
      ) { _, v in
        let (x, target, gradient) = (v[0], v[1], v[v.count - 1])
        let (weight, scale) = parts(Array(v.dropLast()))
        let s = x.sigmoid()
        let d = scale.map { (1 - target) - $0 * (1 - s) } ?? s - target
        return [gradient * (weight.map { d * $0 } ?? d)]
      }
    })
  return loss.reduced(reduction)
}

extension Tensor {
  /// `−self` (reads better in long formulas).
  fileprivate func negated() -> Tensor { -self }
}
