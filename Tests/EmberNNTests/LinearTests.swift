import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

@Suite struct LinearTests {
  @Test func harness() {
    checkLayer("Linear", input: [5, 4], output: [5, 3], parameterNames: ["weight", "bias"],
               parameterCount: 15) { generator in
      let layer = Linear(4, 3)
      layer.resetParameters(using: &generator)
      return layer
    }
    checkLayer("Linear(bias: false)", input: [2, 6, 4], output: [2, 6, 3],
               parameterNames: ["weight"], parameterCount: 12) { generator in
      let layer = Linear(4, 3, bias: false)
      layer.resetParameters(using: &generator)
      return layer
    }
  }

  @Test func computesXWTransposedPlusB() {
    let layer = Linear(3, 2)
    layer.weight.assign(Tensor([[1, 2, 3], [-1, 0, 0.5]]))
    layer.bias!.assign(Tensor([0.5, -1] as [Float]))
    let y = layer(Tensor([[1, 1, 1], [2, 0, -2]]))
    #expect(y.shape == [2, 2])
    expectClose(y.doubles, [6.5, -1.5, -3.5, -4])
  }

  @Test func defaultInitializationIsPyTorchs() {
    let layer = Linear(100, 50)
    #expect(layer.weight.shape == [50, 100] && layer.bias!.shape == [50])
    let bound = 1 / 100.0.squareRoot()
    let weights = layer.weight.value.doubles, biases = layer.bias!.value.doubles
    #expect(weights.allSatisfy { abs($0) <= bound } && biases.allSatisfy { abs($0) <= bound })
    // U(±b) has standard deviation b/√3.
    let std = (weights.map { $0 * $0 }.reduce(0, +) / Double(weights.count)).squareRoot()
    #expect(abs(std - bound / 3.0.squareRoot()) < 0.1 * bound)
    #expect(weights.max()! > 0.9 * bound && weights.min()! < -0.9 * bound)
  }

  @Test func takesAnInitializer() {
    let layer = Linear(8, 4, weightInitializer: .zeros, biasInitializer: .constant(2))
    #expect(layer.weight.value.doubles.allSatisfy { $0 == 0 })
    #expect(layer.bias!.value.doubles.allSatisfy { $0 == 2 })
  }

  @Test func gradientsInFloat64() {
    let layer = Linear(3, 2, dtype: .float64)
    let x = Tensor(testValues(12, in: -1...1, seed: 3), shape: [4, 3])
    // Gradient with respect to the input, the weight and the bias.
    checkGradients("Linear", inputs: [x, layer.weight.value.detached(), layer.bias!.value.detached()]) {
      inputs in
      layer.weight.assign(inputs[1].detached())
      layer.bias!.assign(inputs[2].detached())
      return inputs[0].matmul(inputs[1].transposed()) + inputs[2]
    }
    // The layer itself: parameters receive the same gradients as the composed expression.
    let probe = Linear(3, 2, dtype: .float64)
    let xTracked = x.requiringGradient()
    let grads = (probe(xTracked) * Tensor([[1, 2], [3, 4], [5, 6], [7, 8]], dtype: .float64))
      .sum().backward()
    let g = Tensor([[1, 2], [3, 4], [5, 6], [7, 8]], dtype: .float64)
    expectClose(grads[probe.weight]!.doubles, g.transposed().matmul(x).doubles)  // dW = Gᵀ·X
    expectClose(grads[probe.bias!]!.doubles, g.sum(axis: 0).doubles)  // db = Σ G
    expectClose(grads[xTracked]!.doubles, g.matmul(probe.weight.value.detached()).doubles)
  }
}
