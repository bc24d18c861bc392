import EmberCore

/// Pads each image by `padding` pixels on every side and crops a random `height`×`width` window
/// while training, like torchvision's `RandomCrop(size, padding, padding_mode)` (CIFAR's classic
/// pad-4-and-crop); in inference the centre window of the unpadded image.
///
/// Shapes: `[N, C, H, W]` or `[C, H, W]` → `[N, C, height, width]` (or `[C, height, width]`).
public final class RandomCrop: Layer {
  public let height: Int
  public let width: Int
  public let padding: Int
  public let fillMode: FillMode
  public let fillValue: Double
  var random: AugmentationRandom

  /// Crops of `height`×`width` after padding with `fillMode` (`constant` pads with `fillValue`).
  public init(
    height: Int, width: Int, padding: Int = 0, fillMode: FillMode = .constant, fillValue: Double = 0,
    seed: UInt64? = nil
  ) {
    precondition(height > 0 && width > 0 && padding >= 0,
                 "RandomCrop: size \(height)×\(width) must be positive and padding \(padding) not negative")
    (self.height, self.width, self.padding, self.fillMode, self.fillValue) = (height, width, padding, fillMode, fillValue)
    random = AugmentationRandom(seed: seed)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let (inH, inW) = (input.shape[input.rank - 2], input.shape[input.rank - 1])
    precondition(input.rank >= 3 && height <= inH && width <= inW,
                 "RandomCrop: a \(height)×\(width) crop does not fit input \(input.shape)")
    guard LearningPhase.isTraining else {
      let (top, left) = ((inH - height) / 2, (inW - width) / 2)
      return input[.ellipsis, top..<(top + height), left..<(left + width)]
    }
    let images = input.rank == 4 ? input.shape[0] : 1
    let tops = random.uniform(0...1, count: images).map { Swift.min(Int($0 * Double(inH + 2 * padding - height + 1)), inH + 2 * padding - height) }
    let lefts = random.uniform(0...1, count: images).map { Swift.min(Int($0 * Double(inW + 2 * padding - width + 1)), inW + 2 * padding - width) }
    let full = transformImages(input, op: "RandomCrop") { source, target, images, channels, inH, inW in
      // The window is written into the top-left height×width corner of each plane, cut below.
      let fill = Float(fillValue)
      for n in 0..<images {
        for c in 0..<channels {
          let src = source + (n * channels + c) * inH * inW, dst = target + (n * channels + c) * inH * inW
          for y in 0..<height {
            let sy = fillMode.index(tops[n] + y - padding, size: inH)
            for x in 0..<width {
              let sx = fillMode.index(lefts[n] + x - padding, size: inW)
              dst[y * inW + x] = (sy != nil && sx != nil) ? src[sy! * inW + sx!] : fill
            }
          }
        }
      }
    }
    return full[.ellipsis, 0..<height, 0..<width].contiguous()
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
