import EmberCore

/// Sets a random `size`×`size` square of each image to `fillValue` while training (identity in
/// inference), as in DeVries & Taylor (2017): the square's centre is uniform over the image and
/// the square is clipped at the borders, so it may be partly outside.
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class Cutout: Layer {
  public let size: Int
  public let fillValue: Double
  var random: AugmentationRandom

  public init(size: Int, fillValue: Double = 0, seed: UInt64? = nil) {
    precondition(size > 0, "Cutout: size \(size) must be positive")
    (self.size, self.fillValue) = (size, fillValue)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let (height, width) = (input.shape[input.rank - 2], input.shape[input.rank - 1])
    let cy = random.uniform(0...1, count: images).map { Swift.min(Int($0 * Double(height)), height - 1) }
    let cx = random.uniform(0...1, count: images).map { Swift.min(Int($0 * Double(width)), width - 1) }
    let fill = Float(fillValue)
    return transformImages(input, op: "Cutout") { source, target, images, channels, height, width in
      target.update(from: source, count: images * channels * height * width)
      for n in 0..<images {
        let (y0, y1) = (Swift.max(cy[n] - size / 2, 0), Swift.min(cy[n] - size / 2 + size, height))
        let (x0, x1) = (Swift.max(cx[n] - size / 2, 0), Swift.min(cx[n] - size / 2 + size, width))
        guard y0 < y1 && x0 < x1 else { continue }
        for c in 0..<channels {
          let plane = target + (n * channels + c) * height * width
          for y in y0..<y1 { (plane + y * width + x0).update(repeating: fill, count: x1 - x0) }
        }
      }
    }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
