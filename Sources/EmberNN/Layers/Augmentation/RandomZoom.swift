import EmberCore

/// Zooms each image about its centre by a random amount while training (identity in inference),
/// like Keras's `RandomZoom`: a factor `f` draws in `[−f, f]`; positive values zoom out (the
/// content shrinks by `1 + value`), negative zoom in. Without a width factor the aspect ratio is
/// kept (one draw for both axes).
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class RandomZoom: Layer {
  public let heightRange: ClosedRange<Double>
  public let widthRange: ClosedRange<Double>?
  public let fillMode: FillMode
  public let interpolation: Interpolation
  public let fillValue: Double
  var random: AugmentationRandom

  /// Zooms of up to `heightFactor` (and `widthFactor`, or the same draw) either way.
  public convenience init(
    _ heightFactor: Double, widthFactor: Double? = nil, fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, fillValue: Double = 0, seed: UInt64? = nil
  ) {
    self.init(heightRange: factorRange(nil, heightFactor, op: "RandomZoom"),
              widthRange: widthFactor.map { factorRange(nil, $0, op: "RandomZoom") }, fillMode: fillMode,
              interpolation: interpolation, fillValue: fillValue, seed: seed)
  }

  /// Zooms drawn from `heightRange` (and `widthRange`).
  public init(
    heightRange: ClosedRange<Double>, widthRange: ClosedRange<Double>? = nil, fillMode: FillMode = .reflect,
    interpolation: Interpolation = .bilinear, fillValue: Double = 0, seed: UInt64? = nil
  ) {
    precondition(heightRange.lowerBound > -1 && (widthRange?.lowerBound ?? 0) > -1,
                 "RandomZoom: factors \(heightRange), \(String(describing: widthRange)) must exceed -1")
    (self.heightRange, self.widthRange, self.fillMode, self.interpolation, self.fillValue)
      = (heightRange, widthRange, fillMode, interpolation, fillValue)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let (height, width) = (Double(input.shape[input.rank - 2]), Double(input.shape[input.rank - 1]))
    let (cx, cy) = ((width - 1) / 2, (height - 1) / 2)
    let zy = random.uniform(heightRange, count: images)
    let zx = widthRange.map { random.uniform($0, count: images) } ?? zy
    // Output p reads input c + (1 + z)·(p − c).
    let matrices = (0..<images).map { n -> [Double] in
      let (sx, sy) = (1 + zx[n], 1 + zy[n])
      return [sx, 0, cx - sx * cx, 0, sy, cy - sy * cy]
    }
    return warpImages(input, op: "RandomZoom", matrices: matrices, interpolation: interpolation,
                      fillMode: fillMode, fillValue: fillValue)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
