import EmberBackend
import EmberCore

/// The negative log-likelihood of class indices (PyTorch's `nll_loss`): `−w[y]·logp[y]` per
/// sample, where `logProbabilities` are usually a `logSoftmax` over axis 1.
///
/// - Parameters:
///   - logProbabilities: `[N, C]` or `[N, C, d₁, …]` (classes on axis 1, as in PyTorch), or
///     `[C]`.
///   - labels: `int64`/`int32` class indices `[N]` or `[N, d₁, …]` (or `[]` for `[C]`), each in
///     `0..<C` or equal to `ignoreIndex`.
///   - classWeights: `[C]` rescaling weights; `.mean` then divides by the sum of the weights of the
///     targets, as PyTorch does.
///   - ignoreIndex: a label that contributes neither loss nor weight (PyTorch's default −100).
///
/// Shapes: → a scalar, or the labels' shape with `.none`.
public func negativeLogLikelihood(
  logProbabilities: Tensor, labels: Tensor, classWeights: Tensor? = nil,
  ignoreIndex: Int? = -100, reduction: Reduction = .mean
) -> Tensor {
  if logProbabilities.rank == 1 {
    let loss = negativeLogLikelihood(
      logProbabilities: logProbabilities.unsqueezed(axis: 0), labels: labels.reshaped([1]),
      classWeights: classWeights, ignoreIndex: ignoreIndex, reduction: reduction)
    return reduction == .none ? loss.reshaped([]) : loss
  }
  let targets = ClassTargets(
    labels, for: logProbabilities, classWeights: classWeights, ignoreIndex: ignoreIndex,
    op: "negativeLogLikelihood")
  return targets.reduce(targets.negativeLogLikelihood(logProbabilities), reduction)
}

/// Class-index targets of a `[N, C, …]` prediction: the labels with ignored positions replaced by
/// 0, and each position's weight (its class weight, 0 where ignored) when not all 1.
struct ClassTargets {
  /// `int64` labels of shape `[N, d₁, …]`, ignored positions set to 0.
  let labels: Tensor
  /// `[N, d₁, …]` weights in the prediction's dtype, or `nil` when every weight is 1 (no class
  /// weights and no `ignoreIndex`).
  let weights: Tensor?
  /// `[N, d₁, …]` 1 where a label counts and 0 where it equals `ignoreIndex`, or `nil` without
  /// an `ignoreIndex`.
  let validMask: Tensor?
  /// Number of classes.
  let classCount: Int

  init(_ labels: Tensor, for prediction: Tensor, classWeights: Tensor?, ignoreIndex: Int?,
       op: String) {
    precondition(prediction.rank >= 2,
                 "\(op): prediction of shape \(prediction.shape) has no class axis")
    precondition(labels.dtype == .int64 || labels.dtype == .int32,
                 "\(op): labels must be int64 or int32 class indices, not \(labels.dtype)")
    var expected = prediction.shape
    let classes = expected.remove(at: 1)
    precondition(labels.shape == expected,
                 "\(op): labels of shape \(labels.shape) do not match prediction "
                   + "\(prediction.shape) "
                   + "(expected \(expected), classes on axis 1)")
    classCount = classes
    // Everything stays on the device: labels are never read back (an out-of-range label traps in
    // the gather kernel, naming the op). A label equal to `ignoreIndex` is ignored whether or not
    // it is a valid class (PyTorch compares every label with it).
    let type = prediction.dtype
    let indices = labels.cast(to: .int64)
    var weights: Tensor? = nil
    if let ignoreIndex {
      let valid = indices.notEqual(Double(ignoreIndex))
      self.labels = Tensor.where(valid, indices, 0)
      validMask = valid.cast(to: type)
      weights = validMask
    } else {
      self.labels = indices
      validMask = nil
    }
    if let classWeights {
      precondition(classWeights.shape == [classes],
                   "\(op): classWeights of shape \(classWeights.shape) do not match "
                     + "\(classes) classes")
      let perSample = classWeights.detached().cast(to: type)
        .indexSelect(axis: 0, indices: self.labels.reshaped([-1])).reshaped(labels.shape)
      weights = weights.map { $0 * perSample } ?? perSample
    }
    self.weights = weights
  }

  /// `−w·logp[label]` per position, `[N, d₁, …]`.
  func negativeLogLikelihood(_ logProbabilities: Tensor) -> Tensor {
    let picked = logProbabilities.gathered(axis: 1, index: labels.unsqueezed(axis: 1))
      .squeezed(axis: 1)
    return weights.map { -picked * $0 } ?? -picked
  }

  /// Reduces a per-position loss; `.mean` divides by the total weight, as PyTorch does.
  func reduce(_ loss: Tensor, _ reduction: Reduction) -> Tensor {
    if reduction == .mean, let weights { return loss.sum() / weights.sum() }
    return loss.reduced(reduction)
  }
}
