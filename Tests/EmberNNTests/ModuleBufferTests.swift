import EmberBackend
import EmberCore
import EmberTestSupport
import Foundation
import Testing

@testable import EmberNN

/// A module with buffers as batch normalization has them, and a two-input call.
final class RunningMean: Layer {
  let weight = Parameter(Tensor.ones([3]))
  let runningMean = ModuleBuffer(Tensor.zeros([3]))
  let numBatchesTracked = ModuleBuffer(Tensor(0, dtype: .int64))
  let scratch = ModuleBuffer(Tensor.zeros([3]), persistent: false)

  func callAsFunction(_ input: (x: Tensor, scale: Tensor)) -> Tensor {
    if LearningPhase.isTraining {
      runningMean.assign(runningMean.value * 0.9 + input.x.mean(axes: [0]).detached() * 0.1)
      numBatchesTracked.assign(numBatchesTracked.value + 1)
    }
    return (input.x - runningMean.value) * weight.value * input.scale
  }

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("weight", weight)
    visitor.visit("running_mean", runningMean)
    visitor.visit("num_batches_tracked", numBatchesTracked)
    visitor.visit("scratch", scratch)
  }
}

final class Wrapper: Module {
  let inner = RunningMean()
  func visitParameters(_ visitor: inout ParameterVisitor) { visitor.visit("bn", inner) }
}

@Suite struct ModuleBufferTests {
  @Test func buffersAreVisitedUnderDottedNames() {
    let model = Wrapper()
    #expect(model.namedBuffers.map(\.name) == ["bn.running_mean", "bn.num_batches_tracked", "bn.scratch"])
    #expect(model.namedParameters.map(\.name) == ["bn.weight"])
    expectEveryStoredParameterVisited(model, "Wrapper")
  }

  @Test func stateDictHoldsPersistentBuffersWithPyTorchNames() throws {
    let model = Wrapper()
    withLearningPhase(.training) {
      _ = model.inner((x: Tensor([[1, 2, 3], [3, 4, 5]]), scale: Tensor(2)))
    }
    let state = model.stateDict()
    #expect(Set(state.keys) == ["bn.weight", "bn.running_mean", "bn.num_batches_tracked"])
    #expect(state["bn.num_batches_tracked"]?.dtype == .int64)
    #expect(state["bn.num_batches_tracked"]?.item == 1)
    expectClose(state["bn.running_mean"]!.doubles, [0.2, 0.3, 0.4], tolerance: 1e-6)

    let copy = Wrapper()
    try copy.load(stateDict: state)
    #expect(copy.inner.numBatchesTracked.value.item == 1)
    expectClose(copy.inner.runningMean.value.doubles, [0.2, 0.3, 0.4], tolerance: 1e-6)
    // Through a file, too.
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("buffers-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try model.save(to: url)
    let fromFile = Wrapper()
    try fromFile.load(from: url)
    #expect(fromFile.inner.numBatchesTracked.value.item == 1)
  }

  @Test func loadChecksBufferShapesAndKeysBeforeAssigning() {
    let model = Wrapper()
    var state = model.stateDict()
    state["bn.running_mean"] = Tensor.zeros([4])
    state["bn.weight"] = Tensor.full([3], 7)
    #expect(throws: CheckpointError.shapeMismatch(key: "bn.running_mean", expected: [3], found: [4])) {
      try model.load(stateDict: state)
    }
    #expect(model.inner.weight.value.doubles == [1, 1, 1])  // nothing assigned
    state["bn.running_mean"] = nil
    #expect(throws: CheckpointError.missingKey("bn.running_mean")) { try model.load(stateDict: state) }
  }

  @Test func toMovesParametersAndBuffersKeepingIdentity() {
    let model = Wrapper()
    let weight = model.inner.weight
    model.to(HostMemoryBackend.shared.device)
    #expect(model.device == HostMemoryBackend.shared.device)
    #expect(model.inner.weight === weight)
    #expect(model.buffers.allSatisfy { $0.value.device == HostMemoryBackend.shared.device })
    let x = Tensor([[1, 2, 3]]).to(model.device)
    let y = model.inner((x: x, scale: Tensor(1).to(model.device)))
    #expect(y.device == model.device)
    let grads = y.sum().backward()
    #expect(grads[weight]?.device == model.device)
    model.to(.cpu)
    #expect(model.device == .cpu)
  }
}
