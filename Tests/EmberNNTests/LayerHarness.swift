import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

/// The checks every layer passes, on every device of `testDevices`: output shape, parameter names
/// and count, every stored `Parameter` visited, state-dict round trip, and seeded determinism of
/// the parameters.
///
/// `make` builds the layer drawing its parameters from the generator it is given (layers without
/// parameters ignore it); the harness moves it and its input to each device.
func checkLayer(
  _ name: String, input inputShape: [Int], output outputShape: [Int],
  parameterNames: [String], parameterCount: Int,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ make: (inout RandomGenerator) -> any TensorLayer
) {
  for device in testDevices {
    checkLayer(
      "\(name) on \(device)", input: inputShape, output: outputShape,
      parameterNames: parameterNames, parameterCount: parameterCount, on: device,
      sourceLocation: sourceLocation, make)
  }
}

/// The harness on one device.
private func checkLayer(
  _ name: String, input inputShape: [Int], output outputShape: [Int],
  parameterNames: [String], parameterCount: Int, on device: Device,
  sourceLocation: SourceLocation, _ make: (inout RandomGenerator) -> any TensorLayer
) {
  var first = RandomGenerator(seed: 11), again = RandomGenerator(seed: 11)
  var other = RandomGenerator(seed: 99)
  let layer = make(&first), twin = make(&again), different = make(&other)
  for module in [layer, twin, different] { _ = module.to(device) }
  let x = Tensor.uniform(inputShape, in: -2...2, using: &other).to(device)

  // Output shape and names.
  let y = layer(x)
  #expect(y.shape == outputShape, "\(name): output shape \(y.shape)", sourceLocation: sourceLocation)
  #expect(y.device == device, "\(name): output on \(String(describing: y.device))",
          sourceLocation: sourceLocation)
  #expect(layer.namedParameters.map(\.name) == parameterNames,
          "\(name): parameter names \(layer.namedParameters.map(\.name))",
          sourceLocation: sourceLocation)
  #expect(layer.parameterCount == parameterCount, "\(name): \(layer.parameterCount) parameters",
          sourceLocation: sourceLocation)
  expectEveryStoredParameterVisited(layer, name, sourceLocation: sourceLocation)

  // Seeded determinism: the same seed gives the same parameters and outputs.
  #expect(layer.stateDict().mapValues(\.doubles) == twin.stateDict().mapValues(\.doubles),
          "\(name): same seed, different parameters", sourceLocation: sourceLocation)
  #expect(layer(x).doubles == twin(x).doubles, "\(name): same seed, different outputs",
          sourceLocation: sourceLocation)

  // State-dict round trip: loading into a differently seeded layer makes it compute the same.
  if parameterCount > 0 {
    #expect(different(x).doubles != y.doubles, "\(name): seeds do not matter",
            sourceLocation: sourceLocation)
  }
  do {
    try different.load(stateDict: layer.stateDict())
  } catch {
    Issue.record("\(name): state-dict round trip failed: \(error)", sourceLocation: sourceLocation)
  }
  #expect(different(x).doubles == y.doubles, "\(name): state-dict round trip changed the output",
          sourceLocation: sourceLocation)
}

/// Test-only reflection: every `Parameter` a module stores (directly, optionally, or in an array)
/// is reported by `visitParameters`, and stored child modules are checked recursively.
func expectEveryStoredParameterVisited(
  _ module: any Module, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let visited = Set(module.parameters.map(ObjectIdentifier.init))
  let visitedBuffers = Set(module.buffers.map(ObjectIdentifier.init))
  func walk(_ value: Any, label: String) {
    if let buffer = value as? ModuleBuffer {
      #expect(visitedBuffers.contains(ObjectIdentifier(buffer)),
              "\(name): stored buffer '\(label)' is not visited", sourceLocation: sourceLocation)
      return
    }
    if let parameter = value as? Parameter {
      #expect(visited.contains(ObjectIdentifier(parameter)),
              "\(name): stored parameter '\(label)' is not visited", sourceLocation: sourceLocation)
      return
    }
    if let child = value as? any Module {
      let childVisited = Set(child.parameters.map(ObjectIdentifier.init))
      #expect(childVisited.isSubset(of: visited),
              "\(name): child module '\(label)' is not visited", sourceLocation: sourceLocation)
      expectEveryStoredParameterVisited(child, "\(name).\(label)", sourceLocation: sourceLocation)
      return
    }
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional || mirror.displayStyle == .collection {
      for (index, element) in mirror.children.enumerated() { walk(element.value, label: "\(label)[\(index)]") }
    }
  }
  for child in Mirror(reflecting: module).children {
    walk(child.value, label: child.label ?? "?")
  }
}
