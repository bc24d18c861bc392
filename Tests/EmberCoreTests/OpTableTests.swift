import EmberBackend
import Foundation
import EmberTestSupport
import Testing

@testable import EmberCore

/// One differentiable op: its inputs' shapes, a safe input range (away from kinks and poles),
/// the op, and optionally reference values computed elementwise in Double.
///
/// Every case also has PyTorch's float64 values and gradients in Tests/Fixtures/op_fixtures.json,
/// under its name (Tests/Fixtures/make_op_fixtures.py writes them; add a case there too).
struct OpCase: Sendable, CustomTestStringConvertible {
  let name: String
  let shapes: [[Int]]
  let range: ClosedRange<Double>
  let reference: (@Sendable ([[Double]]) -> [Double])?
  let op: @Sendable ([Tensor]) -> Tensor

  init(_ name: String, _ shapes: [[Int]], _ range: ClosedRange<Double> = -2...2,
       reference: (@Sendable ([[Double]]) -> [Double])? = nil, _ op: @escaping @Sendable ([Tensor]) -> Tensor) {
    self.name = name; self.shapes = shapes; self.range = range; self.reference = reference; self.op = op
  }

  var testDescription: String { name }

  /// A unary elementwise case with its scalar reference.
  static func unary(_ name: String, _ range: ClosedRange<Double> = -2...2, ref scalar: @escaping @Sendable (Double) -> Double,
                    _ op: @escaping @Sendable (Tensor) -> Tensor) -> OpCase {
    OpCase(name, [[3, 4]], range, reference: { $0[0].map(scalar) }) { op($0[0]) }
  }

  /// A binary elementwise case (same shapes) with its scalar reference.
  static func binary(_ name: String, _ range: ClosedRange<Double> = -2...2, ref scalar: @escaping @Sendable (Double, Double) -> Double,
                     _ op: @escaping @Sendable (Tensor, Tensor) -> Tensor) -> OpCase {
    OpCase(name, [[3, 4], [3, 4]], range, reference: { zip($0[0], $0[1]).map(scalar) }) { op($0[0], $0[1]) }
  }
}

func sigmoidRef(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

let opCases: [OpCase] = [
  // Arithmetic, same shape and broadcast.
  .binary("add", ref: { $0 + $1 }) { $0 + $1 },
  .binary("sub", ref: { $0 - $1 }) { $0 - $1 },
  .binary("mul", ref: { $0 * $1 }) { $0 * $1 },
  .binary("div", 0.5...2, ref: { $0 / $1 }) { $0 / $1 },
  .binary("pow", 0.5...2, ref: { Foundation.pow($0, $1) }) { $0.pow($1) },
  .binary("maximum", ref: { Swift.max($0, $1) }) { $0.maximum($1) },
  .binary("minimum", ref: { Swift.min($0, $1) }) { $0.minimum($1) },
  OpCase("add broadcast row", [[3, 4], [4]]) { $0[0] + $0[1] },
  OpCase("mul broadcast both", [[2, 1, 3], [4, 1]]) { $0[0] * $0[1] },
  OpCase("sub broadcast column", [[3, 1], [3, 4]]) { $0[0] - $0[1] },
  OpCase("div broadcast", [[3, 4], [1, 4]], 0.5...2) { $0[0] / $0[1] },
  OpCase("scalar ops", [[3, 4]]) { ($0[0] * 3 + 1) / 2 - 0.5 },
  OpCase("pow scalar", [[3, 4]], 0.5...2) { $0[0].pow(3) },
  OpCase("where", [[3, 4], [3, 4]]) { Tensor.where($0[0].greater($0[1]), $0[0] * 2, $0[1] * 3) },
  OpCase("clamp", [[3, 4]], reference: { $0[0].map { Swift.min(Swift.max($0, -1.05), 1.05) } }) {
    $0[0].clamped(min: -1.05, max: 1.05)
  },
  // Unary math.
  .unary("neg", ref: { -$0 }) { -$0 },
  .unary("sqrt", 0.5...3, ref: { $0.squareRoot() }) { $0.sqrt() },
  .unary("rsqrt", 0.5...3, ref: { 1 / $0.squareRoot() }) { $0.rsqrt() },
  .unary("exp", ref: { Foundation.exp($0) }) { $0.exp() },
  .unary("expm1", ref: { Foundation.expm1($0) }) { $0.expm1() },
  .unary("log", 0.5...3, ref: { Foundation.log($0) }) { $0.log() },
  .unary("log1p", -0.5...2, ref: { Foundation.log1p($0) }) { $0.log1p() },
  .unary("sin", ref: { Foundation.sin($0) }) { $0.sin() },
  .unary("cos", ref: { Foundation.cos($0) }) { $0.cos() },
  .unary("reciprocal", 0.5...2, ref: { 1 / $0 }) { $0.reciprocal() },
  .unary("erf", ref: { Foundation.erf($0) }) { $0.erf() },
  .unary("square", ref: { $0 * $0 }) { $0.squared() },
  .unary("abs", 0.1...2, ref: { -Swift.abs(-$0) }) { (-$0).abs() * -1 },
  // Activations.
  .unary("relu", 0.1...2, ref: { Swift.max($0, 0) }) { $0.relu() },
  .unary("relu negative", -2...(-0.1), ref: { Swift.max($0, 0) }) { $0.relu() },
  .unary("leakyRelu", ref: { $0 > 0 ? $0 : 0.1 * $0 }) { $0.leakyRelu(negativeSlope: 0.1) },
  .unary("elu", ref: { $0 > 0 ? $0 : 1.5 * Foundation.expm1($0) }) { $0.elu(alpha: 1.5) },
  .unary("gelu", ref: { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }) { $0.gelu() },
  .unary("gelu tanh", ref: { x in 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) }) {
    $0.gelu(approximate: true)
  },
  .unary("sigmoid", -6...6, ref: { sigmoidRef($0) }) { $0.sigmoid() },
  .unary("tanh", ref: { Foundation.tanh($0) }) { $0.tanh() },
  .unary("softplus", -6...6, ref: { Foundation.log1p(Foundation.exp($0)) }) { $0.softplus() },
  .unary("silu", ref: { $0 * sigmoidRef($0) }) { $0.silu() },
  OpCase("dropout", [[3, 4]]) { $0[0].dropout(probability: 0.4, position: PhiloxPosition(key: 99)) },
  OpCase("softmax", [[3, 4]]) { $0[0].softmax() },
  OpCase("softmax axis 0", [[3, 4]]) { $0[0].softmax(axis: 0) },
  OpCase("logSoftmax", [[3, 4]]) { $0[0].logSoftmax() },
  OpCase("logSoftmax axis 0", [[2, 3, 4]]) { $0[0].logSoftmax(axis: 1) },
  // Reductions.
  OpCase("sum all", [[3, 4]], reference: { [$0[0].reduce(0, +)] }) { $0[0].sum() },
  OpCase("sum axis", [[2, 3, 4]]) { $0[0].sum(axis: 1) },
  OpCase("sum axes keepDims", [[2, 3, 4]]) { $0[0].sum(axes: [0, 2], keepDims: true) },
  OpCase("mean", [[3, 4]], reference: { [$0[0].reduce(0, +) / 12] }) { $0[0].mean() },
  OpCase("mean axis", [[3, 4]]) { $0[0].mean(axis: -1) },
  OpCase("variance", [[3, 4]]) { $0[0].variance(axes: [1]) },
  OpCase("standardDeviation", [[3, 4]]) { $0[0].standardDeviation() },
  OpCase("max axis", [[3, 4]]) { $0[0].max(axis: 1) },
  OpCase("min all", [[3, 4]]) { $0[0].min() },
  OpCase("prod", [[3, 4]], 0.5...1.5, reference: { [$0[0].reduce(1, *)] }) { $0[0].prod() },
  OpCase("prod axis", [[3, 4]], 0.5...1.5) { $0[0].prod(axes: [0]) },
  OpCase("logSumExp", [[3, 4]]) { $0[0].logSumExp(axis: 1) },
  // Linear algebra.
  OpCase("matmul 2D", [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
  OpCase("matmul batched broadcast", [[2, 3, 4], [4, 2]]) { $0[0].matmul($0[1]) },
  OpCase("matmul batch both", [[2, 1, 3, 4], [3, 4, 2]]) { $0[0].matmul($0[1]) },
  OpCase("matmul vector-matrix", [[4], [4, 3]]) { $0[0].matmul($0[1]) },
  OpCase("matmul matrix-vector", [[3, 4], [4]]) { $0[0].matmul($0[1]) },
  OpCase("matmul dot", [[5], [5]]) { $0[0].matmul($0[1]) },
  // Movement.
  OpCase("reshape", [[3, 4]]) { $0[0].reshaped([2, -1]) * $0[0].reshaped([2, 6]) },
  OpCase("permute", [[2, 3, 4]]) {
    $0[0].permuted([2, 0, 1]) * constant([4, 2, 3], seed: 5, like: $0[0])
  },
  OpCase("transpose", [[3, 4]]) { $0[0].transposed().matmul($0[0]) },
  OpCase("expand", [[3, 1]]) { $0[0].expanded(to: [2, 3, 4]) * constant([2, 3, 4], seed: 6, like: $0[0]) },
  OpCase("unsqueeze squeeze", [[3, 4]]) { $0[0].unsqueezed(axis: 1).squeezed().unsqueezed(axis: -1) },
  OpCase("flatten", [[2, 3, 4]]) { $0[0].flattened(startAxis: 1) },
  OpCase("slice", [[4, 5]]) { $0[0][1..<3, .stride(0, nil, by: 2)] * 2 },
  OpCase("slice negative", [[4, 5]]) { $0[0][-1] + $0[0][(-3)...].sum(axis: 0) },
  OpCase("contiguous", [[3, 4]]) { $0[0].transposed().contiguous() },
]

/// `testValues` in `0...1` as a tensor of `shape`, with `like`'s dtype and device.
func constant(_ shape: [Int], seed: UInt64, like other: Tensor) -> Tensor {
  Tensor(testValues(shape.reduce(1, *), in: 0...1, seed: seed), shape: shape, on: other.device)
    .cast(to: other.dtype)
}

/// A device and an input layout: the second argument of the parameterized gradient check.
struct DeviceLayout: Sendable, CustomTestStringConvertible {
  let device: Device
  let layout: InputLayout
  var testDescription: String { "\(device) \(layout)" }

  static var all: [DeviceLayout] {
    testDevices.flatMap { device in InputLayout.allCases.map { DeviceLayout(device: device, layout: $0) } }
  }
}

/// The float64 inputs of a case, as the gradient check draws them.
func inputValues(_ c: OpCase) -> [[Double]] {
  c.shapes.enumerated().map { i, shape in
    testValues(shape.reduce(1, *), in: c.range, seed: UInt64(i + 1) * 7919)
  }
}

/// Every case runs on every device of `Backends.available`: inputs are made there, results read back.
@Suite struct OpTableTests {
  @Test(arguments: opCases, testDevices)
  func referenceValues(_ c: OpCase, _ device: Device) {
    guard let reference = c.reference else { return }
    let values = inputValues(c)
    let out = c.op(values.indices.map { Tensor(values[$0], shape: c.shapes[$0], on: device) })
    #expect(out.device == device, "\(c.name): output on \(out.device), inputs on \(device)")
    expectClose(out.doubles, reference(values), tolerance: 1e-12, c.name)
  }

  /// Values and gradients against PyTorch (float64), from the committed fixture.
  @Test(arguments: opCases, testDevices)
  func matchesPyTorch(_ c: OpCase, _ device: Device) throws {
    let fixture = try #require(OpFixture.shared.opTable[c.name], "\(c.name): no PyTorch reference")
    #expect(fixture.inputs.map(\.shape) == c.shapes, "\(c.name): fixture shapes are stale")
    #expect(fixture.inputs.map(\.values) == inputValues(c), "\(c.name): fixture inputs are stale")
    let inputs = fixture.inputs.map { $0.tensor(on: device).requiringGradient() }
    let out = c.op(inputs)
    #expect(out.device == device, "\(c.name): output on \(out.device), inputs on \(device)")
    expectMatches(out, fixture.output, tolerance: 1e-12, c.name)
    #expect(fixture.gradients?.count == inputs.count, "\(c.name): fixture has no gradients")
    expectGradientsMatch(out, inputs: inputs, fixture, tolerance: 1e-12, c.name)
  }

  /// The fixture and the table name the same cases.
  @Test func fixtureCoversTheTable() {
    #expect(Set(OpFixture.shared.opTable.keys) == Set(opCases.map(\.name)))
    #expect(opCases.count == Set(opCases.map(\.name)).count, "op case names must be unique")
  }

  @Test(arguments: opCases, DeviceLayout.all)
  func gradient(_ c: OpCase, _ placement: DeviceLayout) {
    checkGradients(c.name, shapes: c.shapes, range: c.range, layout: placement.layout,
                   on: placement.device, c.op)
  }

  @Test(arguments: opCases, testDevices)
  func float32MatchesFloat64(_ c: OpCase, _ device: Device) {
    let values = inputValues(c)
    let exact = c.op(values.indices.map { Tensor(values[$0], shape: c.shapes[$0], on: device) }).doubles
    let single = c.op(values.indices.map {
      Tensor(values[$0], shape: c.shapes[$0], on: device).cast(to: .float32)
    })
    #expect(single.dtype == .float32, "\(c.name): float32 inputs gave \(single.dtype)")
    expectClose(single.doubles, exact, tolerance: 1e-4, "\(c.name) float32")
  }
}
