import EmberBackend
import EmberCore
import Foundation
import Testing

@testable import EmberNN

// Helpers shared by the EmberNN tests (the gradient check is copied from EmberCoreTests, whose
// target this one cannot import).

/// Deterministic test values in `range` (a simple LCG, independent of the library's generator).
func testValues(_ count: Int, in range: ClosedRange<Double>, seed: UInt64) -> [Double] {
  var state = seed &* 6364136223846793005 &+ 1442695040888963407
  return (0..<count).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    let unit = Double(state >> 11) / Double(1 << 53)
    return range.lowerBound + unit * (range.upperBound - range.lowerBound)
  }
}

/// Checks `f`'s gradients with respect to `inputs` (float64) against central differences.
///
/// The scalar checked is `Σ f(x)·w` with fixed pseudo-random weights `w`, so every output element
/// matters. Relative error is `|analytic − numeric| / max(1, |analytic|, |numeric|)`.
@discardableResult
func checkGradients(
  _ name: String, inputs values: [Tensor], tolerance: Double = 1e-6, step: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: @escaping ([Tensor]) -> Tensor
) -> Double {
  let shapes = values.map(\.shape)
  let flat = values.map(\.doubles)
  let probe = withoutGradients { f(values) }
  let weights = Tensor(testValues(probe.count, in: 0.5...1.5, seed: 4242), shape: probe.shape)
  func loss(_ inputs: [[Double]]) -> Double {
    withoutGradients {
      let tensors = inputs.indices.map { Tensor(inputs[$0], shape: shapes[$0]) }
      return (f(tensors).cast(to: .float64) * weights).sum().item
    }
  }
  let tracked = flat.indices.map { Tensor(flat[$0], shape: shapes[$0]).requiringGradient() }
  let output = f(tracked)
  #expect(output.dtype == .float64, "\(name): output dtype \(output.dtype)",
          sourceLocation: sourceLocation)
  let grads = (output * weights).sum().backward()
  var worst = 0.0
  for (index, input) in tracked.enumerated() {
    let analytic = grads[input]?.doubles ?? [Double](repeating: 0, count: flat[index].count)
    for element in flat[index].indices {
      var plus = flat, minus = flat
      plus[index][element] += step
      minus[index][element] -= step
      let numeric = (loss(plus) - loss(minus)) / (2 * step)
      let error = Swift.abs(analytic[element] - numeric)
        / Swift.max(1, Swift.abs(analytic[element]), Swift.abs(numeric))
      worst = Swift.max(worst, error)
    }
  }
  #expect(worst <= tolerance, "\(name): gradient relative error \(worst)",
          sourceLocation: sourceLocation)
  return worst
}

/// `#expect` that two arrays match elementwise within `tolerance` (absolute + relative).
func expectClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-9, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
          sourceLocation: sourceLocation)
  for (a, e) in zip(actual, expected) where !(a.isNaN && e.isNaN) {
    if Swift.abs(a - e) > tolerance * Swift.max(1, Swift.abs(e)) {
      Issue.record("\(what): got \(actual), expected \(expected)", sourceLocation: sourceLocation)
      return
    }
  }
}

/// `#expect` that a scalar tensor holds `expected` within `tolerance`.
func expectClose(
  _ actual: Tensor, _ expected: Double, tolerance: Double = 1e-9, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectClose(actual.doubles, [expected], tolerance: tolerance, what, sourceLocation: sourceLocation)
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("ember-nn-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
