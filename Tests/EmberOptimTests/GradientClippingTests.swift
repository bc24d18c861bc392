import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct GradientClippingTests {
  func gradients() -> (Gradients, Parameter, Parameter) {
    let a = Parameter(Tensor.zeros([2])), b = Parameter(Tensor.zeros([1]))
    var grads = Gradients()
    grads[a] = Tensor([3, 4] as [Float])
    grads[b] = Tensor([12] as [Float])
    return (grads, a, b)
  }

  // Reference values from torch.nn.utils.clip_grad_norm_ (norm 13, max_norm 6.5).
  @Test func globalNormScalesEverything() {
    let (grads, a, b) = gradients()
    let (clipped, norm) = clipByGlobalNorm(grads, maxNorm: 6.5)
    #expect(abs(norm.item - 13) < 1e-9)
    let scaled = (clipped[a]?.floats ?? []) + (clipped[b]?.floats ?? [])
    let expected: [Float] = [1.4999998808, 1.9999998808, 5.9999995232]
    #expect(zip(scaled, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(scaled)")
  }

  @Test func globalNormBelowTheLimitLeavesGradientsAlone() {
    let (grads, a, _) = gradients()
    let (clipped, norm) = clipByGlobalNorm(grads, maxNorm: 20)
    #expect(abs(norm.item - 13) < 1e-9)
    #expect(clipped[a]?.floats == [3, 4])
  }

  @Test func valueClippingClamps() {
    let (grads, a, b) = gradients()
    let clipped = clipByValue(grads, limit: 3.5)
    #expect(clipped[a]?.floats == [3, 3.5])
    #expect(clipped[b]?.floats == [3.5])
    let negative = clipByValue(grads.scaled(by: -1), limit: 3.5)
    #expect(negative[a]?.floats == [-3, -3.5])
  }
}
