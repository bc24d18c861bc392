import EmberBackend
import EmberCore

/// Cross-entropy between `logits` and targets (PyTorch's `cross_entropy`), fused with the
/// log-softmax over the class axis (axis 1, or the only axis of `[C]` logits).
///
/// Targets are either class indices (`int64`/`int32`, of the logits' shape without axis 1) or class
/// probabilities (floating point, of the logits' shape).
///
/// - Parameters:
///   - logits: `[N, C]` or `[N, C, d₁, …]` unnormalized scores, or `[C]`.
///   - labels: class indices `[N]`/`[N, d₁, …]`, or probabilities `[N, C, d₁, …]`.
///   - classWeights: `[C]` rescaling weights. With indices, `.mean` divides by the sum of the
///     weights of the targets; with probabilities, by the number of samples (as PyTorch does).
///   - labelSmoothing: ε in `0...1`: the target becomes `(1 − ε)·target + ε/C` (PyTorch's
///     definition; with indices and weights, the uniform part is weighted per class as in
///     PyTorch).
///   - ignoreIndex: a class index that contributes neither loss nor weight (PyTorch's −100).
///
/// Shapes: → a scalar, or `[N, d₁, …]` with `.none`.
///
/// ```swift
/// let loss = crossEntropy(logits: model(x), labels: y)  // y: int64 [batch]
/// ```
public func crossEntropy(
  logits: Tensor, labels: Tensor, classWeights: Tensor? = nil, labelSmoothing: Double = 0,
  ignoreIndex: Int? = -100, reduction: Reduction = .mean
) -> Tensor {
  precondition((0...1).contains(labelSmoothing),
               "crossEntropy: labelSmoothing \(labelSmoothing) is not in 0...1")
  if logits.rank == 1 {
    let probabilities = labels.dtype.isFloatingPoint
    let loss = crossEntropy(
      logits: logits.unsqueezed(axis: 0),
      labels: probabilities ? labels.unsqueezed(axis: 0) : labels.reshaped([1]),
      classWeights: classWeights, labelSmoothing: labelSmoothing, ignoreIndex: ignoreIndex,
      reduction: reduction)
    return reduction == .none ? loss.reshaped([]) : loss
  }
  if labels.dtype.isFloatingPoint {
    return probabilityCrossEntropy(
      logits: logits, probabilities: labels, classWeights: classWeights,
      labelSmoothing: labelSmoothing, reduction: reduction)
  }
  let targets = ClassTargets(
    labels, for: logits, classWeights: classWeights, ignoreIndex: ignoreIndex, op: "crossEntropy")
  if logits.rank == 2 && classWeights == nil && labelSmoothing == 0
    && (reduction == .mean || reduction == .sum)
  {
    return fusedCrossEntropy(
      logits: logits, labels: targets.labels, valid: targets.validMask, mean: reduction == .mean)
  }
  return composedCrossEntropy(
    logits: logits, targets: targets, classWeights: classWeights, labelSmoothing: labelSmoothing,
    reduction: reduction)
}

/// Cross-entropy of class indices written with `logSoftmax` and `gathered`: PyTorch's
/// `(1 − ε)·nll + (ε/C)·smooth`, with `smooth = −Σ_c w_c·logp_c` per position.
func composedCrossEntropy(
  logits: Tensor, targets: ClassTargets, classWeights: Tensor?, labelSmoothing: Double,
  reduction: Reduction
) -> Tensor {
  let logProbabilities = logits.logSoftmax(axis: 1)
  let nll = targets.reduce(targets.negativeLogLikelihood(logProbabilities), reduction)
  guard labelSmoothing > 0 else { return nll }
  var weighted = logProbabilities
  if let classWeights {
    weighted = weighted * classWeights.detached().cast(to: logits.dtype)
      .reshaped(classAxisShape(targets.classCount, rank: logits.rank))
  }
  var smooth = -weighted.sum(axis: 1)
  if let valid = targets.validMask { smooth = smooth * valid }
  let smoothLoss = targets.reduce(smooth, reduction)
  return (1 - labelSmoothing) * nll + smoothLoss * (labelSmoothing / Double(targets.classCount))
}

/// The common case as one op: `[N, C]` logits, indices, no class weights or smoothing; `valid`
/// (`[N]`, 1 or 0) masks ignored labels.
///
/// Forward: `−Σ v·logSoftmax(x)[y]` (÷ Σ v, or ÷ N without a mask, for the mean);
/// backward: `v·(softmax(x) − onehot(y))·G` (÷ the same count).
/// `composedCrossEntropy` is its test oracle.
func fusedCrossEntropy(logits: Tensor, labels: Tensor, valid: Tensor?, mean: Bool) -> Tensor {
  let index = labels.unsqueezed(axis: 1)  // [N, 1]
  let rowWeight = valid?.unsqueezed(axis: 1)  // [N, 1]
  // The divisor stays on the device: Σ v is never read back.
  let count: Tensor? = mean ? (valid?.sum() ?? Tensor(Double(logits.shape[0]), dtype: logits.dtype, on: logits.device)) : nil
  return Tensor.customOp(
    "crossEntropy", inputs: [logits],
    forward: { inputs in
      var picked = inputs[0].logSoftmax(axis: 1).gathered(axis: 1, index: index)
      if let rowWeight { picked = picked * rowWeight }
      let total = -picked.sum()
      return count.map { total / $0 } ?? total
    },
    backward: { inputs, _, g in
      let x = inputs[0]
      let ones = Tensor.ones(index.shape, dtype: x.dtype, on: x.device)
      let oneHot = Tensor.zeros(like: x).scatterAdding(axis: 1, index: index, source: ones)
      var dx = x.softmax(axis: 1) - oneHot  // dX = v·(softmax(x) − onehot(y))·G / count
      if let rowWeight { dx = dx * rowWeight }
      return [dx * (count.map { g / $0 } ?? g)]
    })
}

/// Cross-entropy against class probabilities: `−Σ_c w_c·t_c·logp_c` per position.
func probabilityCrossEntropy(
  logits: Tensor, probabilities: Tensor, classWeights: Tensor?, labelSmoothing: Double,
  reduction: Reduction
) -> Tensor {
  precondition(probabilities.shape == logits.shape,
               "crossEntropy: probability targets of shape \(probabilities.shape) differ from "
                 + "logits \(logits.shape)")
  let classes = logits.shape[1]
  var target = probabilities.cast(to: logits.dtype)
  if labelSmoothing > 0 {
    target = target * (1 - labelSmoothing) + labelSmoothing / Double(classes)
  }
  var product = logits.logSoftmax(axis: 1) * target
  if let classWeights {
    precondition(classWeights.shape == [classes],
                 "crossEntropy: classWeights of shape \(classWeights.shape) do not match "
                   + "\(classes) classes")
    product = product * classWeights.detached().cast(to: logits.dtype)
      .reshaped(classAxisShape(classes, rank: logits.rank))
  }
  return (-product.sum(axis: 1)).reduced(reduction)
}

/// `[1, classes, 1, …]`: a per-class vector placed on axis 1 of a rank-`rank` tensor.
func classAxisShape(_ classes: Int, rank: Int) -> [Int] {
  var shape = [Int](repeating: 1, count: rank)
  shape[1] = classes
  return shape
}
