import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

/// `lstmSequence` and `gruSequence` against their oracle, the per-step `addmm` + `lstmCell`/
/// `gruCell` loop: values and gradients of every input, both directions, with and without a state
/// mask; Float64 gradient checks; and gradients of gradients through the replay.
@Suite struct RecurrentSequenceTests {
  static func lstmSteps(_ x: Tensor, _ w: Tensor, _ h0: Tensor, _ c0: Tensor, mask: Tensor?, reverse: Bool) -> [Tensor] {
    var (h, c) = (h0, c0)
    var outputs = [Tensor?](repeating: nil, count: x.shape[0])
    for t in reverse ? Array((0..<x.shape[0]).reversed()) : Array(0..<x.shape[0]) {
      let next = Tensor.lstmCell(gates: Tensor.addmm(x[t], mask.map { h * $0 } ?? h, w.transposed()), cell: c)
      (h, c) = (next.h, next.c)
      outputs[t] = h
    }
    return [Tensor.stack(outputs.map { $0! }), h, c]
  }

  static func gruSteps(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ h0: Tensor, mask: Tensor?, reverse: Bool) -> [Tensor] {
    var h = h0
    var outputs = [Tensor?](repeating: nil, count: x.shape[0])
    for t in reverse ? Array((0..<x.shape[0]).reversed()) : Array(0..<x.shape[0]) {
      h = Tensor.gruCell(inputGates: x[t], hiddenGates: Tensor.addmm(b, mask.map { h * $0 } ?? h, w.transposed()), state: h)
      outputs[t] = h
    }
    return [Tensor.stack(outputs.map { $0! }), h]
  }

  /// A loss that weighs every output differently.
  static func loss(_ results: [Tensor], _ weights: [Tensor]) -> Tensor {
    zip(results, weights).map { ($0 * $1).sum() }.reduce(Tensor(0, dtype: .float64), +)
  }

  @Test(arguments: [false, true], [false, true])
  func lstmMatchesTheSteps(reverse: Bool, masked: Bool) {
    let (T, B, H) = (5, 3, 4)
    let inputs = [Tensor.normal([T, B, 4 * H], dtype: .float64), Tensor.normal([4 * H, H], dtype: .float64) * 0.5,
                  Tensor.normal([B, H], dtype: .float64), Tensor.normal([B, H], dtype: .float64)].map { $0.requiringGradient() }
    let mask = masked ? Tensor.bernoulli([B, H], probability: 0.5, dtype: .float64) * 2 : nil
    let weights = [Tensor.normal([T, B, H], dtype: .float64), Tensor.normal([B, H], dtype: .float64), Tensor.normal([B, H], dtype: .float64)]
    let fused = Tensor.lstmSequence(projections: inputs[0], hiddenWeight: inputs[1], h0: inputs[2], c0: inputs[3],
                                    stateMask: mask, reverse: reverse)
    let oracle = Self.lstmSteps(inputs[0], inputs[1], inputs[2], inputs[3], mask: mask, reverse: reverse)
    for (a, b) in zip([fused.outputs, fused.h, fused.c], oracle) { expectClose(a.doubles, b.doubles, tolerance: 1e-12) }
    let g = Self.loss([fused.outputs, fused.h, fused.c], weights).backward()
    let expected = Self.loss(oracle, weights).backward()
    for (index, input) in inputs.enumerated() {
      expectClose(g[input]!.doubles, expected[input]!.doubles, tolerance: 1e-11, "input \(index)")
    }
  }

  @Test(arguments: [false, true], [false, true])
  func gruMatchesTheSteps(reverse: Bool, masked: Bool) {
    let (T, B, H) = (5, 3, 4)
    let inputs = [Tensor.normal([T, B, 3 * H], dtype: .float64), Tensor.normal([3 * H, H], dtype: .float64) * 0.5,
                  Tensor.normal([3 * H], dtype: .float64), Tensor.normal([B, H], dtype: .float64)].map { $0.requiringGradient() }
    let mask = masked ? Tensor.bernoulli([B, H], probability: 0.5, dtype: .float64) * 2 : nil
    let weights = [Tensor.normal([T, B, H], dtype: .float64), Tensor.normal([B, H], dtype: .float64)]
    let fused = Tensor.gruSequence(projections: inputs[0], hiddenWeight: inputs[1], hiddenBias: inputs[2], h0: inputs[3],
                                   stateMask: mask, reverse: reverse)
    let oracle = Self.gruSteps(inputs[0], inputs[1], inputs[2], inputs[3], mask: mask, reverse: reverse)
    for (a, b) in zip([fused.outputs, fused.h], oracle) { expectClose(a.doubles, b.doubles, tolerance: 1e-12) }
    let g = Self.loss([fused.outputs, fused.h], weights).backward()
    let expected = Self.loss(oracle, weights).backward()
    for (index, input) in inputs.enumerated() {
      expectClose(g[input]!.doubles, expected[input]!.doubles, tolerance: 1e-11, "input \(index)")
    }
  }

  @Test func gradientChecks() {
    checkGradients("lstmSequence", shapes: [[3, 2, 8], [8, 2], [2, 2], [2, 2]], range: -1...1) { t in
      let r = Tensor.lstmSequence(projections: t[0], hiddenWeight: t[1], h0: t[2], c0: t[3], reverse: true)
      return Tensor.concat([r.outputs.flattened(), r.c.flattened()])
    }
    checkGradients("gruSequence", shapes: [[3, 2, 6], [6, 2], [6], [2, 2]], range: -1...1) { t in
      let r = Tensor.gruSequence(projections: t[0], hiddenWeight: t[1], hiddenBias: t[2], h0: t[3])
      return Tensor.concat([r.outputs.flattened(), r.h.flattened()])
    }
  }

  /// Recording the backward replays the steps, so the gradient differentiates again as the steps do.
  @Test func secondDerivativesMatchTheSteps() {
    let x = Tensor.normal([3, 2, 8], dtype: .float64).requiringGradient()
    let w = (Tensor.normal([8, 2], dtype: .float64) * 0.5).requiringGradient()
    let h0 = Tensor.normal([2, 2], dtype: .float64), c0 = Tensor.normal([2, 2], dtype: .float64)
    func secondOrder(_ outputs: Tensor) -> Tensor {
      let dx = outputs.squared().sum().backward(createGraph: true)[x]!
      return dx.squared().sum().backward()[w]!
    }
    let fused = secondOrder(Tensor.lstmSequence(projections: x, hiddenWeight: w, h0: h0, c0: c0).outputs)
    let oracle = secondOrder(Self.lstmSteps(x, w, h0, c0, mask: nil, reverse: false)[0])
    expectClose(fused.doubles, oracle.doubles, tolerance: 1e-11)
  }
}
