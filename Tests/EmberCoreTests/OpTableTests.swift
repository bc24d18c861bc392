import EmberBackend
import Foundation
import EmberTestSupport
import Testing

@testable import EmberCore

/// One differentiable op: its inputs' shapes, a safe input range (away from kinks and poles),
/// the op, and optionally reference values computed elementwise in Double.
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
  OpCase("permute", [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) * Tensor(testValues(24, in: 0...1, seed: 5), shape: [4, 2, 3]).cast(to: $0[0].dtype) },
  OpCase("transpose", [[3, 4]]) { $0[0].transposed().matmul($0[0]) },
  OpCase("expand", [[3, 1]]) { $0[0].expanded(to: [2, 3, 4]) * Tensor(testValues(24, in: 0...1, seed: 6), shape: [2, 3, 4]).cast(to: $0[0].dtype) },
  OpCase("unsqueeze squeeze", [[3, 4]]) { $0[0].unsqueezed(axis: 1).squeezed().unsqueezed(axis: -1) },
  OpCase("flatten", [[2, 3, 4]]) { $0[0].flattened(startAxis: 1) },
  OpCase("slice", [[4, 5]]) { $0[0][1..<3, .stride(0, nil, by: 2)] * 2 },
  OpCase("slice negative", [[4, 5]]) { $0[0][-1] + $0[0][(-3)...].sum(axis: 0) },
  OpCase("contiguous", [[3, 4]]) { $0[0].transposed().contiguous() },
]

@Suite struct OpTableTests {
  @Test(arguments: opCases)
  func referenceValues(_ c: OpCase) {
    guard let reference = c.reference else { return }
    let values = c.shapes.enumerated().map { i, shape in
      testValues(shape.reduce(1, *), in: c.range, seed: UInt64(i + 1) * 7919)
    }
    let out = c.op(values.indices.map { Tensor(values[$0], shape: c.shapes[$0]) })
    expectClose(out.doubles, reference(values), tolerance: 1e-12, c.name)
  }

  @Test(arguments: opCases, InputLayout.allCases)
  func gradient(_ c: OpCase, _ layout: InputLayout) {
    checkGradients(c.name, shapes: c.shapes, range: c.range, layout: layout, c.op)
  }

  @Test(arguments: opCases)
  func float32MatchesFloat64(_ c: OpCase) {
    let values = c.shapes.enumerated().map { i, shape in
      testValues(shape.reduce(1, *), in: c.range, seed: UInt64(i + 1) * 7919)
    }
    let exact = c.op(values.indices.map { Tensor(values[$0], shape: c.shapes[$0]) }).doubles
    let single = c.op(values.indices.map { Tensor(values[$0], shape: c.shapes[$0]).cast(to: .float32) })
    #expect(single.dtype == .float32, "\(c.name): float32 inputs gave \(single.dtype)")
    expectClose(single.doubles, exact, tolerance: 1e-4, "\(c.name) float32")
  }
}
