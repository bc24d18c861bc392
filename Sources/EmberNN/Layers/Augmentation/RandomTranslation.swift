import EmberCore

/// Shifts each image by a random fraction of its height and width while training (identity in
/// inference), like Keras's `RandomTranslation`: a factor `f` draws shifts in `[−f, f]`·size, a
/// range `lower...upper` in `[lower, upper]`·size (positive moves the content down or right).
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class RandomTranslation: Layer {
  public let heightRange: ClosedRange<Double>
  public let widthRange: ClosedRange<Double>
  public let fillMode: FillMode
  public let interpolation: Interpolation
  public let fillValue: Double
  var random: AugmentationRandom

  /// Translations in `heightFactor`·H and `widthFactor`·W (fractions, each `f` or a range).
  public convenience init(
    heightFactor: Double, widthFactor: Double, fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, fillValue: Double = 0, seed: UInt64? = nil
  ) {
    self.init(heightRange: factorRange(nil, heightFactor, op: "RandomTranslation"),
              widthRange: factorRange(nil, widthFactor, op: "RandomTranslation"), fillMode: fillMode,
              interpolation: interpolation, fillValue: fillValue, seed: seed)
  }

  /// Translations drawn from `heightRange`·H and `widthRange`·W.
  public init(
    heightRange: ClosedRange<Double>, widthRange: ClosedRange<Double>, fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, fillValue: Double = 0, seed: UInt64? = nil
  ) {
    precondition(heightRange.lowerBound >= -1 && heightRange.upperBound <= 1
                   && widthRange.lowerBound >= -1 && widthRange.upperBound <= 1,
                 "RandomTranslation: factors \(heightRange), \(widthRange) must lie in -1...1")
    (self.heightRange, self.widthRange, self.fillMode, self.interpolation, self.fillValue)
      = (heightRange, widthRange, fillMode, interpolation, fillValue)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let (height, width) = (Double(input.shape[input.rank - 2]), Double(input.shape[input.rank - 1]))
    let dy = random.uniform(heightRange, count: images), dx = random.uniform(widthRange, count: images)
    // Output (x, y) reads input (x − dx·W, y − dy·H).
    let matrices = (0..<images).map { n in [1, 0, -dx[n] * width, 0, 1, -dy[n] * height] }
    return warpImages(input, op: "RandomTranslation", matrices: matrices, interpolation: interpolation,
                      fillMode: fillMode, fillValue: fillValue)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
