import EmberBackend
import EmberCore

/// Instance normalization of images, like `torch.nn.InstanceNorm2d`: each channel of each image
/// normalized over its own positions, then (with `affine`) scaled and shifted per channel.
///
/// With `trackRunningStatistics` (PyTorch's `track_running_stats`) training also moves the
/// buffers `running_mean` and `running_var` toward the batch's average instance mean and
/// (unbiased) variance by `momentum`, and inference normalizes with them instead. As in PyTorch,
/// `num_batches_tracked` is kept for the state dict but never counts.
///
/// Shapes: input `[N, channels, H, W]` (or `[channels, H, W]`) → the same shape.
public final class InstanceNorm2D: Layer {
  public let channels: Int
  public let epsilon: Double
  public let momentum: Double
  public let weight: Parameter?
  public let bias: Parameter?
  public let runningMean: ModuleBuffer?
  public let runningVariance: ModuleBuffer?
  public let numBatchesTracked: ModuleBuffer?

  public init(
    _ channels: Int, epsilon: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
    trackRunningStatistics: Bool = false, dtype: DType = .float32
  ) {
    precondition(channels > 0, "InstanceNorm2D: channels \(channels) must be positive")
    (self.channels, self.epsilon, self.momentum) = (channels, epsilon, momentum)
    weight = affine ? Parameter(.ones([channels], dtype: dtype)) : nil
    bias = affine ? Parameter(.zeros([channels], dtype: dtype)) : nil
    runningMean = trackRunningStatistics ? ModuleBuffer(.zeros([channels], dtype: dtype)) : nil
    runningVariance = trackRunningStatistics ? ModuleBuffer(.ones([channels], dtype: dtype)) : nil
    numBatchesTracked = trackRunningStatistics ? ModuleBuffer(Tensor(0, dtype: .int64)) : nil
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition((input.rank == 4 || input.rank == 3) && input.shape[input.rank - 3] == channels,
                 "InstanceNorm2D: input \(input.shape) should be [N, \(channels), H, W]")
    let images = input.rank == 4 ? input.shape[0] : 1
    let positions = input.shape[input.rank - 2] * input.shape[input.rank - 1]
    let broadcast = [channels, 1, 1]
    var y: Tensor
    if let runningMean, let runningVariance, !LearningPhase.isTraining {
      y = (input - runningMean.value.reshaped(broadcast)) * (runningVariance.value.reshaped(broadcast) + epsilon).rsqrt()
    } else {
      // Every (image, channel) plane is one "channel" of batch normalization.
      let (normalized, mean, variance) = input.reshaped([1, images * channels, positions])
        .batchNormalized(epsilon: epsilon)
      y = normalized.reshaped(input.shape)
      if LearningPhase.isTraining, let runningMean, let runningVariance {
        precondition(positions > 1, "InstanceNorm2D: tracking statistics needs more than one position per plane, got input \(input.shape)")
        withoutGradients {
          let batchMean = mean.reshaped([images, channels]).mean(axis: 0).cast(to: runningMean.value.dtype)
          let unbiased = (variance * (Double(positions) / Double(positions - 1)))
            .reshaped([images, channels]).mean(axis: 0).cast(to: runningVariance.value.dtype)
          runningMean.assign(runningMean.value * (1 - momentum) + batchMean * momentum)
          runningVariance.assign(runningVariance.value * (1 - momentum) + unbiased * momentum)
        }
      }
    }
    if let weight { y = y * weight.value.reshaped(broadcast) }
    if let bias { y = y + bias.value.reshaped(broadcast) }
    return y
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
    visitor.visit("running_mean", runningMean)
    visitor.visit("running_var", runningVariance)
    visitor.visit("num_batches_tracked", numBatchesTracked)
  }
}
