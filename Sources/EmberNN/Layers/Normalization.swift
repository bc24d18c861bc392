import EmberBackend
import EmberCore

/// Standardizes features with statistics adapted to data, like Keras's `Normalization`:
/// `adapt(data)` records the mean and (biased) variance of every feature along `axis` over all
/// other axes, and the layer computes `(x − mean) / max(√variance, 1e-7)`.
///
/// Shapes: input `[…]` with `features` values along `axis` → the same shape. Buffers `mean` and
/// `variance` (`[features]`, saved in the state dict) start at 0 and 1.
public final class Normalization: Layer {
  public let axis: Int
  public let features: Int
  public let mean: ModuleBuffer
  public let variance: ModuleBuffer

  /// - Parameter axis: the feature axis (−1, the last, for tabular rows; 1 for `[N, C, H, W]`
  ///   images, one statistic per channel).
  public init(features: Int, axis: Int = -1, dtype: DType = .float32) {
    precondition(features > 0, "Normalization: features \(features) must be positive")
    (self.features, self.axis) = (features, axis)
    mean = ModuleBuffer(.zeros([features], dtype: dtype))
    variance = ModuleBuffer(.ones([features], dtype: dtype))
  }

  /// Sets the statistics from `data` (every example at once).
  public func adapt(_ data: Tensor) {
    let a = featureAxis(data)
    let others = (0..<data.rank).filter { $0 != a }
    withoutGradients {
      mean.assign(data.mean(axes: others).cast(to: mean.value.dtype).to(mean.value.device))
      variance.assign(data.variance(axes: others, correction: 0).cast(to: variance.value.dtype).to(variance.value.device))
    }
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let a = featureAxis(input)
    var lane = [Int](repeating: 1, count: input.rank)
    lane[a] = features
    let scale = variance.value.sqrt().maximum(1e-7)
    return (input - mean.value.reshaped(lane)) / scale.reshaped(lane)
  }

  private func featureAxis(_ x: Tensor) -> Int {
    let a = axis < 0 ? axis + x.rank : axis
    precondition(a >= 0 && a < x.rank && x.shape[a] == features,
                 "Normalization: input \(x.shape) should have \(features) features on axis \(axis)")
    return a
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("mean", mean)
    visitor.visit("variance", variance)
  }
}
