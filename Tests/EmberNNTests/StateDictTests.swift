import EmberBackend
import EmberCore
import Testing

@testable import EmberNN

@Suite struct StateDictTests {
  func model() -> Sequential { Sequential { Linear(4, 8); ReLU(); Linear(8, 3) } }

  @Test func namesAndShapesAreTorchs() {
    let state = model().stateDict()
    #expect(state.keys.sorted() == ["0.bias", "0.weight", "2.bias", "2.weight"])
    #expect(state["0.weight"]!.shape == [8, 4] && state["2.bias"]!.shape == [3])
    #expect(state.values.allSatisfy { !$0.requiresGradient })
  }

  @Test func roundTripCopiesEveryValue() throws {
    let source = model(), target = model()
    try target.load(stateDict: source.stateDict())
    for (name, value) in source.stateDict() {
      #expect(target.stateDict()[name]!.doubles == value.doubles, "\(name)")
    }
  }

  @Test func loadingKeepsGradientKeys() throws {
    let target = model()
    let weight = (target.layers[0] as! Linear).weight
    try target.load(stateDict: model().stateDict())
    let grads = target(Tensor.ones([2, 4])).sum().backward()
    #expect(grads[weight] != nil)
  }

  @Test func castsFloat64ToTheParametersDtype() throws {
    let target = model()
    let state = model().stateDict().mapValues { $0.cast(to: .float64) }
    try target.load(stateDict: state)
    #expect(target.stateDict()["0.weight"]!.dtype == .float32)
  }

  @Test func rejectsAndAssignsNothing() {
    let target = model()
    let before = target.stateDict().mapValues(\.doubles)
    func expectRejected(_ state: [String: Tensor], _ expected: CheckpointError) {
      #expect(throws: expected) { try target.load(stateDict: state) }
      #expect(target.stateDict().mapValues(\.doubles) == before, "a failed load changed parameters")
    }
    var state = model().stateDict()

    var missing = state
    missing["2.bias"] = nil
    expectRejected(missing, .missingKey("2.bias"))

    var extra = state
    extra["3.weight"] = Tensor.zeros([1])
    expectRejected(extra, .unexpectedKey("3.weight"))

    var wrongShape = state
    wrongShape["2.weight"] = Tensor.zeros([8, 3])  // transposed by mistake
    expectRejected(wrongShape, .shapeMismatch(key: "2.weight", expected: [3, 8], found: [8, 3]))

    state["0.bias"] = Tensor.zeros([8], dtype: .int64)
    expectRejected(state, .dtypeMismatch(key: "0.bias", expected: .float32, found: .int64))
  }

  @Test func errorsNameTheKeyAndBothShapes() {
    let message = CheckpointError.shapeMismatch(key: "2.weight", expected: [3, 8], found: [8, 3])
      .description
    #expect(message.contains("2.weight") && message.contains("[3, 8]") && message.contains("[8, 3]"))
  }

  @Test func nonStrictSkipsMissingAndUnexpectedKeys() throws {
    let target = model()
    let source = model()
    var state = source.stateDict()
    state["0.weight"] = nil
    state["head.weight"] = Tensor.zeros([2])
    let keptWeight = target.stateDict()["0.weight"]!.doubles
    try target.load(stateDict: state, strict: false)
    #expect(target.stateDict()["0.weight"]!.doubles == keptWeight)
    #expect(target.stateDict()["2.weight"]!.doubles == source.stateDict()["2.weight"]!.doubles)
  }
}
