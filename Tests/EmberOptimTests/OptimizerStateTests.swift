import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

@Suite struct OptimizerStateTests {
  static let makers: [(String, () -> OptimizerBase)] = [
    ("SGD", { SGD(learningRate: 0.05, momentum: 0.9) }),
    ("Adam", { Adam(learningRate: 0.05, amsgrad: true) }),
    ("AdamW", { AdamW(learningRate: 0.05) }),
    ("RMSProp", { RMSProp(learningRate: 0.01, momentum: 0.5, centered: true) }),
    ("Adagrad", { Adagrad(learningRate: 0.5) }),
  ]

  @Test(arguments: 0..<makers.count)
  func savedStateResumesBitExactly(_ index: Int) throws {
    let make = Self.makers[index].1
    let problem = Regression()
    let model = TinyLinear(), first = make()
    _ = problem.train(model, with: first, steps: 5)
    let saved = first.stateDict(for: model)

    // A copy of the model and a fresh optimizer loaded from the state dict.
    let copy = TinyLinear(seed: 99)
    copy.weight.assign(model.weight.value)
    copy.bias.assign(model.bias.value)
    let second = make()
    second.learningRate = 123  // restored from "lr"
    try second.loadStateDict(saved, for: copy)
    #expect(second.learningRate == first.learningRate)
    #expect(second.stepCount == 5)

    _ = problem.train(model, with: first, steps: 3)
    _ = problem.train(copy, with: second, steps: 3)
    #expect(model.weight.value.floats == copy.weight.value.floats, "\(Self.makers[index].0)")
    #expect(model.bias.value.floats == copy.bias.value.floats, "\(Self.makers[index].0)")
  }

  @Test func missingKeyThrowsAndAssignsNothing() {
    let model = TinyLinear(), optimizer = Adam()
    _ = Regression().train(model, with: optimizer, steps: 1)
    var state = optimizer.stateDict(for: model)
    state["weight.exp_avg"] = nil
    let fresh = Adam()
    #expect(throws: OptimizerStateError.missingKey("weight.exp_avg")) {
      try fresh.loadStateDict(state, for: model)
    }
    #expect(fresh.state(of: model.bias) == nil)
    #expect(fresh.stepCount == 0)

    var noStep = optimizer.stateDict(for: model)
    noStep["bias.step"] = nil
    #expect(throws: OptimizerStateError.missingKey("bias.step")) {
      try fresh.loadStateDict(noStep, for: model)
    }
  }

  @Test func wrongShapeThrowsNamingKeyAndShapes() {
    let model = TinyLinear(), optimizer = Adam()
    _ = Regression().train(model, with: optimizer, steps: 1)
    var state = optimizer.stateDict(for: model)
    state["weight.exp_avg_sq"] = Tensor.zeros([3, 1])
    let error = OptimizerStateError.shapeMismatch(
      key: "weight.exp_avg_sq", expected: [1, 3], found: [3, 1])
    #expect(throws: error) { try Adam().loadStateDict(state, for: model) }
    #expect(error.description.contains("weight.exp_avg_sq"))
    #expect(error.description.contains("[1, 3]"))
  }

  @Test func unexpectedKeyThrows() {
    let model = TinyLinear(), optimizer = SGD(learningRate: 0.1)
    _ = Regression().train(model, with: optimizer, steps: 1)
    var state = optimizer.stateDict(for: model)
    state["decoder.weight.momentum_buffer"] = Tensor.zeros([1])
    #expect(throws: OptimizerStateError.unexpectedKey("decoder.weight.momentum_buffer")) {
      try SGD(learningRate: 0.1).loadStateDict(state, for: model)
    }
  }

  @Test func frozenParametersAreNotUpdated() {
    let model = TinyLinear()
    model.weight.isTrainable = false
    let before = model.weight.value.floats
    let optimizer = Adam(learningRate: 0.1)
    var grads = Regression().loss(model).backward()
    grads[model.weight] = Tensor.ones([1, 3])  // even with a gradient present
    optimizer.update(model, along: grads)
    #expect(model.weight.value.floats == before)
    #expect(optimizer.state(of: model.weight) == nil)
    #expect(optimizer.state(of: model.bias)?.step == 1)
  }

  @Test func parametersWithoutGradientsAreUntouched() {
    let model = TinyLinear()
    let weight = model.weight.value.floats, bias = model.bias.value.floats
    let optimizer = SGD(learningRate: 0.1, momentum: 0.9)
    var grads = Gradients()
    grads[model.bias] = Tensor([1] as [Float])
    optimizer.update(model, along: grads)
    #expect(model.weight.value.floats == weight)
    #expect(model.bias.value.floats != bias)
    #expect(optimizer.state(of: model.weight) == nil)
    #expect(optimizer.stateDict(for: model)["weight.step"] == nil)
    #expect(optimizer.stateDict(for: model)["bias.step"] != nil)
  }

  @Test func updatedParametersKeepTheirGradientKey() {
    let model = TinyLinear(), optimizer = Adam()
    _ = Regression().train(model, with: optimizer, steps: 2)
    let grads = Regression().loss(model).backward()
    #expect(grads[model.weight] != nil)
    #expect(!model.weight.value.detached().requiresGradient)
  }
}
