import EmberBackend
import EmberCore

/// Batch normalization over the channel axis (axis 1), like `torch.nn.BatchNorm1d`/`2d`: while
/// training, each channel is normalized by the batch's mean and (biased) variance over every other
/// axis, and the running statistics move toward them; in inference (or with `freezeStatistics`,
/// for fine-tuning as Keras does with a frozen layer) the running statistics are used instead.
///
/// `y = (x − mean) / √(variance + epsilon) · weight + bias`. Buffers as PyTorch names them:
/// `running_mean` (zeros), `running_var` (ones, updated with the unbiased variance) and
/// `num_batches_tracked` (`int64`); `momentum` `nil` averages every batch so far equally.
public class BatchNormalization: Layer {
  /// `[channels]`, ones; `nil` without `affine`.
  public let weight: Parameter?
  /// `[channels]`, zeros; `nil` without `affine`.
  public let bias: Parameter?
  public let runningMean: ModuleBuffer?
  public let runningVariance: ModuleBuffer?
  public let numBatchesTracked: ModuleBuffer?
  public let channels: Int
  public let epsilon: Double
  public let momentum: Double?
  /// Use the running statistics, and leave them alone, even while training.
  public var freezeStatistics = false
  /// The input ranks this layer takes (checked on every call).
  let ranks: Set<Int>
  let layerName: String

  init(
    _ name: String, ranks: Set<Int>, channels: Int, epsilon: Double, momentum: Double?, affine: Bool,
    trackRunningStatistics: Bool, dtype: DType
  ) {
    precondition(channels > 0, "\(name): channels \(channels) must be positive")
    (layerName, self.ranks, self.channels, self.epsilon, self.momentum) = (name, ranks, channels, epsilon, momentum)
    weight = affine ? Parameter(.ones([channels], dtype: dtype)) : nil
    bias = affine ? Parameter(.zeros([channels], dtype: dtype)) : nil
    runningMean = trackRunningStatistics ? ModuleBuffer(.zeros([channels], dtype: dtype)) : nil
    runningVariance = trackRunningStatistics ? ModuleBuffer(.ones([channels], dtype: dtype)) : nil
    numBatchesTracked = trackRunningStatistics ? ModuleBuffer(Tensor(0, dtype: .int64)) : nil
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(ranks.contains(input.rank) && input.shape[1] == channels,
                 "\(layerName): input \(input.shape) should have rank \(ranks.sorted()) and \(channels) channels on axis 1")
    let useBatch = runningMean == nil || (LearningPhase.isTraining && !freezeStatistics)
    guard useBatch else {
      // y = x·a + b with a = γ·rsqrt(running σ² + ε), b = β − running μ·a: one fused pass.
      var scale = (runningVariance!.value + epsilon).rsqrt()
      var shift = -(runningMean!.value * scale)
      if let weight, let bias {
        scale = scale * weight.value
        shift = bias.value + shift * weight.value
      }
      return input.channelAffine(scale: scale, shift: shift)
    }
    let (output, mean, variance) = input.batchNormalized(
      weight: weight?.value, bias: bias?.value, epsilon: epsilon)
    if LearningPhase.isTraining, let runningMean, let runningVariance, let numBatchesTracked {
      let count = input.count / channels
      precondition(count > 1, "\(layerName): training needs more than one value per channel, got input \(input.shape)")
      withoutGradients {
        let tracked = numBatchesTracked.value.item(as: Int64.self) + 1
        numBatchesTracked.assign(Tensor(Double(tracked), dtype: .int64, on: input.device))
        let factor = momentum ?? 1 / Double(tracked)
        let batchMean = mean.cast(to: runningMean.value.dtype)
        let unbiased = (variance * (Double(count) / Double(count - 1))).cast(to: runningVariance.value.dtype)
        runningMean.assign(runningMean.value * (1 - factor) + batchMean * factor)
        runningVariance.assign(runningVariance.value * (1 - factor) + unbiased * factor)
      }
    }
    return output
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
    visitor.visit("running_mean", runningMean)
    visitor.visit("running_var", runningVariance)
    visitor.visit("num_batches_tracked", numBatchesTracked)
  }
}

/// Batch normalization of `[N, C]` or `[N, C, L]`, like `torch.nn.BatchNorm1d`.
///
/// Shapes: input `[N, channels]` or `[N, channels, L]` → the same shape.
public final class BatchNorm1D: BatchNormalization {
  public init(
    _ channels: Int, epsilon: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
    trackRunningStatistics: Bool = true, dtype: DType = .float32
  ) {
    super.init("BatchNorm1D", ranks: [2, 3], channels: channels, epsilon: epsilon, momentum: momentum,
               affine: affine, trackRunningStatistics: trackRunningStatistics, dtype: dtype)
  }
}

/// Batch normalization of `[N, C, H, W]`, like `torch.nn.BatchNorm2d`.
///
/// Shapes: input `[N, channels, H, W]` → the same shape.
public final class BatchNorm2D: BatchNormalization {
  public init(
    _ channels: Int, epsilon: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
    trackRunningStatistics: Bool = true, dtype: DType = .float32
  ) {
    super.init("BatchNorm2D", ranks: [4], channels: channels, epsilon: epsilon, momentum: momentum,
               affine: affine, trackRunningStatistics: trackRunningStatistics, dtype: dtype)
  }
}
