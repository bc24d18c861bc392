import EmberBackend
import EmberTestSupport
import Testing

@testable import EmberCore

/// An op at an edge where Ember once differed from PyTorch, or might: inexact float division,
/// NaN and infinity, empty axes, integer and bool dtypes, large logits, kinks and ties.
///
/// Inputs (with their dtypes), PyTorch's output (dtype, shape, values) and, for some, gradients
/// come from Tests/Fixtures/op_fixtures.json under the case's name. Float32 cases compare with
/// PyTorch's float64 result on the same values, within `tolerance` (absolute + relative).
struct EdgeCase: Sendable, CustomTestStringConvertible {
  let name: String
  let tolerance: Double
  let op: @Sendable (_ inputs: [Tensor], _ device: Device) -> Tensor

  init(_ name: String, tolerance: Double = 1e-12,
       _ op: @escaping @Sendable (_ inputs: [Tensor], _ device: Device) -> Tensor) {
    (self.name, self.tolerance, self.op) = (name, tolerance, op)
  }

  /// A case of one input tensor.
  init(_ name: String, tolerance: Double = 1e-12, unary op: @escaping @Sendable (Tensor) -> Tensor) {
    self.init(name, tolerance: tolerance) { x, _ in op(x[0]) }
  }

  var testDescription: String { name }
}

/// Float32 against the exact answer: PyTorch's float32 stays within 3e-7 of float64 for
/// log-softmax at logits near 1e4 (the fixture's `float32Error`); Ember must too.
let float32Tolerance = 5e-7

let edgeCases: [EdgeCase] = [
  // Floor division and remainder: floor of the exact quotient (1.0 // 0.1 is 9), signs, zero and
  // infinite divisors, NaN.
  EdgeCase("floorDivide float64") { x, _ in x[0].floorDivided(by: x[1]) },
  EdgeCase("floorDivide float32") { x, _ in x[0].floorDivided(by: x[1]) },
  EdgeCase("remainder float64") { x, _ in x[0].remainder(x[1]) },
  EdgeCase("remainder float32") { x, _ in x[0].remainder(x[1]) },
  EdgeCase("floorDivide int64") { x, _ in x[0].floorDivided(by: x[1]) },
  EdgeCase("remainder int64") { x, _ in x[0].remainder(x[1]) },
  EdgeCase("div int64") { x, _ in x[0] / x[1] },
  // sign of NaN is 0; rounding of integers keeps the dtype.
  EdgeCase("sign float64", unary: { $0.sign() }),
  EdgeCase("sign int64", unary: { $0.sign() }),
  EdgeCase("round half even", unary: { $0.rounded() }),
  EdgeCase("floor int64", unary: { $0.floor() }),
  EdgeCase("floor int32", unary: { $0.floor() }),
  EdgeCase("ceil int64", unary: { $0.ceil() }),
  EdgeCase("ceil int32", unary: { $0.ceil() }),
  EdgeCase("round int64", unary: { $0.rounded() }),
  EdgeCase("round int32", unary: { $0.rounded() }),
  EdgeCase("relu int64", unary: { $0.relu() }),
  EdgeCase("relu int32", unary: { $0.relu() }),
  EdgeCase("abs int64", unary: { $0.abs() }),
  EdgeCase("abs int32", unary: { $0.abs() }),
  EdgeCase("neg int64", unary: { -$0 }),
  EdgeCase("neg int32", unary: { -$0 }),
  EdgeCase("square int64", unary: { $0.squared() }),
  EdgeCase("square int32", unary: { $0.squared() }),
  EdgeCase("clamp int64", unary: { $0.clamped(min: -1, max: 2) }),
  EdgeCase("clamp int64 fractional bound", unary: { $0.clamped(min: 0.5) }),
  // NaN and infinity.
  EdgeCase("relu specials", unary: { $0.relu() }),
  EdgeCase("clamp specials", unary: { $0.clamped(min: -1, max: 1) }),
  EdgeCase("maximum specials") { x, _ in x[0].maximum(x[1]) },
  EdgeCase("minimum specials") { x, _ in x[0].minimum(x[1]) },
  EdgeCase("max NaN", unary: { $0.max() }),
  EdgeCase("min NaN", unary: { $0.min() }),
  EdgeCase("max axis NaN", unary: { $0.max(axis: 1) }),
  EdgeCase("max infinities", unary: { $0.max(axis: 1) }),
  EdgeCase("argmax NaN", unary: { $0.argmax(axis: 1) }),
  EdgeCase("argmin NaN", unary: { $0.argmin(axis: 1) }),
  EdgeCase("sum infinities", unary: { $0.sum(axis: 1) }),
  EdgeCase("softmax specials", unary: { $0.softmax(axis: 1) }),
  EdgeCase("logSoftmax specials", unary: { $0.logSoftmax(axis: 1) }),
  EdgeCase("logSumExp specials", unary: { $0.logSumExp(axis: 1) }),
  // Empty axes.
  EdgeCase("logSumExp empty axis", unary: { $0.logSumExp(axis: 1) }),
  EdgeCase("logSumExp empty axis keepDims", unary: { $0.logSumExp(axis: 0, keepDims: true) }),
  EdgeCase("sum empty axis", unary: { $0.sum(axis: 1) }),
  EdgeCase("prod empty axis", unary: { $0.prod(axes: [1]) }),
  // Integer and bool reductions: sums promote to int64; max/min of bool stay bool.
  EdgeCase("sum bool", unary: { $0.sum() }),
  EdgeCase("sum axis bool", unary: { $0.sum(axis: 0) }),
  EdgeCase("sum int32", unary: { $0.sum() }),
  EdgeCase("prod int32", unary: { $0.prod() }),
  EdgeCase("cumsum int32", unary: { $0.cumsum(axis: 0) }),
  EdgeCase("cumsum bool", unary: { $0.cumsum(axis: 1) }),
  EdgeCase("max bool", unary: { $0.max() }),
  EdgeCase("min bool", unary: { $0.min() }),
  EdgeCase("max axis bool", unary: { $0.max(axis: 1) }),
  EdgeCase("min axis bool", unary: { $0.min(axis: 0) }),
  EdgeCase("max int32", unary: { $0.max() }),
  // Python-like scalars with bool and integer tensors.
  EdgeCase("bool plus int scalar", unary: { $0 + 1 }),
  EdgeCase("bool times fractional scalar", unary: { $0 * 2.5 }),
  EdgeCase("bool clamp", unary: { $0.clamped(min: 0, max: 1) }),
  EdgeCase("int64 times fractional scalar", unary: { $0 * 0.5 }),
  EdgeCase("int32 plus int scalar", unary: { $0 + 3 }),
  EdgeCase("int32 floorDivide scalar", unary: { $0.floorDivided(by: $0.scalarLike(2)) }),
  EdgeCase("int64 div scalar", unary: { $0 / 2 }),
  EdgeCase("maximum int64 float64") { x, _ in x[0].maximum(x[1]) },
  // Means and variances at the edges.
  EdgeCase("mean empty", unary: { $0.mean() }),
  EdgeCase("variance single element", unary: { $0.variance(axes: [1]) }),
  EdgeCase("argmax ties", unary: { $0.argmax(axis: 1) }),
  // arange's dtype follows start, end and step.
  EdgeCase("arange 0 5.5") { _, device in Tensor.arange(0, 5.5, on: device) },
  EdgeCase("arange 0 5") { _, device in Tensor.arange(0, 5, on: device) },
  EdgeCase("arange 0 2 step 0.5") { _, device in Tensor.arange(0, 2, step: 0.5, on: device) },
  EdgeCase("arange 5 0 step -1.5") { _, device in Tensor.arange(5, 0, step: -1.5, on: device) },
  EdgeCase("arange 1 10 step 3") { _, device in Tensor.arange(1, 10, step: 3, on: device) },
  // Gradients at kinks and ties.
  EdgeCase("elu at zero", unary: { $0.elu(alpha: 1.5) }),
  EdgeCase("leakyRelu at zero", unary: { $0.leakyRelu(negativeSlope: 0.1) }),
  EdgeCase("relu at zero", unary: { $0.relu() }),
  EdgeCase("abs at zero", unary: { $0.abs() }),
  EdgeCase("clamp at bounds", unary: { $0.clamped(min: -1, max: 1) }),
  EdgeCase("maximum tie") { x, _ in x[0].maximum(x[1]) },
  EdgeCase("max all ties", unary: { $0.max() }),
  // Large logits: nothing of the size of the maximum is rounded.
  EdgeCase("logSoftmax large logits float32", tolerance: float32Tolerance, unary: { $0.logSoftmax() }),
  EdgeCase("logSoftmax large logits axis 0 float32", tolerance: float32Tolerance,
           unary: { $0.logSoftmax(axis: 0) }),
  EdgeCase("softmax large logits float32", tolerance: float32Tolerance, unary: { $0.softmax() }),
  EdgeCase("logSumExp large logits float32", tolerance: float32Tolerance,
           unary: { $0.logSumExp(axis: 1) }),
  EdgeCase("logSoftmax large logits float64", unary: { $0.logSoftmax() }),
  // Long float32 running sums, rounded once (PyTorch's CPU kernel sums in double).
  EdgeCase("cumsum long float32", tolerance: 1e-7, unary: { $0.cumsum(axis: 1) }),
  EdgeCase("cumsum long axis 0 float32", tolerance: 1e-7, unary: { $0.cumsum(axis: 0) }),
]

@Suite struct OpEdgeCaseTests {
  @Test(arguments: edgeCases, testDevices)
  func matchesPyTorch(_ c: EdgeCase, _ device: Device) throws {
    let fixture = try #require(OpFixture.shared.edgeCases[c.name], "\(c.name): no PyTorch reference")
    let inputs = fixture.inputs.enumerated().map { i, input in
      let x = input.tensor(on: device)
      return fixture.gradients?[i] == nil ? x : x.requiringGradient()
    }
    let out = c.op(inputs, device)
    #expect(out.device == device, "\(c.name): output on \(out.device), inputs on \(device)")
    expectMatches(out, fixture.output, tolerance: c.tolerance, c.name)
    expectGradientsMatch(out, inputs: inputs, fixture, tolerance: c.tolerance, c.name)
  }

  /// Every core edge case of the fixture has a row here (the `nn.` ones are EmberNNTests').
  @Test func fixtureCoversTheTable() {
    let core = OpFixture.shared.edgeCases.keys.filter { !$0.hasPrefix("nn.") }
    #expect(Set(core) == Set(edgeCases.map(\.name)))
    #expect(edgeCases.count == Set(edgeCases.map(\.name)).count, "edge case names must be unique")
  }

  /// Integer floor division by zero traps naming the op, where PyTorch raises ZeroDivisionError
  /// (float division by zero gives ±∞ or NaN in both, see the fixture).
  @Test func integerFloorDivisionByZeroTraps() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor([7, -7] as [Int64]).floorDivided(by: Tensor([2, 0] as [Int64]))
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("floorDiv: integer division by zero"), "\(message)")
    }
  }

  /// Integer remainder by zero traps naming the op, where PyTorch raises ZeroDivisionError.
  @Test func integerRemainderByZeroTraps() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor([7, -7] as [Int64]).remainder(Tensor([2, 0] as [Int64]))
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("remainder: integer division by zero"), "\(message)")
    }
  }

  /// PyTorch's float32 log-softmax is this accurate at logits near 1e4, so the bar is not loose.
  @Test func float32ToleranceIsPyTorchs() throws {
    let fixture = try #require(OpFixture.shared.edgeCases["logSoftmax large logits float32"])
    let error = try #require(fixture.float32Error)
    #expect(error <= 3e-7 && error <= float32Tolerance)
  }
}
