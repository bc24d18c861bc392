import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

/// The `Bidirectional` wrapper against the built-in bidirectional LSTM on the same weights, against
/// each sequence reversed by hand, its gradients, merges and names; and recurrent dropout.
@Suite struct BidirectionalTests {
  /// Concatenated, it is PyTorch's `bidirectional=True` with the backward layer's weights as
  /// `…_reverse`, lengths included.
  @Test func concatEqualsTheBuiltInBidirectionalLayer() throws {
    let builtIn = LSTM(inputSize: 3, hiddenSize: 4, batchFirst: true, bidirectional: true, dtype: .float64)
    let wrapper = Bidirectional(LSTM(inputSize: 3, hiddenSize: 4, batchFirst: true, dtype: .float64))
    var state: [String: Tensor] = [:]
    for (name, parameter) in builtIn.namedParameters {
      let key = name.hasSuffix("_reverse") ? "backward." + name.dropLast(8) : "forward." + name
      state[key] = parameter.value
    }
    try wrapper.load(stateDict: state)
    let x = Tensor.normal([3, 5, 3], dtype: .float64)
    for lengths in [nil, [5, 2, 4]] as [[Int]?] {
      let (y, s) = builtIn(x, state: nil, lengths: lengths)
      let (z, h) = wrapper(x, lengths: lengths)
      expectClose(z.doubles, y.doubles, tolerance: 1e-12, "outputs, lengths \(String(describing: lengths))")
      expectClose(h.doubles, s.h.doubles, tolerance: 1e-12, "final states")
    }
    #expect(wrapper.namedParameters.map(\.name).prefix(2) == ["forward.weight_ih_l0", "forward.weight_hh_l0"])
    #expect(wrapper.namedParameters.count == 8 && wrapper.sequenceOutputSize == 8)
  }

  /// The backward layer reads each sequence from its last valid step: a GRU run on the valid steps
  /// reversed, alone.
  @Test func backwardDirectionReadsEachSequenceReversed() {
    let wrapper = Bidirectional(GRU(inputSize: 2, hiddenSize: 3, dtype: .float64), merge: .sum)
    let x = Tensor.normal([4, 2, 2], dtype: .float64)
    let (y, _) = wrapper(x, lengths: [4, 2])
    for (b, length) in [4, 2].enumerated() {
      let valid = x[0 ..< length, b ..< (b + 1)]
      let ahead = wrapper.forward(valid).output
      let behind = wrapper.backward(valid.flipped(axis: 0)).output.flipped(axis: 0)
      expectClose(y[0 ..< length, b ..< (b + 1)].doubles, (ahead + behind).doubles, tolerance: 1e-12, "sequence \(b)")
    }
    #expect(y[2..., 1].doubles.allSatisfy { $0 == 0 }, "padding outputs zeros")
    #expect(wrapper.sequenceOutputSize == 3)
  }

  /// `last` is each direction's output at its final step; `RecurrentSequence` returns it (or every
  /// step) inside a `Sequential`.
  @Test func lastStepOutputs() {
    let wrapper = Bidirectional(LSTM(inputSize: 2, hiddenSize: 3, batchFirst: true, dtype: .float64))
    let x = Tensor.normal([2, 4, 2], dtype: .float64)
    let run = wrapper.sequence(x, lengths: [4, 3])
    for (b, length) in [4, 3].enumerated() {
      let ahead = run.output[b, length - 1, 0 ..< 3], behind = run.output[b, 0, 3 ..< 6]
      expectClose(run.last[b].doubles, Tensor.concat([ahead, behind]).doubles, tolerance: 1e-12, "sequence \(b)")
    }
    let gru = GRU(inputSize: 2, hiddenSize: 3, numLayers: 2, batchFirst: true, bidirectional: true, dtype: .float64)
    let model = Sequential { RecurrentSequence(gru) }
    let y = gru(x).output
    expectClose(model(x).doubles, Tensor.concat([y[0..., 3, 0 ..< 3], y[0..., 0, 3 ..< 6]], axis: -1).doubles,
                tolerance: 1e-12, "stacked bidirectional last step")
    #expect(Sequential { RecurrentSequence(gru, returnSequences: true) }(x).shape == [2, 4, 6])
    #expect(model.namedParameters.map(\.name).first == "0.weight_ih_l0")
    #expect(Permute([0, 2, 1])(x).shape == [2, 2, 4])
  }

  @Test func gradients() {
    let mean = Bidirectional(GRU(inputSize: 2, hiddenSize: 3, batchFirst: true, dtype: .float64), merge: .mean)
    checkGradients("Bidirectional GRU mean lengths", shapes: [[2, 3, 2]], range: -1...1) { t in
      let (y, h) = mean(t[0], lengths: [3, 2])
      return Tensor.concat([y.flattened(), h.flattened()])
    }
    let stacked = Bidirectional(RNN(inputSize: 2, hiddenSize: 2, numLayers: 2, dtype: .float64))
    checkGradients("Bidirectional stacked RNN concat", shapes: [[3, 2, 2]], range: -1...1) { t in
      stacked(t[0]).output
    }
  }

  /// Recurrent dropout keeps or drops each state unit for the whole sequence: with identity
  /// recurrent weights and no input, a kept unit grows by 1/(1 − p) per step, a dropped one is 0
  /// at every step; in inference the layer is untouched.
  @Test func recurrentDropoutUsesOneMaskPerSequence() {
    let units = 400, p = 0.5
    let rnn = RNN(inputSize: 1, hiddenSize: units, nonlinearity: .relu, recurrentDropout: p, dtype: .float64)
    let w = rnn.weights[0]
    w.inputWeight.assign(Tensor.zeros([units, 1], dtype: .float64))
    w.hiddenWeight.assign(Tensor.eye(units, dtype: .float64))
    w.inputBias!.assign(Tensor.zeros([units], dtype: .float64))
    w.hiddenBias!.assign(Tensor.zeros([units], dtype: .float64))
    let x = Tensor.zeros([3, 1, 1], dtype: .float64), h0 = Tensor.ones([1, 1, units], dtype: .float64)
    #expect(rnn(x, state: h0).output.doubles.allSatisfy { $0 == 1 }, "no dropout in inference")
    let y = withLearningPhase(.training) { rnn(x, state: h0).output }.doubles
    var dropped = 0
    for unit in 0..<units {
      let steps = (0..<3).map { y[$0 * units + unit] }
      if steps[0] == 0 {
        dropped += 1
        #expect(steps == [0, 0, 0], "unit \(unit) dropped at every step")
      } else {
        expectClose(steps, [2, 4, 8], tolerance: 1e-12, "unit \(unit) kept at every step")
      }
    }
    #expect((120...280).contains(dropped), "\(dropped) of \(units) units dropped at p = \(p)")
  }
}
