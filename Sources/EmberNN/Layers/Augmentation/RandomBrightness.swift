import EmberCore

/// Adds a random offset to every pixel of each image while training (identity in inference), like
/// Keras's `RandomBrightness`: the factor is a fraction of `valueRange`'s width, `f` drawing
/// offsets in `[−f, f]`·width; results are clipped to `valueRange`.
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class RandomBrightness: Layer {
  public let range: ClosedRange<Double>
  public let valueRange: ClosedRange<Double>
  var random: AugmentationRandom

  /// Offsets of up to `factor`·width either way, for pixels in `valueRange` (Keras: 0...255).
  public convenience init(_ factor: Double, valueRange: ClosedRange<Double> = 0...255, seed: UInt64? = nil) {
    self.init(range: factorRange(nil, factor, op: "RandomBrightness"), valueRange: valueRange, seed: seed)
  }

  /// Offsets drawn from `range`·width.
  public init(range: ClosedRange<Double>, valueRange: ClosedRange<Double> = 0...255, seed: UInt64? = nil) {
    precondition(range.lowerBound >= -1 && range.upperBound <= 1,
                 "RandomBrightness: factor \(range) must lie in -1...1")
    (self.range, self.valueRange) = (range, valueRange)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let span = valueRange.upperBound - valueRange.lowerBound
    let offsets = random.uniform(range, count: images).map { Float($0 * span) }
    let (low, high) = (Float(valueRange.lowerBound), Float(valueRange.upperBound))
    return transformImages(input, op: "RandomBrightness") { source, target, images, channels, height, width in
      let size = channels * height * width
      for n in 0..<images {
        for i in (n * size)..<((n + 1) * size) { target[i] = Swift.min(Swift.max(source[i] + offsets[n], low), high) }
      }
    }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
