import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN
import Foundation

/// ReLU, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softmax and SiLU: the layer harness, and each layer
/// against hand-computed values.
@Suite struct ActivationLayersTests {
  static let layers: [(String, @Sendable () -> any TensorLayer)] = [
    ("ReLU", { ReLU() }), ("LeakyReLU", { LeakyReLU(negativeSlope: 0.2) }),
    ("ELU", { ELU(alpha: 1.5) }), ("GELU", { GELU() }), ("GELU(tanh)", { GELU(approximate: true) }),
    ("Sigmoid", { Sigmoid() }), ("Tanh", { Tanh() }), ("Softmax", { Softmax(axis: 1) }),
    ("SiLU", { SiLU() }),
  ]

  @Test(arguments: layers.indices) func harness(_ index: Int) {
    let (name, make) = Self.layers[index]
    checkLayer(name, input: [3, 4], output: [3, 4], parameterNames: [], parameterCount: 0) { _ in
      make()
    }
  }

  @Test func values() {
    let x = Tensor([-2, -0.5, 1, 3] as [Double])
    expectClose(ReLU()(x).doubles, [0, 0, 1, 3])
    expectClose(LeakyReLU(negativeSlope: 0.2)(x).doubles, [-0.4, -0.1, 1, 3])
    expectClose(ELU(alpha: 1.5)(x).doubles, [1.5 * (exp(-2) - 1), 1.5 * (exp(-0.5) - 1), 1, 3])
    expectClose(Sigmoid()(x).doubles, [-2, -0.5, 1, 3].map { 1 / (1 + exp(-$0)) })
    expectClose(Tanh()(x).doubles, [-2, -0.5, 1, 3].map { Foundation.tanh($0) })
    expectClose(SiLU()(x).doubles, [-2, -0.5, 1, 3].map { $0 / (1 + exp(-$0)) })
    // torch.nn.GELU()(x) and GELU(approximate='tanh')(x), float64, from torch 2.15.
    expectClose(GELU()(x).doubles,
                [-0.04550026389635842, -0.15426876936299344, 0.841344746068543, 2.99595030590511],
                tolerance: 1e-7)
    expectClose(GELU(approximate: true)(x).doubles,
                [-0.04540230591222494, -0.15428599017485606, 0.8411919906082768, 2.996362607918227],
                tolerance: 1e-7)
    let s = Softmax(axis: 0)(x).doubles
    let e = [-2, -0.5, 1, 3].map { exp($0) }
    expectClose(s, e.map { $0 / e.reduce(0, +) })
  }
}
