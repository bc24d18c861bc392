import EmberBackend
import EmberCore

/// Enlarges images, like `torch.nn.Upsample`: `nearest` copies the closest pixel (PyTorch's
/// `nearest`: source `⌊dst·in/out⌋`), `bilinear` interpolates between the four around the
/// source position `(dst + ½)·in/out − ½` (clamped at the edges), or `dst·(in − 1)/(out − 1)`
/// with `alignCorners`.
///
/// Shapes: input `[N, C, H, W]` → `[N, C, ⌊H·scale⌋, ⌊W·scale⌋]` (or `size`).
public final class Upsample: Layer {
  /// How `Upsample` fills the new pixels.
  public enum Mode: String, Sendable {
    case nearest, bilinear
  }

  public let scaleFactor: [Double]?
  public let size: [Int]?
  public let mode: Mode
  public let alignCorners: Bool

  /// Scales height and width by `scaleFactor` (one value for both, or one each).
  public init(scaleFactor: [Double], mode: Mode = .nearest, alignCorners: Bool = false) {
    precondition((scaleFactor.count == 1 || scaleFactor.count == 2) && scaleFactor.allSatisfy { $0 > 0 },
                 "Upsample: scale factor \(scaleFactor) needs one or two positive values")
    (self.scaleFactor, self.size, self.mode, self.alignCorners)
      = (scaleFactor.count == 1 ? [scaleFactor[0], scaleFactor[0]] : scaleFactor, nil, mode, alignCorners)
  }

  /// Resizes to `size` (height, width).
  public init(size: [Int], mode: Mode = .nearest, alignCorners: Bool = false) {
    precondition(size.count == 2 && size.allSatisfy { $0 > 0 }, "Upsample: size \(size) needs two positive values")
    (self.scaleFactor, self.size, self.mode, self.alignCorners) = (nil, size, mode, alignCorners)
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "Upsample: input \(input.shape) should be [N, C, H, W]")
    var x = input
    for axis in 0..<2 {
      let inSize = input.shape[2 + axis]
      let outSize = size?[axis] ?? Int((Double(inSize) * scaleFactor![axis]).rounded(.down))
      // PyTorch maps with 1/scale when a scale factor was given, else in/out.
      let ratio = scaleFactor.map { 1 / $0[axis] } ?? Double(inSize) / Double(outSize)
      x = resample(x, axis: 2 + axis, inSize: inSize, outSize: outSize, ratio: ratio)
    }
    return x
  }

  private func resample(_ x: Tensor, axis: Int, inSize: Int, outSize: Int, ratio: Double) -> Tensor {
    switch mode {
    case .nearest:
      let index = (0..<outSize).map { Int64(Swift.min(Int((Double($0) * ratio).rounded(.down)), inSize - 1)) }
      return x.indexSelect(axis: axis, indices: Tensor(index, on: x.device))
    case .bilinear:
      var low = [Int64](), high = [Int64](), fraction = [Double]()
      for dst in 0..<outSize {
        var source: Double
        if alignCorners {
          source = outSize > 1 ? Double(dst) * Double(inSize - 1) / Double(outSize - 1) : 0
        } else {
          source = Swift.max((Double(dst) + 0.5) * ratio - 0.5, 0)
        }
        let lower = Swift.min(Int(source.rounded(.down)), inSize - 1)
        low.append(Int64(lower))
        high.append(Int64(Swift.min(lower + 1, inSize - 1)))
        fraction.append(source - Double(lower))
      }
      var lane = [Int](repeating: 1, count: x.rank)
      lane[axis] = outSize
      let weight = Tensor(fraction, shape: lane, on: x.device).cast(to: x.dtype)
      let a = x.indexSelect(axis: axis, indices: Tensor(low, on: x.device))
      let b = x.indexSelect(axis: axis, indices: Tensor(high, on: x.device))
      return a + (b - a) * weight
    }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
