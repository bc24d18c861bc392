import EmberCore

/// Flips each image of a batch left-right, top-bottom or both, each with probability ½, while
/// training (identity in inference), like Keras's `RandomFlip` and torchvision's
/// `RandomHorizontalFlip`.
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → the same shape.
public final class RandomFlip: Layer {
  /// Which flips are drawn.
  public enum Mode: String, Sendable { case horizontal, vertical, horizontalAndVertical }

  public let mode: Mode
  var random: AugmentationRandom

  /// A flip of `mode`; with a `seed`, the layer draws from its own generator.
  public init(_ mode: Mode = .horizontal, seed: UInt64? = nil) {
    self.mode = mode
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    guard LearningPhase.isTraining else { return input }
    let images = input.rank == 4 ? input.shape[0] : 1
    let horizontal = mode == .vertical ? [Double](repeating: 1, count: images) : random.uniform(0...1, count: images)
    let vertical = mode == .horizontal ? [Double](repeating: 1, count: images) : random.uniform(0...1, count: images)
    return transformImages(input, op: "RandomFlip") { source, target, images, channels, height, width in
      for n in 0..<images {
        let (flipX, flipY) = (horizontal[n] < 0.5, vertical[n] < 0.5)
        for c in 0..<channels {
          let offset = (n * channels + c) * height * width
          for y in 0..<height {
            let row = source + offset + (flipY ? height - 1 - y : y) * width
            let out = target + offset + y * width
            if flipX {
              for x in 0..<width { out[x] = row[width - 1 - x] }
            } else {
              out.update(from: row, count: width)
            }
          }
        }
      }
    }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
