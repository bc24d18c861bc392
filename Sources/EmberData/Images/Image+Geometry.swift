/// Resizing and cropping, on the 8-bit pixels before they become tensors.
extension Image {
  /// The image resampled to `width`×`height` with a triangle (bilinear) filter, like PIL's
  /// `Image.resize(…, BILINEAR)` and torchvision's `resize(antialias=True)`: when shrinking, the
  /// filter widens by the scale factor, so every input pixel contributes (no aliasing); with
  /// `antialias: false` it is plain bilinear interpolation between the two nearest pixels, as
  /// `torch.nn.functional.interpolate(mode="bilinear", align_corners=False)`.
  public func resized(width newWidth: Int, height newHeight: Int, antialias: Bool = true) -> Image {
    precondition(newWidth > 0 && newHeight > 0, "Image.resized: size \(newWidth)×\(newHeight) must be positive")
    if newWidth == width && newHeight == height { return self }
    let columns = resamplingWeights(from: width, to: newWidth, antialias: antialias)
    let rows = resamplingWeights(from: height, to: newHeight, antialias: antialias)
    // Horizontal pass into doubles, then vertical pass, rounded once.
    var horizontal = [Double](repeating: 0, count: height * newWidth * channels)
    pixels.withUnsafeBufferPointer { source in
      horizontal.withUnsafeMutableBufferPointer { target in
        for y in 0..<height {
          for x in 0..<newWidth {
            let (first, weights) = columns[x]
            for c in 0..<channels {
              var sum = 0.0
              for (i, w) in weights.enumerated() { sum += w * Double(source[(y * width + first + i) * channels + c]) }
              target[(y * newWidth + x) * channels + c] = sum
            }
          }
        }
      }
    }
    var out = [UInt8](repeating: 0, count: newHeight * newWidth * channels)
    horizontal.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        for y in 0..<newHeight {
          let (first, weights) = rows[y]
          for x in 0..<(newWidth * channels) {
            var sum = 0.0
            for (i, w) in weights.enumerated() { sum += w * source[(first + i) * newWidth * channels + x] }
            target[y * newWidth * channels + x] = UInt8(Swift.min(Swift.max(sum.rounded(), 0), 255))
          }
        }
      }
    }
    return Image(width: newWidth, height: newHeight, channels: channels, pixels: out)
  }

  /// The image resized so its shorter side is `size` (the other side scaled to keep the aspect
  /// ratio, rounded down), like torchvision's `Resize(size)` with one number.
  public func resized(shorterSide size: Int, antialias: Bool = true) -> Image {
    precondition(size > 0, "Image.resized: shorter side \(size) must be positive")
    if width <= height {
      return resized(width: size, height: Swift.max(1, height * size / width), antialias: antialias)
    }
    return resized(width: Swift.max(1, width * size / height), height: size, antialias: antialias)
  }

  /// The `width`×`height` window whose top-left corner is at (`x`, `y`), which must lie inside.
  public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> Image {
    precondition(x >= 0 && y >= 0 && cropWidth > 0 && cropHeight > 0 && x + cropWidth <= width
                   && y + cropHeight <= height,
                 "Image.cropped: window \(cropWidth)×\(cropHeight) at (\(x), \(y)) is not inside a \(width)×\(height) image")
    var out = [UInt8]()
    out.reserveCapacity(cropWidth * cropHeight * channels)
    for row in y..<(y + cropHeight) {
      let start = (row * width + x) * channels
      out.append(contentsOf: pixels[start..<(start + cropWidth * channels)])
    }
    return Image(width: cropWidth, height: cropHeight, channels: channels, pixels: out)
  }

  /// The centred `width`×`height` window, like torchvision's `CenterCrop` (the extra pixel of an
  /// odd margin on the right and bottom).
  public func centerCropped(width cropWidth: Int, height cropHeight: Int) -> Image {
    cropped(x: (width - cropWidth) / 2, y: (height - cropHeight) / 2, width: cropWidth, height: cropHeight)
  }

  /// A random `width`×`height` window, every position equally likely, drawn from `generator`.
  public func randomlyCropped<G: RandomNumberGenerator>(
    width cropWidth: Int, height cropHeight: Int, using generator: inout G
  ) -> Image {
    precondition(cropWidth <= width && cropHeight <= height,
                 "Image.randomlyCropped: window \(cropWidth)×\(cropHeight) does not fit a \(width)×\(height) image")
    let x = Int.random(in: 0...(width - cropWidth), using: &generator)
    let y = Int.random(in: 0...(height - cropHeight), using: &generator)
    return cropped(x: x, y: y, width: cropWidth, height: cropHeight)
  }
}

/// For each output position of an axis resized from `inSize` to `outSize`, the first input index
/// and the normalized triangle-filter weights from there on (PIL's `precompute_coeffs`: centre
/// `(i + ½)·scale`, support `max(scale, 1)` with antialiasing, else 1).
private func resamplingWeights(from inSize: Int, to outSize: Int, antialias: Bool) -> [(Int, [Double])] {
  let scale = Double(inSize) / Double(outSize)
  let filterScale = antialias ? Swift.max(scale, 1) : 1
  let support = filterScale
  return (0..<outSize).map { i in
    let center = (Double(i) + 0.5) * scale
    let first = Swift.max(Int((center - support + 0.5).rounded(.down)), 0)
    let last = Swift.min(Int((center + support + 0.5).rounded(.down)), inSize)
    var weights = (first..<Swift.max(last, first + 1)).map { j -> Double in
      let t = Swift.abs((Double(j) - center + 0.5) / filterScale)
      return t < 1 ? 1 - t : 0
    }
    let total = weights.reduce(0, +)
    if total > 0 {
      weights = weights.map { $0 / total }
    } else {
      // A position between pixels the filter misses entirely: the nearest pixel.
      return (Swift.min(Swift.max(Int(center), 0), inSize - 1), [1])
    }
    // The first input index must stay in range for `first + i` reads.
    return (Swift.min(first, inSize - weights.count), weights)
  }
}
