import EmberBackend
import Foundation
import EmberTestSupport
import Testing

@testable import EmberCore

@Suite struct AutogradTests {
  @Test func twoPathsAddUp() {
    // y = x·x + 3x reaches x along three edges: dy/dx = 2x + 3.
    let x = Tensor([1.0, -2.0, 0.5]).requiringGradient()
    let y = (x * x + x * 3).sum()
    expectClose(y.backward()[x]!.doubles, [5, -1, 4])
  }

  @Test func sharedSubexpression() {
    // h = exp(x) is used twice: z = h·h = exp(2x) → dz/dx = 2·exp(2x).
    let x = Tensor([0.3, -0.7]).requiringGradient()
    let h = x.exp()
    let z = (h * h).sum()
    expectClose(z.backward()[x]!.doubles, [0.3, -0.7].map { 2 * Foundation.exp(2 * $0) }, tolerance: 1e-12)
  }

  @Test func gradientWithRespectToActivation() {
    let x = Tensor([1.0, 2.0]).requiringGradient()
    let h = (x * 2).requiringGradient()  // an activation marked as a target
    let y = (h * h).sum()
    let grads = y.backward()
    expectClose(grads[h]!.doubles, [4, 8])  // dy/dh = 2h
    expectClose(grads[x]!.doubles, [8, 16])  // and the gradient still reaches x: 2h·2
  }

  @Test func broadcastGradientIsSummed() {
    let bias = Tensor([1.0, 2.0, 3.0]).requiringGradient()
    let x = Tensor([[1.0, 1, 1], [2, 2, 2]])
    let y = (x.cast(to: .float64) + bias).sum()
    expectClose(y.backward()[bias]!.doubles, [2, 2, 2])
  }

  @Test func maximumAndMinimumSplitTiesLikePyTorch() {
    let a = Tensor([1.0, 2.0, 3.0]).requiringGradient(), b = Tensor([1.0, 5.0, 0.0]).requiringGradient()
    let gMax = a.maximum(b).sum().backward()
    expectClose(gMax[a]!.doubles, [0.5, 0, 1])
    expectClose(gMax[b]!.doubles, [0.5, 1, 0])
    let gMin = a.minimum(b).sum().backward()
    expectClose(gMin[a]!.doubles, [0.5, 1, 0])
    expectClose(gMin[b]!.doubles, [0.5, 0, 1])
  }

  @Test func gradientsAccumulate() {
    let w = Tensor([1.0, 2.0]).requiringGradient()
    let g1 = (w * 3).sum().backward()
    let g2 = (w * w).sum().backward()
    let total = g1 + g2
    expectClose(total[w]!.doubles, [5, 7])
    expectClose(total.scaled(by: 0.5)[w]!.doubles, [2.5, 3.5])
  }

  @Test func withoutGradientsRecordsNothing() {
    let x = Tensor([1.0, 2.0]).requiringGradient()
    let y = withoutGradients { x * x }
    #expect(y.gradNode == nil)
    #expect((x * x).gradNode != nil)
    #expect(x.detached().gradNode == nil)
    #expect(!(x.detached() * 2).requiresGradient)
  }

  @Test func secondDerivative() {
    // f = x³: f' = 3x², f'' = 6x.
    let x = Tensor([1.5, -2.0]).requiringGradient()
    let first = (x * x * x).sum().backward(createGraph: true)[x]!
    expectClose(first.doubles, [6.75, 12])
    let second = first.sum().backward()[x]!
    expectClose(second.doubles, [9, -12])
  }

  @Test func secondDerivativeThroughNonlinearities() {
    // f = tanh(x): f'' = −2·tanh(x)·(1 − tanh²(x)).
    let x = Tensor([0.3, -0.8]).requiringGradient()
    let first = x.tanh().sum().backward(createGraph: true)[x]!
    let second = first.sum().backward()[x]!
    expectClose(second.doubles, [0.3, -0.8].map { v in
      let t = Foundation.tanh(v)
      return -2 * t * (1 - t * t)
    }, tolerance: 1e-12)
  }

  @Test func customOp() {
    let x = Tensor([1.0, 2.0, -1.0]).requiringGradient()
    let cube = Tensor.customOp("cube", inputs: [x], forward: { $0[0] * $0[0] * $0[0] }) { inputs, _, g in
      [g * inputs[0] * inputs[0] * 3]
    }
    expectClose(cube.doubles, [1, 8, -1])
    expectClose(cube.sum().backward()[x]!.doubles, [3, 12, 3])
    checkGradients("customOp", shapes: [[2, 3]], range: -2...2) { inputs in
      Tensor.customOp("square", inputs: inputs, forward: { $0[0] * $0[0] }) { inputs, _, g in
        [g * inputs[0] * 2]
      }
    }
  }

  @Test func valueWithGradientFunctional() {
    let (value, grad) = valueWithGradient(at: Tensor([1.0, 2.0])) { ($0 * $0).sum() }
    #expect(value.item == 5)
    expectClose(grad.doubles, [2, 4])
    let (v2, (ga, gb)) = valueWithGradient(at: Tensor([3.0]), Tensor([4.0])) { ($0 * $1).sum() }
    #expect(v2.item == 12)
    expectClose(ga.doubles, [4])
    expectClose(gb.doubles, [3])
  }

  @Test func unreachedInputHasNoGradient() {
    let a = Tensor([1.0]).requiringGradient(), b = Tensor([2.0]).requiringGradient()
    let grads = (a * 2).sum().backward()
    #expect(grads[b] == nil)
    #expect(grads[a] != nil)
  }

  @Test func castGradientFlowsBack() {
    let x = Tensor([1.0, 2.0]).requiringGradient()
    let y = (x.cast(to: .float32) * 3).sum()
    let g = y.backward()[x]!
    #expect(g.dtype == .float64)
    expectClose(g.doubles, [3, 3])
  }

  @Test func deepChainDoesNotOverflowTheStack() {
    var x = Tensor([1.0]).requiringGradient()
    let start = x
    for _ in 0..<20_000 { x = x + 0.0 }
    expectClose(x.sum().backward()[start]!.doubles, [1])
  }
}

@Suite struct ShapeErrorTests {
  @Test func mismatchedAddTrapsNamingOpAndShapes() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("add") && message.contains("[2, 3]") && message.contains("[4]"), "\(message)")
    }
  }

  @Test func mismatchedMatmulTrapsNamingOpAndShapes() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("matmul") && message.contains("[2, 3]") && message.contains("[4, 5]"), "\(message)")
    }
  }
}

@Suite struct GraphReleaseTests {
  @Test func backwardReleasesSavedTensorsAsItGoes() {
    let backend = HostMemoryBackend.named(11)  // counted by this test alone
    func liveBytesAfterBackward(retain: Bool) -> (during: Int, after: Int) {
      withDevice(backend.device) {
        let w = Tensor.ones([256, 256]).requiringGradient()
        var h = w
        for _ in 0..<4 { h = (h.matmul(w) * 0.01).tanh() }
        let loss = h.sum()
        let before = backend.memoryStatistics.currentBytes
        let grads = loss.backward(retainGraph: retain)
        let after = backend.memoryStatistics.currentBytes
        _ = (grads, loss)
        return (before, after)
      }
    }
    let released = liveBytesAfterBackward(retain: false)
    let retained = liveBytesAfterBackward(retain: true)
    #expect(released.during == retained.during)
    // The saved tanh outputs (which the next matmul also saves), 256 KiB each, are gone while the
    // loss still lives — all but the last, which `h` itself still holds.
    #expect(retained.after - released.after >= 3 * 256 * 256 * 4, "\(released) vs \(retained)")
  }

  @Test func retainedGraphBackpropagatesTwice() {
    let x = Tensor([1, 2, 3] as [Float]).requiringGradient()
    let y = (x * x).sum()
    let first = y.backward(retainGraph: true)
    let second = y.backward()
    #expect(first[x]?.doubles == [2, 4, 6])
    #expect(second[x]?.doubles == [2, 4, 6])
  }

  @Test func aSecondBackwardThroughAFreedGraphTrapsNamingTheOp() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let x = Tensor([1, 2, 3] as [Float]).requiringGradient()
      let y = x.exp().sum()
      _ = y.backward()
      _ = y.backward()
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("retainGraph"), "\(message)")
    }
  }
}
