import EmberBackend
import EmberCore
import Testing

@testable import EmberNN

/// A module with a nested child, an optional parameter and a list of layers, for the visitor.
final class Block: Module {
  let scale = Parameter(Tensor.ones([3]))
  let shift: Parameter? = Parameter(Tensor.zeros([3]))
  let encoder = Sequential { Linear(3, 4); ReLU(); Linear(4, 3) }
  let heads: [any Module] = [Linear(3, 1), Linear(3, 2, bias: false)]

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("scale", scale)
    visitor.visit("shift", shift)
    visitor.visit("encoder", encoder)
    visitor.visit("heads", heads)
  }
}

@Suite struct ModuleTests {
  @Test func dottedNamesLikePyTorch() {
    let names = Block().namedParameters.map(\.name)
    #expect(names == [
      "scale", "shift", "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
      "heads.0.weight", "heads.0.bias", "heads.1.weight",
    ])
    #expect(Block().parameterCount == 3 + 3 + 16 + 15 + 4 + 6)
  }

  @Test func everyStoredParameterIsVisited() {
    expectEveryStoredParameterVisited(Block(), "Block")
    expectEveryStoredParameterVisited(Sequential { Linear(2, 2); Dropout(); Linear(2, 1) }, "MLP")
  }

  @Test func frozenParametersGetNoGradient() {
    let model = Sequential { Linear(3, 4); ReLU(); Linear(4, 2) }
    let first = model.layers[0] as! Linear, last = model.layers[2] as! Linear
    first.freeze()
    #expect(model.trainableParameters.count == 2)
    let x = Tensor.uniform([5, 3], in: -1...1)
    var grads = model(x).sum().backward()
    #expect(grads[first.weight] == nil && grads[first.bias!] == nil)
    #expect(grads[last.weight] != nil && grads[last.bias!] != nil)
    first.unfreeze()
    grads = model(x).sum().backward()
    #expect(grads[first.weight] != nil)
  }

  @Test func sequentialAppliesLayersInOrder() {
    let model = Sequential { Flatten(); Linear(6, 2); Sigmoid() }
    let x = Tensor.uniform([4, 2, 3])
    let linear = model.layers[1] as! Linear
    #expect(model(x).doubles == linear(x.flattened(startAxis: 1)).sigmoid().doubles)
  }
}
