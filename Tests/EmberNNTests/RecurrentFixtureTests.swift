import EmberBackend
import EmberCore
import EmberTestSupport
import Foundation
import Testing

@testable import EmberNN

// PyTorch equivalence of the recurrent layers and cells on shared weights:
// Tests/Fixtures/sequence_fixtures.json, written by Tests/Fixtures/make_sequence_fixtures.py (the
// file records the Python, NumPy and PyTorch versions).

struct RecurrentFixture: Decodable {
  struct Values: Decodable {
    let shape: [Int]
    let values: [Double]
  }

  struct Case: Decodable {
    let layer: String
    let args: [String: FixtureArgument]
    let lengths: [Int]?
    let input: Values
    let h0: Values?
    let c0: Values?
    let params: [String: Values]
    let u_output: [Double]
    let u_h: [Double]?
    let u_c: [Double]?
    let output: Values
    let h_n: Values?
    let c_n: Values?
    let grads: [String: [Double]]
  }

  struct EmbeddingCase: Decodable {
    struct Indices: Decodable {
      let shape: [Int]
      let values: [Int]
    }
    let args: [String: FixtureArgument]
    let indices: Indices
    let weight: Values
    let weight_after: Values
    let upstream: [Double]
    let output: Values
    let grad: [Double]
  }

  let versions: [String: String]
  let cases: [String: Case]
  let embeddings: [String: EmbeddingCase]

  static let shared: RecurrentFixture = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/sequence_fixtures.json")
    do {
      return try JSONDecoder().decode(RecurrentFixture.self, from: Data(contentsOf: url))
    } catch {
      fatalError("RecurrentFixture: cannot read \(url.path): \(error)")
    }
  }()
}

/// A fixture case's layer, run: `(output, h_n, c_n)` from its input and initial state.
private struct RecurrentRun {
  let module: any Module
  let run: (Tensor, Tensor?, Tensor?, [Int]?) -> (Tensor, Tensor?, Tensor?)
}

private func makeRecurrent(_ fixture: RecurrentFixture.Case, dtype: DType) -> RecurrentRun {
  let a = fixture.args
  func int(_ key: String, _ fallback: Int = 0) -> Int {
    if case .number(let v)? = a[key] { return Int(v) }
    return fallback
  }
  func flag(_ key: String, _ fallback: Bool = false) -> Bool {
    if case .flag(let v)? = a[key] { return v }
    return fallback
  }
  let (inputSize, hiddenSize, bias) = (int("inputSize"), int("hiddenSize"), flag("bias", true))
  let nonlinearity: RNN.Nonlinearity = {
    if case .text(let v)? = a["nonlinearity"] { return RNN.Nonlinearity(rawValue: v)! }
    return .tanh
  }()
  let (layers, bidirectional, batchFirst) = (int("numLayers", 1), flag("bidirectional"), flag("batchFirst"))
  switch fixture.layer {
  case "RNN":
    let layer = RNN(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, nonlinearity: nonlinearity,
                    bias: bias, batchFirst: batchFirst, bidirectional: bidirectional, dtype: dtype)
    return RecurrentRun(module: layer) { x, h, _, lengths in
      let (y, state) = layer(x, state: h, lengths: lengths)
      return (y, state, nil)
    }
  case "LSTM":
    let layer = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, bias: bias,
                     batchFirst: batchFirst, bidirectional: bidirectional, projectionSize: int("projSize"),
                     dtype: dtype)
    return RecurrentRun(module: layer) { x, h, c, lengths in
      let (y, state) = layer(x, state: h.map { LSTMState(h: $0, c: c!) }, lengths: lengths)
      return (y, state.h, state.c)
    }
  case "GRU":
    let layer = GRU(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, bias: bias,
                    batchFirst: batchFirst, bidirectional: bidirectional, dtype: dtype)
    return RecurrentRun(module: layer) { x, h, _, lengths in
      let (y, state) = layer(x, state: h, lengths: lengths)
      return (y, state, nil)
    }
  case "RNNCell":
    let cell = RNNCell(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, nonlinearity: nonlinearity,
                       dtype: dtype)
    return RecurrentRun(module: cell) { x, h, _, _ in (cell(x, state: h), nil, nil) }
  case "LSTMCell":
    let cell = LSTMCell(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype)
    return RecurrentRun(module: cell) { x, h, c, _ in
      let state = cell(x, state: LSTMState(h: h!, c: c!))
      return (state.h, nil, state.c)
    }
  case "GRUCell":
    let cell = GRUCell(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, dtype: dtype)
    return RecurrentRun(module: cell) { x, h, _, _ in (cell(x, state: h), nil, nil) }
  default:
    preconditionFailure("recurrent fixture: unknown layer \(fixture.layer)")
  }
}

@Suite struct RecurrentFixtureTests {
  static let cases = RecurrentFixture.shared.cases.keys.sorted()

  @Test func fixtureRecordsItsVersionsAndCoversEveryKind() {
    #expect(RecurrentFixture.shared.versions["torch"] != nil)
    let kinds = Set(RecurrentFixture.shared.cases.values.map(\.layer))
    #expect(kinds == ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
  }

  /// Outputs, final states and the gradients of the input, the initial state and every parameter
  /// against PyTorch's, in float64 (1e-10) and float32 (1e-5), on every test device. The
  /// parameters load from PyTorch's state dict as they are, with no renaming.
  @Test(arguments: cases)
  func matchesPyTorch(name: String) throws {
    let fixture = RecurrentFixture.shared.cases[name]!
    for device in testDevices {
      for (dtype, tolerance) in [(DType.float64, 1e-10), (.float32, 1e-5)] {
        let layer = makeRecurrent(fixture, dtype: dtype)
        let module = layer.module.to(device)
        let what = "\(name) \(dtype) on \(device)"
        func tensor(_ v: RecurrentFixture.Values) -> Tensor {
          Tensor(v.values, shape: v.shape, on: device).cast(to: dtype)
        }
        try module.load(stateDict: fixture.params.mapValues(tensor))
        let x = tensor(fixture.input).requiringGradient()
        let h0 = fixture.h0.map { tensor($0).requiringGradient() }
        let c0 = fixture.c0.map { tensor($0).requiringGradient() }
        let (y, h, c) = layer.run(x, h0, c0, fixture.lengths)
        #expect(y.shape == fixture.output.shape, "\(what): output shape \(y.shape)")
        expectMatches(y.doubles, fixture.output.values, tolerance: tolerance, "\(what) output")
        var loss = (y * Tensor(fixture.u_output, shape: y.shape, on: device).cast(to: dtype)).sum()
        if let expected = fixture.h_n, let h, let u = fixture.u_h {
          #expect(h.shape == expected.shape, "\(what): h_n shape \(h.shape)")
          expectMatches(h.doubles, expected.values, tolerance: tolerance, "\(what) h_n")
          loss = loss + (h * Tensor(u, shape: h.shape, on: device).cast(to: dtype)).sum()
        }
        if let expected = fixture.c_n, let c, let u = fixture.u_c {
          #expect(c.shape == expected.shape, "\(what): c_n shape \(c.shape)")
          expectMatches(c.doubles, expected.values, tolerance: tolerance, "\(what) c_n")
          loss = loss + (c * Tensor(u, shape: c.shape, on: device).cast(to: dtype)).sum()
        }
        let grads = loss.backward()
        expectMatches(grads[x]?.doubles ?? [], fixture.grads["input"]!, tolerance: tolerance, "\(what) input gradient")
        if let h0 { expectMatches(grads[h0]?.doubles ?? [], fixture.grads["h0"]!, tolerance: tolerance, "\(what) h0 gradient") }
        if let c0 { expectMatches(grads[c0]?.doubles ?? [], fixture.grads["c0"]!, tolerance: tolerance, "\(what) c0 gradient") }
        let named = module.namedParameters
        #expect(Set(named.map(\.name)) == Set(fixture.params.keys), "\(what): parameters \(named.map(\.name))")
        for (key, parameter) in named {
          expectMatches(grads[parameter]?.doubles ?? [], fixture.grads[key] ?? [], tolerance: tolerance,
                        "\(what) gradient of \(key)")
        }
      }
    }
  }
}
