import EmberBackend
import EmberTestSupport
import Foundation
import Testing

@testable import EmberCore

/// Batch normalization's fused op (`batchNormalized`): its values against the formula, its
/// gradients against central differences, and its recorded (composed) backward against the fused one.
@Suite struct NormalizationTests {
  /// Mean, biased variance and output computed per channel in plain Swift.
  @Test func matchesTheFormula() {
    let (n, c, s) = (3, 2, 5)
    let values = testValues(n * c * s, in: -2...3, seed: 11)
    let x = Tensor(values, shape: [n, c, s])
    let weight = Tensor([1.5, -0.5]), bias = Tensor([0.25, 2.0])
    let (y, mean, variance) = x.batchNormalized(weight: weight, bias: bias, epsilon: 1e-5)
    var expected = [Double](repeating: 0, count: values.count)
    for channel in 0..<c {
      let members = (0..<n).flatMap { i in (0..<s).map { (i * c + channel) * s + $0 } }
      let m = members.map { values[$0] }.reduce(0, +) / Double(members.count)
      let v = members.map { (values[$0] - m) * (values[$0] - m) }.reduce(0, +) / Double(members.count)
      expectClose([mean.doubles[channel], variance.doubles[channel]], [m, v], tolerance: 1e-12, "channel \(channel)")
      let (w, b) = ([1.5, -0.5][channel], [0.25, 2.0][channel])
      for i in members { expected[i] = (values[i] - m) / (v + 1e-5).squareRoot() * w + b }
    }
    expectClose(y.doubles, expected, tolerance: 1e-12, "output")
  }

  /// Statistics of values far from zero (a large mean over a small spread) do not cancel.
  @Test func largeOffsetsKeepTheirVariance() {
    let values = (0..<4096).map { 1000 + Double($0 % 7) * 0.01 }
    let x = Tensor(values, shape: [8, 1, 512]).cast(to: .float32)
    let (_, mean, variance) = x.batchNormalized()
    let m = values.reduce(0, +) / Double(values.count)
    let v = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)
    expectClose(mean.doubles, [m], tolerance: 1e-6)
    expectClose(variance.doubles, [v], tolerance: 1e-3)
  }

  /// Fixed weights for a weighted sum of the outputs.
  static func probe(_ shape: [Int], on device: Device) -> Tensor {
    Tensor(testValues(shape.reduce(1, *), in: -1...1, seed: 21), shape: shape, on: device)
  }

  @Test(arguments: testDevices)
  func gradients(device: Device) {
    for layout in [InputLayout.contiguous, .sliced] {
      checkGradients("batchNormalized affine \(layout)", shapes: [[3, 2, 4, 3], [2], [2]], range: -2...2,
                     layout: layout, on: device) { t in
        // Weighted, so the output gradient differs per element.
        t[0].batchNormalized(weight: t[1], bias: t[2]).output * Self.probe([3, 2, 4, 3], on: device)
      }
    }
    checkGradients("batchNormalized plain [N, C]", shapes: [[5, 3]], range: -2...2, on: device) { t in
      t[0].batchNormalized().output * Self.probe([5, 3], on: device)
    }
  }

  /// The composed backward (recorded, for gradients of gradients) equals the fused one, and
  /// differentiates again.
  @Test func recordedBackwardMatchesTheFusedOne() {
    let x = Tensor(testValues(2 * 3 * 4, in: -1...2, seed: 5), shape: [2, 3, 4]).requiringGradient()
    let weight = Tensor([0.5, 1.5, -1.0]).requiringGradient(), bias = Tensor([0.1, 0.2, 0.3]).requiringGradient()
    let probe = Tensor(testValues(24, in: -1...1, seed: 9), shape: [2, 3, 4])
    func loss() -> Tensor { (x.batchNormalized(weight: weight, bias: bias).output * probe).sum() }
    let fused = loss().backward()
    let recorded = loss().backward(createGraph: true)
    for (name, p) in [("x", x), ("weight", weight), ("bias", bias)] {
      expectClose(recorded[p]!.doubles, fused[p]!.doubles, tolerance: 1e-12, "d\(name)")
    }
    // d/dx Σ(∂loss/∂x)², recorded, against central differences of the fused first derivative.
    let values = x.doubles
    func squaredGradient(_ v: [Double]) -> Double {
      let input = Tensor(v, shape: [2, 3, 4]).requiringGradient()
      let y = input.batchNormalized(weight: weight.detached(), bias: bias.detached()).output
      let g = (y * probe).sum().backward()[input]!
      return (g * g).sum().item(as: Double.self)
    }
    let first = loss().backward(createGraph: true)[x]!
    let second = (first * first).sum().backward()[x]!.doubles
    let h = 1e-5
    let numeric = values.indices.map { i -> Double in
      var (up, down) = (values, values)
      up[i] += h
      down[i] -= h
      return (squaredGradient(up) - squaredGradient(down)) / (2 * h)
    }
    expectClose(second, numeric, tolerance: 1e-5, "second derivative")
  }

  /// `channelAffine`: each channel's `x·a + b`, against the formula and central differences.
  @Test(arguments: testDevices)
  func channelAffine(device: Device) {
    let (n, c, s) = (2, 3, 4)
    let values = testValues(n * c * s, in: -2...2, seed: 3)
    let (scale, shift) = ([0.5, -1.5, 2.0], [0.25, 0.0, -1.0])
    let y = Tensor(values, shape: [n, c, s], on: device)
      .channelAffine(scale: Tensor(scale, on: device), shift: Tensor(shift, on: device))
    let expected = values.indices.map { i in values[i] * scale[(i / s) % c] + shift[(i / s) % c] }
    expectClose(y.doubles, expected, tolerance: 1e-12, "output")
    for layout in [InputLayout.contiguous, .sliced] {
      checkGradients("channelAffine \(layout)", shapes: [[2, 3, 2, 2], [3], [3]], range: -2...2,
                     layout: layout, on: device) { t in
        t[0].channelAffine(scale: t[1], shift: t[2]) * Self.probe([2, 3, 2, 2], on: device)
      }
    }
  }
}
