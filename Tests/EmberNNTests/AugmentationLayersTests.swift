import EmberBackend
import EmberCore
import EmberTestSupport
import Foundation
import Testing

@testable import EmberNN

/// The random augmentation layers: identity in inference, seeded, and each image of a training
/// batch transformed as the layer says (checked against the transform written out by hand).
@Suite struct AugmentationLayersTests {
  /// `[N, C, H, W]` of distinct values.
  static func images(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Tensor {
    Tensor.arange(0, Double(n * c * h * w), dtype: .float32).reshaped([n, c, h, w])
  }

  /// Fresh seeded layers, one of each kind.
  static func layers() -> [any TensorLayer] {
    [
      RandomFlip(.horizontalAndVertical, seed: 1),
      RandomTranslation(heightFactor: 0.2, widthFactor: 0.2, seed: 1),
      RandomRotation(0.1, seed: 1),
      RandomZoom(0.2, seed: 1),
      RandomCrop(height: 6, width: 6, padding: 2, seed: 1),
      RandomBrightness(0.2, valueRange: 0...1000, seed: 1),
      RandomContrast(0.3, valueRange: 0...1000, seed: 1),
      Cutout(size: 3, seed: 1),
    ]
  }

  @Test func inferenceLeavesImagesAloneAndSeedsRepeat() {
    let x = Self.images(4, 2, 6, 6)
    let (first, second) = (Self.layers(), Self.layers())
    for index in first.indices {
      let (layer, twin) = (first[index], second[index])
      let name = "\(type(of: layer))"
      #expect(layer.namedParameters.isEmpty, "\(name) has parameters")
      let inference = withLearningPhase(.inference) { layer(x) }
      #expect(inference.floats == x.floats, "\(name) changed inference inputs")
      let a = withLearningPhase(.training) { layer(x) }
      let b = withLearningPhase(.training) { twin(x) }
      #expect(a.shape == [4, 2, 6, 6], "\(name): shape \(a.shape)")
      #expect(a.floats == b.floats, "\(name): one seed, two results")
      #expect(a.floats != x.floats, "\(name) left a training batch unchanged")
      let next = withLearningPhase(.training) { layer(x) }
      #expect(a.floats != next.floats, "\(name) drew the same transform twice")
    }
  }

  @Test func fillModesFollowKeras() {
    // Positions −4…7 of an axis of 4, as Keras documents each mode.
    let positions = Array(-4...7)
    #expect(positions.map { FillMode.reflect.index($0, size: 4) } == [3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0])
    #expect(positions.map { FillMode.wrap.index($0, size: 4) } == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
    #expect(positions.map { FillMode.nearest.index($0, size: 4) } == [0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3])
    #expect(positions.map { FillMode.constant.index($0, size: 4) }
      == [nil, nil, nil, nil, 0, 1, 2, 3, nil, nil, nil, nil])
  }

  @Test func flipsMirrorWholeImages() {
    let x = Self.images(16, 2, 3, 4)
    let y = withLearningPhase(.training) { RandomFlip(.horizontal, seed: 3)(x) }
    let mirrored = x.flipped(axis: 3)
    var flips = 0
    for n in 0..<16 {
      let (image, out, mirror) = (x[n].floats, y[n].floats, mirrored[n].floats)
      #expect(out == image || out == mirror, "image \(n) is neither itself nor its mirror")
      if out == mirror { flips += 1 }
    }
    #expect(flips > 0 && flips < 16, "\(flips) of 16 images flipped")
  }

  @Test func translationShiftsByWholePixels() {
    // A fixed shift of +1/4 of the height (1 row down) and −1/4 of the width (1 column left).
    let x = Self.images(1, 1, 4, 4)
    let layer = RandomTranslation(heightRange: 0.25...0.25, widthRange: -0.25...(-0.25), fillMode: .constant,
                                  interpolation: .nearest, fillValue: -1)
    let y = withLearningPhase(.training) { layer(x) }.floats
    #expect(y == [-1, -1, -1, -1, 1, 2, 3, -1, 5, 6, 7, -1, 9, 10, 11, -1])
  }

  @Test func quarterTurnRotatesCounterClockwise() {
    let x = Self.images(1, 1, 3, 3)  // 0 1 2 / 3 4 5 / 6 7 8
    let layer = RandomRotation(range: 0.25...0.25, interpolation: .nearest)
    let y = withLearningPhase(.training) { layer(x) }.floats
    #expect(y == [2, 5, 8, 1, 4, 7, 0, 3, 6])
  }

  @Test func zoomOutShrinksAboutTheCentre() {
    // Zooming out by 100% reads input c + 2·(p − c): the centre stays, the corners come from
    // outside (constant fill).
    let x = Self.images(1, 1, 5, 5)
    let layer = RandomZoom(heightRange: 1...1, fillMode: .constant, interpolation: .nearest, fillValue: -1)
    let y = withLearningPhase(.training) { layer(x) }
    #expect(y.floats[12] == 12 && y.floats[0] == -1)
    #expect(y.floats[6] == 0 && y.floats[8] == 4 && y.floats[16] == 20)
  }

  @Test func cropsAreWindowsOfThePaddedImage() {
    let x = Self.images(6, 1, 5, 5) + 1  // no pixel is 0, the padding's value
    let layer = RandomCrop(height: 5, width: 5, padding: 1, seed: 4)
    let y = withLearningPhase(.training) { layer(x) }
    let padded = x.padded(axis: 2, before: 1, after: 1, mode: .zeros)
      .padded(axis: 3, before: 1, after: 1, mode: .zeros)
    for n in 0..<6 {
      let windows = (0...2).flatMap { top in (0...2).map { left in
        padded[n, 0, top..<(top + 5), left..<(left + 5)].floats } }
      #expect(windows.contains(y[n, 0].floats), "image \(n) is no 5×5 window of the padded image")
    }
    #expect(withLearningPhase(.inference) { RandomCrop(height: 3, width: 3)(x) }.floats
      == x[.ellipsis, 1..<4, 1..<4].contiguous().floats)
  }

  @Test func brightnessContrastAndCutout() {
    let x = Self.images(3, 2, 4, 4)
    let values = x.floats
    let bright = withLearningPhase(.training) { RandomBrightness(range: 0.5...0.5, valueRange: 0...40)(x) }.floats
    #expect(bright == values.map { Swift.min($0 + 20, 40) })
    let contrast = withLearningPhase(.training) { RandomContrast(0, valueRange: 0...1000)(x) }.floats
    #expect(contrast == values)
    let doubled = withLearningPhase(.training) {
      RandomContrast(1, valueRange: -1000...1000, seed: 2)(x)
    }
    // Each channel keeps its mean (the factor scales deviations from it).
    let means = doubled.mean(axes: [2, 3]).floats, original = x.mean(axes: [2, 3]).floats
    for (a, b) in zip(means, original) { #expect(Swift.abs(a - b) < 1e-3) }
    let cut = withLearningPhase(.training) { Cutout(size: 2, fillValue: -5, seed: 7)(x) }
    for n in 0..<3 {
      let image = cut[n].floats
      let zeroed = image.filter { $0 == -5 }.count
      // A 2×2 square, maybe clipped at a border, in both channels.
      #expect([2, 4, 8].contains(zeroed), "image \(n): \(zeroed) cut pixels")
    }
  }
}
