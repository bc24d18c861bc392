import EmberBackend
import EmberCore
import EmberNN
import EmberTestSupport
import Testing

@testable import EmberOptim

/// `y = x·Wᵀ + b` with `W: [1, 3]` and `b: [1]`, enough to fit a linear regression.
final class TinyLinear: Module {
  let weight: Parameter
  let bias: Parameter

  init(seed: UInt64 = 7, on device: Device = .cpu) {
    var generator = RandomGenerator(seed: seed)
    weight = Parameter(Tensor.normal([1, 3], standardDeviation: 0.5, using: &generator).to(device))
    bias = Parameter(Tensor.zeros([1], on: device))
  }

  func callAsFunction(_ x: Tensor) -> Tensor { x.matmul(weight.value.transposed()) + bias.value }

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("bias", bias)
  }
}

/// A seeded linear-regression problem `y = X·w* + b*` with 64 samples.
struct Regression {
  let x: Tensor
  let y: Tensor

  init(seed: UInt64 = 1, on device: Device = .cpu) {
    var generator = RandomGenerator(seed: seed)
    x = Tensor.normal([64, 3], using: &generator).to(device)
    y = x.matmul(Tensor([1.5, -2.0, 0.5] as [Float], shape: [3, 1], on: device)) + 0.7
  }

  func loss(_ model: TinyLinear) -> Tensor { (model(x) - y).squared().mean() }

  /// Trains `model` for `steps` full-batch steps; returns the losses before and after.
  func train(
    _ model: TinyLinear, with optimizer: any Optimizer, steps: Int
  ) -> (initial: Double, final: Double) {
    let initial = withoutGradients { loss(model).item }
    for _ in 0..<steps {
      let grads = loss(model).backward()
      optimizer.update(model, along: grads)
    }
    return (initial, withoutGradients { loss(model).item })
  }
}

/// Checks that `optimizer` reduces the regression loss at least tenfold in `steps` steps, on every
/// device of `Backends.available` (model and data made there, a new optimizer for each).
func expectConverges(
  _ optimizer: @autoclosure () -> any Optimizer, steps: Int = 300,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  for device in testDevices {
    let model = TinyLinear(on: device)
    let (initial, final) = Regression(on: device).train(model, with: optimizer(), steps: steps)
    #expect(final <= initial / 10, "\(device): loss \(initial) → \(final)",
            sourceLocation: sourceLocation)
    #expect(model.weight.value.device == device, "\(device): the update moved the weight",
            sourceLocation: sourceLocation)
  }
}

/// A module holding one free parameter `p`.
final class SingleParameter: Module {
  let p: Parameter
  init(_ values: [Float], on device: Device = .cpu) { p = Parameter(Tensor(values, on: device)) }
  func visitParameters(_ visitor: inout ParameterVisitor) { visitor.visit("p", p) }
}

/// The gradients of the steps used by the exact-value tests (the same as the torch reference).
let referenceGradients: [[Float]] = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.25]]

/// Runs `optimizer` on `p = [1, -2, 0.5]` with ``referenceGradients`` and compares `p` after each
/// step with `expected` (computed with `torch.optim`), on every device of `Backends.available`
/// (a new optimizer for each).
func expectSteps(
  _ optimizer: @autoclosure () -> any Optimizer, _ expected: [[Float]], tolerance: Float = 2e-6,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  for device in testDevices {
    let module = SingleParameter([1, -2, 0.5], on: device)
    let optimizer = optimizer()
    for (gradient, want) in zip(referenceGradients, expected) {
      var grads = Gradients()
      grads[module.p] = Tensor(gradient, on: device)
      optimizer.update(module, along: grads)
      #expect(module.p.value.device == device, "\(device): the update moved p",
              sourceLocation: sourceLocation)
      let got = module.p.value.floats
      let close = zip(got, want).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
      #expect(close, "\(device): got \(got), expected \(want)", sourceLocation: sourceLocation)
    }
  }
}
