import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

/// `Residual` (y = x + f(x)) and `AdaptiveMaxPool2D` (PyTorch's values: LayerFixtureTests).
@Suite struct ResidualTests {
  @Test func harness() {
    checkLayer("Residual", input: [2, 3, 5, 5], output: [2, 3, 5, 5], parameterNames: ["0.weight", "1.weight", "1.bias"],
               parameterCount: 3 * 3 * 9 + 3 + 3) { generator in
      let conv = Conv2D(3, 3, kernelSize: 3, padding: .same, bias: false)
      conv.resetParameters(using: &generator)
      return Residual { conv; BatchNorm2D(3); GELU() }
    }
    checkLayer("AdaptiveMaxPool2D", input: [2, 3, 7, 5], output: [2, 3, 3, 2], parameterNames: [],
               parameterCount: 0) { _ in AdaptiveMaxPool2D(outputSize: [3, 2]) }
  }

  @Test func addsTheBranchToItsInput() {
    let x = Tensor(testValues(2 * 4, in: -1...1, seed: 3), shape: [2, 4])
    let linear = Linear(4, 4)
    let block = Residual([linear, Tanh()])
    expectClose(block(x).doubles, (x + linear(x).tanh()).doubles, tolerance: 1e-6)
    let double = Residual([Linear(4, 4, dtype: .float64), Tanh()])
    checkGradients("Residual", inputs: [x.cast(to: .float64)]) { t in double(t[0]) }
  }
}
