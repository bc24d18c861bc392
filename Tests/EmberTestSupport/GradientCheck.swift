import EmberBackend
import Foundation
import Testing

import EmberCore

// Helpers shared by the test targets: deterministic values, strided test inputs, the Float64
// central-difference gradient check, and closeness expectations.

/// How a test input is laid out in memory, so ops are checked on strided views too.
public enum InputLayout: String, CaseIterable, Sendable {
  case contiguous, transposed, sliced
}

/// Deterministic test values in `range` (a simple LCG, independent of the library's generator).
public func testValues(_ count: Int, in range: ClosedRange<Double>, seed: UInt64) -> [Double] {
  var state = seed &* 6364136223846793005 &+ 1442695040888963407
  return (0..<count).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    let unit = Double(state >> 11) / Double(1 << 53)
    return range.lowerBound + unit * (range.upperBound - range.lowerBound)
  }
}

/// A float64 tensor of `shape` holding `values` (row-major), stored with `layout` on `device`.
public func makeInput(
  _ values: [Double], shape: [Int], layout: InputLayout, on device: Device = .cpu
) -> Tensor {
  switch layout {
  case .contiguous:
    return Tensor(values, shape: shape, on: device)
  case .transposed:
    guard shape.count >= 2 else { return Tensor(values, shape: shape, on: device) }
    // Store the transpose of the last two axes, then view it transposed back.
    let rows = shape[shape.count - 2], columns = shape[shape.count - 1]
    let batch = values.count / Swift.max(rows * columns, 1)
    var stored = [Double](repeating: 0, count: values.count)
    for b in 0..<batch {
      for i in 0..<rows {
        for j in 0..<columns { stored[b * rows * columns + j * rows + i] = values[b * rows * columns + i * columns + j] }
      }
    }
    var storedShape = shape
    storedShape.swapAt(shape.count - 2, shape.count - 1)
    let t = Tensor(stored, shape: storedShape, on: device).transposed()
    precondition(!t.isContiguous || rows == 1 || columns == 1)
    return t
  case .sliced:
    guard let last = shape.last else { return Tensor(values, shape: shape, on: device) }
    // Interleave with junk along the last axis and take every second element, at offset 1.
    var wide: [Double] = []
    wide.reserveCapacity(values.count * 2 + 2)
    let outer = values.count / Swift.max(last, 1)
    for o in 0..<outer {
      wide.append(-999)
      for j in 0..<last { wide.append(values[o * last + j]); wide.append(777) }
      wide.append(555)
    }
    var wideShape = shape
    wideShape[shape.count - 1] = 2 * last + 2
    return Tensor(wide, shape: wideShape, on: device)[.ellipsis, .stride(1, 2 * last + 1, by: 2)]
  }
}

/// Checks `f`'s gradients against central differences in Float64 and returns the worst relative error.
///
/// The scalar checked is `Σ f(x)·w` with fixed pseudo-random weights `w`, so every output element
/// matters. Relative error is `|analytic − numeric| / max(1, |analytic|, |numeric|)`. The inputs
/// live on `device`.
@discardableResult
public func checkGradients(
  _ name: String, shapes: [[Int]], range: ClosedRange<Double>, layout: InputLayout = .contiguous,
  on device: Device = .cpu, tolerance: Double = 1e-6, step: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ f: @escaping ([Tensor]) -> Tensor
) -> Double {
  let values = shapes.enumerated().map { i, shape in
    testValues(shape.reduce(1, *), in: range, seed: UInt64(i + 1) * 7919)
  }
  return checkGradients(
    name, values: values, shapes: shapes, layout: layout, device: device, tolerance: tolerance,
    step: step, sourceLocation: sourceLocation, f)
}

/// The check itself, at the row-major `values` of each input.
private func checkGradients(
  _ name: String, values: [[Double]], shapes: [[Int]], layout: InputLayout, device: Device,
  tolerance: Double, step: Double, sourceLocation: SourceLocation,
  _ f: @escaping ([Tensor]) -> Tensor
) -> Double {
  let probe = withoutGradients {
    f(values.indices.map { Tensor(values[$0], shape: shapes[$0], on: device) })
  }
  let weights = Tensor(
    testValues(probe.count, in: 0.5...1.5, seed: 4242), shape: probe.shape, on: device)
  func loss(_ inputs: [[Double]]) -> Double {
    withoutGradients {
      let tensors = inputs.indices.map {
        makeInput(inputs[$0], shape: shapes[$0], layout: layout, on: device)
      }
      return (f(tensors).cast(to: .float64) * weights).sum().item
    }
  }
  // Analytic.
  let inputs = values.indices.map {
    makeInput(values[$0], shape: shapes[$0], layout: layout, on: device).requiringGradient()
  }
  let output = f(inputs)
  #expect(output.dtype == .float64, "\(name): output dtype \(output.dtype)", sourceLocation: sourceLocation)
  let grads = (output * weights).sum().backward()
  var worst = 0.0
  for (index, input) in inputs.enumerated() {
    let analytic = grads[input]?.doubles ?? [Double](repeating: 0, count: values[index].count)
    #expect(analytic.count == values[index].count, "\(name): gradient \(index) has \(analytic.count) elements",
            sourceLocation: sourceLocation)
    guard analytic.count == values[index].count else { return .infinity }
    for element in values[index].indices {
      var plus = values, minus = values
      plus[index][element] += step
      minus[index][element] -= step
      let numeric = (loss(plus) - loss(minus)) / (2 * step)
      let error = Swift.abs(analytic[element] - numeric) / Swift.max(1, Swift.abs(analytic[element]), Swift.abs(numeric))
      worst = Swift.max(worst, error)
    }
  }
  #expect(worst <= tolerance, "\(name) [\(layout)]: gradient relative error \(worst)", sourceLocation: sourceLocation)
  return worst
}

/// `#expect` that two arrays match elementwise within `tolerance` (absolute + relative).
/// NaN matches only NaN, and an infinity only the same infinity.
public func expectClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-9, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
          sourceLocation: sourceLocation)
  for (a, e) in zip(actual, expected) where !(a.isNaN && e.isNaN) && a != e {
    if !a.isFinite || !e.isFinite || Swift.abs(a - e) > tolerance * Swift.max(1, Swift.abs(e)) {
      Issue.record("\(what): got \(actual), expected \(expected)", sourceLocation: sourceLocation)
      return
    }
  }
}

/// Checks `f`'s gradients at the given float64 `inputs` (contiguous) against central differences;
/// see the shape-based `checkGradients` for the method.
@discardableResult
public func checkGradients(
  _ name: String, inputs values: [Tensor], tolerance: Double = 1e-6, step: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: @escaping ([Tensor]) -> Tensor
) -> Double {
  checkGradients(
    name, values: values.map(\.doubles), shapes: values.map(\.shape), layout: .contiguous,
    device: values.first?.device ?? .cpu, tolerance: tolerance, step: step,
    sourceLocation: sourceLocation, f)
}
