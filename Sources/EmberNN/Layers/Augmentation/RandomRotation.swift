import Foundation
import EmberCore

/// Rotates each image about its centre by a random angle while training (identity in
/// inference), like Keras's `RandomRotation`: the factor is a fraction of a full turn (2π), `f`
/// drawing angles in `[−f, f]`·2π (positive turns counter-clockwise).
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class RandomRotation: Layer {
  public let range: ClosedRange<Double>
  public let fillMode: FillMode
  public let interpolation: Interpolation
  public let fillValue: Double
  var random: AugmentationRandom

  /// Rotations by up to `factor`·2π either way.
  public convenience init(
    _ factor: Double, fillMode: FillMode = .reflect, interpolation: Interpolation = .bilinear,
    fillValue: Double = 0, seed: UInt64? = nil
  ) {
    self.init(range: factorRange(nil, factor, op: "RandomRotation"), fillMode: fillMode,
              interpolation: interpolation, fillValue: fillValue, seed: seed)
  }

  /// Rotations by `range`·2π.
  public init(
    range: ClosedRange<Double>, fillMode: FillMode = .reflect, interpolation: Interpolation = .bilinear,
    fillValue: Double = 0, seed: UInt64? = nil
  ) {
    (self.range, self.fillMode, self.interpolation, self.fillValue) = (range, fillMode, interpolation, fillValue)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let (height, width) = (Double(input.shape[input.rank - 2]), Double(input.shape[input.rank - 1]))
    let (cx, cy) = ((width - 1) / 2, (height - 1) / 2)
    let angles = random.uniform(range, count: images).map { $0 * 2 * Double.pi }
    // Output p reads input c + R(−θ)·(p − c) in image coordinates (y down, so the picture turns
    // counter-clockwise for θ > 0).
    let matrices = angles.map { theta -> [Double] in
      let (c, s) = (cos(theta), sin(theta))
      return [c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy]
    }
    return warpImages(input, op: "RandomRotation", matrices: matrices, interpolation: interpolation,
                      fillMode: fillMode, fillValue: fillValue)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
