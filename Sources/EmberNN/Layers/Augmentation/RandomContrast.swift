import EmberCore

/// Scales each image's deviation from its per-channel mean by a random factor while training
/// (identity in inference), like Keras's `RandomContrast`: a factor `f` draws contrast factors in
/// `[1 − f, 1 + f]`; `y = (x − mean)·factor + mean`, clipped to `valueRange`.
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class RandomContrast: Layer {
  public let range: ClosedRange<Double>
  public let valueRange: ClosedRange<Double>
  var random: AugmentationRandom

  /// Contrast factors in `[1 − factor, 1 + factor]`, for pixels in `valueRange` (Keras: 0...255).
  public init(_ factor: Double, valueRange: ClosedRange<Double> = 0...255, seed: UInt64? = nil) {
    precondition((0...1).contains(factor), "RandomContrast: factor \(factor) must lie in 0...1")
    (range, self.valueRange) = ((1 - factor)...(1 + factor), valueRange)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let factors = random.uniform(range, count: images).map { Float($0) }
    let (low, high) = (Float(valueRange.lowerBound), Float(valueRange.upperBound))
    return transformImages(input, op: "RandomContrast") { source, target, images, channels, height, width in
      let plane = height * width
      for n in 0..<images {
        for c in 0..<channels {
          let offset = (n * channels + c) * plane
          var sum = 0.0
          for i in offset..<(offset + plane) { sum += Double(source[i]) }
          let mean = Float(sum / Double(plane))
          for i in offset..<(offset + plane) {
            target[i] = Swift.min(Swift.max((source[i] - mean) * factors[n] + mean, low), high)
          }
        }
      }
    }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
