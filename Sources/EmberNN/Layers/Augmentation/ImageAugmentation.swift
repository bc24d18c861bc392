import EmberBackend
import EmberCore

/// How a geometric augmentation fills pixels that come from outside the input, as Keras's
/// `fill_mode`: `reflect` (d c b a | a b c d | d c b a), `wrap` (a b c d | a b c d), `nearest`
/// (a a a a | a b c d | d d d d) or `constant` (the layer's fill value).
public enum FillMode: String, Sendable, CaseIterable {
  case reflect, wrap, nearest, constant

  /// The input index that position `i` of an axis of `size` reads, or `nil` for the fill value.
  @inline(__always)
  func index(_ i: Int, size: Int) -> Int? {
    if i >= 0 && i < size { return i }
    switch self {
    case .constant: return nil
    case .nearest: return Swift.min(Swift.max(i, 0), size - 1)
    case .wrap: return ((i % size) + size) % size
    case .reflect:
      let period = 2 * size
      let m = ((i % period) + period) % period
      return m < size ? m : period - 1 - m
    }
  }
}

/// How a geometric augmentation samples between pixels, as Keras's `interpolation`.
public enum Interpolation: String, Sendable, CaseIterable {
  case bilinear, nearest
}

/// The random source of an augmentation layer: its own generator when the layer was given a
/// seed (so its draws repeat run after run whatever else draws), else the default generator.
struct AugmentationRandom {
  var generator: RandomGenerator?

  init(seed: UInt64?) { generator = seed.map { RandomGenerator(seed: $0) } }

  /// `count` draws uniform in `range`.
  mutating func uniform(_ range: ClosedRange<Double>, count: Int) -> [Double] {
    func draw(_ g: inout RandomGenerator) -> [Double] {
      (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * g.nextUnitDouble() }
    }
    if generator != nil { return draw(&generator!) }
    return Random.withGenerator { draw(&$0) }
  }
}

/// The images of a batch `[N, C, H, W]` (or one image `[C, H, W]`) as float32 host values, and the
/// tensor `body` writes back (same shape, dtype and device). Augmentations act on inputs, so
/// nothing is recorded for gradients.
func transformImages(
  _ input: Tensor, op: String,
  _ body: (_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>,
           _ images: Int, _ channels: Int, _ height: Int, _ width: Int) -> Void
) -> Tensor {
  precondition((input.rank == 4 || input.rank == 3) && input.dtype.isFloatingPoint,
               "\(op): input \(input.shape) of \(input.dtype) should be floating-point [N, C, H, W] or [C, H, W]")
  let shape = input.rank == 4 ? input.shape : [1] + input.shape
  let values = withoutGradients { input.detached().cast(to: .float32).to(.cpu).scalars(as: Float.self) }
  var output = [Float](repeating: 0, count: values.count)
  values.withUnsafeBufferPointer { source in
    output.withUnsafeMutableBufferPointer { target in
      body(source.baseAddress!, target.baseAddress!, shape[0], shape[1], shape[2], shape[3])
    }
  }
  return Tensor(output, shape: input.shape, on: input.device).cast(to: input.dtype)
}

/// Resamples every image through its own affine map: output pixel `(x, y)` of image `n` reads the
/// input at `(m[0]·x + m[1]·y + m[2], m[3]·x + m[4]·y + m[5])` with `m = matrices[n]`, the way
/// Keras's geometric augmentations do (`ImageProjectiveTransform`).
func warpImages(
  _ input: Tensor, op: String, matrices: [[Double]], interpolation: Interpolation, fillMode: FillMode,
  fillValue: Double
) -> Tensor {
  transformImages(input, op: op) { source, target, images, channels, height, width in
    let plane = height * width
    let fill = Float(fillValue)
    for n in 0..<images {
      let m = matrices[n]
      for c in 0..<channels {
        let src = source + (n * channels + c) * plane, dst = target + (n * channels + c) * plane
        @inline(__always) func pixel(_ y: Int, _ x: Int) -> Float {
          guard let yy = fillMode.index(y, size: height), let xx = fillMode.index(x, size: width) else {
            return fill
          }
          return src[yy * width + xx]
        }
        for y in 0..<height {
          for x in 0..<width {
            let (fx, fy) = (Double(x), Double(y))
            let sx = m[0] * fx + m[1] * fy + m[2], sy = m[3] * fx + m[4] * fy + m[5]
            switch interpolation {
            case .nearest:
              dst[y * width + x] = pixel(Int((sy).rounded()), Int((sx).rounded()))
            case .bilinear:
              let (x0, y0) = (sx.rounded(.down), sy.rounded(.down))
              let (ax, ay) = (Float(sx - x0), Float(sy - y0))
              let (ix, iy) = (Int(x0), Int(y0))
              let top = pixel(iy, ix) * (1 - ax) + pixel(iy, ix + 1) * ax
              let bottom = pixel(iy + 1, ix) * (1 - ax) + pixel(iy + 1, ix + 1) * ax
              dst[y * width + x] = top * (1 - ay) + bottom * ay
            }
          }
        }
      }
    }
  }
}

/// `(lower, upper)` of a Keras-style factor: one value `f` means `(−f, f)`.
func factorRange(_ factor: ClosedRange<Double>?, _ single: Double?, op: String) -> ClosedRange<Double> {
  if let factor { return factor }
  let f = single ?? 0
  precondition(f >= 0, "\(op): factor \(f) must not be negative (give a range for one-sided draws)")
  return -f...f
}
