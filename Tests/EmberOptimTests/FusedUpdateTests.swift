import EmberBackend
import EmberCore
import EmberNN
import EmberTestSupport
import Testing

@testable import EmberOptim

/// One optimizer configuration: the fused optimizer and its composed oracle.
struct FusedCase: Sendable, CustomTestStringConvertible {
  let name: String
  let make: @Sendable () -> (fused: OptimizerBase, composed: OptimizerBase)
  var testDescription: String { name }

  static func adam(_ name: String, _ make: @escaping @Sendable () -> Adam) -> FusedCase {
    FusedCase(name: name) { (make(), ComposedAdam(make())) }
  }
}

let fusedCases: [FusedCase] = [
  .adam("Adam") { Adam(learningRate: 0.01) },
  .adam("Adam weight decay AMSGrad") { Adam(learningRate: 0.01, weightDecay: 0.1, amsgrad: true) },
  .adam("AdamW") { AdamW(learningRate: 0.01, weightDecay: 0.1) },
  .adam("AdamW AMSGrad") { AdamW(learningRate: 0.01, weightDecay: 0.1, amsgrad: true) },
  FusedCase(name: "SGD") { (SGD(learningRate: 0.1), ComposedSGD(SGD(learningRate: 0.1))) },
  FusedCase(name: "SGD momentum dampening decay") {
    let make = { SGD(learningRate: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.01) }
    return (make(), ComposedSGD(make()))
  },
  FusedCase(name: "SGD Nesterov") {
    let make = { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true) }
    return (make(), ComposedSGD(make()))
  },
  FusedCase(name: "RMSProp") { (RMSProp(learningRate: 0.01), ComposedRMSProp(RMSProp(learningRate: 0.01))) },
  FusedCase(name: "RMSProp centered momentum decay") {
    let make = { RMSProp(learningRate: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01) }
    return (make(), ComposedRMSProp(make()))
  },
  FusedCase(name: "RMSProp momentum") {
    let make = { RMSProp(learningRate: 0.01, momentum: 0.5) }
    return (make(), ComposedRMSProp(make()))
  },
  FusedCase(name: "RMSProp centered") {
    let make = { RMSProp(learningRate: 0.01, centered: true) }
    return (make(), ComposedRMSProp(make()))
  },
  FusedCase(name: "Adagrad") { (Adagrad(learningRate: 0.1), ComposedAdagrad(Adagrad(learningRate: 0.1))) },
  FusedCase(name: "Adagrad decay initial") {
    let make = {
      Adagrad(learningRate: 0.1, learningRateDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.5)
    }
    return (make(), ComposedAdagrad(make()))
  },
]

@Suite struct FusedUpdateTests {
  /// Four steps of the fused rule against the composed tensor ops, parameter and every slot.
  @Test(arguments: fusedCases, [DType.float32, .float64])
  func fusedStepMatchesComposedRule(_ fusedCase: FusedCase, dtype: DType) {
    var generator = RandomGenerator(seed: 5)
    let start = Tensor.normal([37, 11], using: &generator).cast(to: dtype)
    let gradients = (0..<4).map { _ in Tensor.normal([37, 11], using: &generator).cast(to: dtype) }
    let (fused, composed) = fusedCase.make()
    func run(_ optimizer: OptimizerBase) -> (Tensor, ParameterState?) {
      let parameter = Parameter(start)
      for g in gradients {
        var grads = Gradients()
        grads[parameter] = g
        optimizer.update([parameter], along: grads)
      }
      return (parameter.value, optimizer.state(of: parameter))
    }
    let (fusedValue, fusedState) = run(fused)
    let (composedValue, composedState) = run(composed)
    func close(_ a: Tensor?, _ b: Tensor?) -> Bool {
      guard let a, let b else { return false }
      return zip(a.doubles, b.doubles).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }
    }
    #expect(fusedValue.dtype == dtype)
    #expect(close(fusedValue, composedValue))
    #expect(Set(fusedState?.slots.keys ?? [:].keys) == Set(composedState?.slots.keys ?? [:].keys))
    for slot in fused.slotNames {
      #expect(close(fusedState?[slot], composedState?[slot]), "\(slot)")
    }
  }

  /// Unshared buffers are written in place: the parameter and its moments keep their memory.
  @Test func unsharedBuffersAreUpdatedInPlace() {
    let module = SingleParameter([1, -2, 0.5, 3])
    let adam = Adam(learningRate: 0.01)
    func step() {
      var grads = Gradients()
      grads[module.p] = Tensor([0.1, -0.2, 0.3, 0.4] as [Float])
      adam.update(module, along: grads)
    }
    step()
    let parameterMemory = module.p.value.buffer.pointer
    let momentMemory = adam.state(of: module.p)!["exp_avg"]!.buffer.pointer
    let before = module.p.value.floats
    step()
    step()
    #expect(module.p.value.buffer.pointer == parameterMemory)
    #expect(adam.state(of: module.p)!["exp_avg"]!.buffer.pointer == momentMemory)
    #expect(module.p.value.floats != before)
  }

  /// A state dict (or anyone) holding a buffer keeps its values: the step writes a fresh buffer.
  @Test func savedStateIsNotChangedByALaterStep() throws {
    let module = SingleParameter([1, -2, 0.5])
    let adam = Adam(learningRate: 0.01, amsgrad: true)
    func step(_ g: [Float]) {
      var grads = Gradients()
      grads[module.p] = Tensor(g)
      adam.update(module, along: grads)
    }
    step([0.1, -0.2, 0.3])
    let saved = adam.stateDict(for: module)
    let savedValues = saved.mapValues(\.doubles)
    let savedParameter = module.p.value
    let savedParameterValues = savedParameter.doubles
    step([-0.4, 0.5, 0.25])
    step([0.3, 0.1, -0.2])
    for (key, tensor) in saved { #expect(tensor.doubles == savedValues[key], "\(key)") }
    #expect(savedParameter.doubles == savedParameterValues)
    #expect(module.p.value.doubles != savedParameterValues)
    // And the saved state still restores the same trajectory.
    let other = SingleParameter([0, 0, 0])
    other.p.assign(Tensor(savedParameterValues.map { Float($0) }))
    let restored = Adam(learningRate: 0.01, amsgrad: true)
    try restored.loadStateDict(saved, for: other)
    var grads = Gradients()
    grads[other.p] = Tensor([-0.4, 0.5, 0.25] as [Float])
    restored.update(other, along: grads)
    #expect(other.p.value.doubles != savedParameterValues)
  }

  /// In place, a step allocates no buffer and its peak stays at the live bytes; the composed rule
  /// allocates 13 temporaries. Other tests run concurrently and move the backend's counters: they
  /// only add allocations, so the least count over repeated trials (until it reaches the expected
  /// count, for at most 20 s) is this step's own; their frees and allocations move the peak both
  /// ways, so the fused bound uses the least and the composed bound the largest rise seen.
  @Test func inPlaceStepsAllocateNothing() {
    let count = 1 << 18
    let parameter = Parameter(Tensor.zeros([count]))
    let gradient = Tensor.ones([count])
    let backend = gradient.backend
    func cost(_ optimizer: OptimizerBase, until bound: Int)
      -> (allocations: Int, leastPeakRise: Int, largestPeakRise: Int)
    {
      var grads = Gradients()
      grads[parameter] = gradient
      optimizer.update([parameter], along: grads)  // creates the moments
      var result = (allocations: Int.max, leastPeakRise: Int.max, largestPeakRise: Int.min)
      let start = ContinuousClock.now
      repeat {
        backend.resetPeakMemory()
        let before = backend.memoryStatistics
        optimizer.update([parameter], along: grads)
        let after = backend.memoryStatistics
        result.allocations = min(result.allocations, after.allocations - before.allocations)
        result.leastPeakRise = min(result.leastPeakRise, after.peakBytes - before.currentBytes)
        result.largestPeakRise = max(result.largestPeakRise, after.peakBytes - before.currentBytes)
      } while result.allocations > bound && ContinuousClock.now - start < .seconds(20)
      return result
    }
    let fused = cost(Adam(), until: 0)
    let composed = cost(ComposedAdam(Adam()), until: 13)
    #expect(fused.allocations == 0)
    #expect(fused.leastPeakRise < count * 4, "peak rose by \(fused.leastPeakRise) bytes")
    #expect(composed.allocations == 13)
    #expect(composed.largestPeakRise >= 3 * count * 4, "composed peak rose by \(composed.largestPeakRise)")
  }
}

@Suite struct InPlaceTrainingStepTests {
  /// The usual pattern — `optimizer.update(model, along: loss.backward())` with the loss still
  /// alive — updates weights and moments in place: backward has released the saved tensors that
  /// shared the weights' buffers.
  @Test func aTrainingStepUpdatesWeightsInPlace() {
    let model = Sequential { Linear(6, 5); ReLU(); Linear(5, 3) }
    let adam = Adam(learningRate: 0.01)
    let x = Tensor(testValues(24, in: -1...1, seed: 8), shape: [4, 6])
    let y = Tensor([0, 2, 1, 2] as [Int64])
    func step() {
      withLearningPhase(.training) {
        let loss = crossEntropy(logits: model(x), labels: y)
        adam.update(model, along: loss.backward())
        _ = loss
      }
    }
    step()
    let weights = model.parameters.map { $0.value.buffer.pointer }
    let moments = model.parameters.map { adam.state(of: $0)!["exp_avg"]!.buffer.pointer }
    step()
    step()
    #expect(model.parameters.map { $0.value.buffer.pointer } == weights)
    #expect(model.parameters.map { adam.state(of: $0)!["exp_avg"]!.buffer.pointer } == moments)
  }
}
