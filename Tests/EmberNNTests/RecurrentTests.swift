import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

/// The recurrent layers' and cells' behaviour beyond PyTorch's values (RecurrentFixtureTests):
/// Float64 gradient checks of every cell and variant, shapes, unbatched inputs, padding that never
/// reaches the state or the gradient, and dropout between layers only while training.
@Suite struct RecurrentTests {
  @Test func cellGradients() {
    let rnn = RNNCell(inputSize: 3, hiddenSize: 4, dtype: .float64)
    let relu = RNNCell(inputSize: 3, hiddenSize: 4, nonlinearity: .relu, dtype: .float64)
    let lstm = LSTMCell(inputSize: 3, hiddenSize: 4, dtype: .float64)
    let gru = GRUCell(inputSize: 3, hiddenSize: 4, dtype: .float64)
    checkGradients("RNNCell", shapes: [[2, 3], [2, 4]], range: -1...1) { t in rnn(t[0], state: t[1]) }
    checkGradients("RNNCell relu", shapes: [[2, 3], [2, 4]], range: 0.2...1) { t in relu(t[0], state: t[1]) }
    checkGradients("LSTMCell", shapes: [[2, 3], [2, 4], [2, 4]], range: -1...1) { t in
      let s = lstm(t[0], state: LSTMState(h: t[1], c: t[2]))
      return Tensor.concat([s.h, s.c], axis: -1)
    }
    checkGradients("GRUCell", shapes: [[2, 3], [2, 4]], range: -1...1) { t in gru(t[0], state: t[1]) }
  }

  /// Every variant: stacked, bidirectional, batch-first, projected, with lengths; the gradients
  /// of the input and the initial state through the outputs and the final state.
  @Test func layerGradients() {
    let lengths = [3, 1]
    let rnn = RNN(inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, dtype: .float64)
    let lstm = LSTM(inputSize: 2, hiddenSize: 3, batchFirst: true, bidirectional: true, dtype: .float64)
    let projected = LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, projectionSize: 2, dtype: .float64)
    let gru = GRU(inputSize: 2, hiddenSize: 3, numLayers: 2, dtype: .float64)
    checkGradients("RNN stacked bidirectional", shapes: [[3, 2, 2], [4, 2, 3]], range: -1...1) { t in
      let (y, s) = rnn(t[0], state: t[1])
      return Tensor.concat([y.flattened(), s.flattened()])
    }
    checkGradients("LSTM batch-first bidirectional lengths", shapes: [[2, 3, 2], [2, 2, 3], [2, 2, 3]],
                   range: -1...1) { t in
      let (y, s) = lstm(t[0], state: LSTMState(h: t[1], c: t[2]), lengths: lengths)
      return Tensor.concat([y.flattened(), s.h.flattened(), s.c.flattened()])
    }
    checkGradients("LSTM projection stacked", shapes: [[3, 2, 2], [2, 2, 2], [2, 2, 3]], range: -1...1) { t in
      let (y, s) = projected(t[0], state: LSTMState(h: t[1], c: t[2]))
      return Tensor.concat([y.flattened(), s.h.flattened(), s.c.flattened()])
    }
    checkGradients("GRU stacked lengths", shapes: [[3, 2, 2], [2, 2, 3]], range: -1...1) { t in
      let (y, s) = gru(t[0], state: t[1], lengths: lengths)
      return Tensor.concat([y.flattened(), s.flattened()])
    }
  }

  @Test func shapesFollowPyTorch() {
    let lstm = LSTM(inputSize: 5, hiddenSize: 7, numLayers: 3, bidirectional: true, projectionSize: 4)
    let (y, state) = lstm(Tensor.normal([6, 2, 5]))
    #expect(y.shape == [6, 2, 8])
    #expect(state.h.shape == [6, 2, 4] && state.c.shape == [6, 2, 7])
    #expect(lstm.namedParameters.map(\.name).prefix(5) == [
      "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0",
    ])
    #expect(lstm.namedParameters.count == 3 * 2 * 5)
    #expect(lstm.weights[2].inputWeight.shape == [28, 8])  // layer 1 reads both directions' outputs
    let gru = GRU(inputSize: 5, hiddenSize: 7, batchFirst: true)
    let (z, h) = gru(Tensor.normal([2, 6, 5]))
    #expect(z.shape == [2, 6, 7] && h.shape == [1, 2, 7])
    #expect(gru.namedParameters.map(\.name) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
    #expect(gru.weights[0].hiddenWeight.shape == [21, 7])
  }

  /// An unbatched `[T, input]` sequence gives the batch-of-one results without the batch axis.
  @Test func unbatchedInputs() {
    let rnn = RNN(inputSize: 3, hiddenSize: 4, numLayers: 2, dtype: .float64)
    let x = Tensor.normal([5, 3], dtype: .float64)
    let (y, h) = rnn(x)
    let (yb, hb) = rnn(x.unsqueezed(axis: 1))
    #expect(y.shape == [5, 4] && h.shape == [2, 4])
    expectClose(y.doubles, yb.doubles, tolerance: 1e-14)
    expectClose(h.doubles, hb.doubles, tolerance: 1e-14)
    let cell = GRUCell(inputSize: 3, hiddenSize: 4, dtype: .float64)
    expectClose(cell(x[0]).doubles, cell(x[0 ..< 1]).doubles, tolerance: 1e-14)
  }

  /// With lengths, whatever sits in the padding changes neither the outputs, the final state nor
  /// the gradient of the valid steps; each sequence gives what it gives alone.
  @Test func paddingNeverReachesTheState() {
    let lstm = LSTM(inputSize: 2, hiddenSize: 3, bidirectional: true, dtype: .float64)
    let x = Tensor.normal([4, 2, 2], dtype: .float64)
    let noise = Tensor.normal([4, 2, 2], dtype: .float64) * 100
    // Sequence 1 has 2 valid steps: noise in steps 2 and 3 of it only.
    let mask = Tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1] as [Double], shape: [4, 2, 2])
    let a = x.requiringGradient(), b = (x + noise * mask).requiringGradient()
    let (ya, sa) = lstm(a, state: nil, lengths: [4, 2])
    let (yb, sb) = lstm(b, state: nil, lengths: [4, 2])
    expectClose(ya.doubles, yb.doubles, tolerance: 1e-12, "outputs")
    expectClose(sa.h.doubles, sb.h.doubles, tolerance: 1e-12, "h")
    expectClose(sa.c.doubles, sb.c.doubles, tolerance: 1e-12, "c")
    #expect(ya[2..., 1].doubles.allSatisfy { $0 == 0 }, "padded outputs are zeros")
    let ga = (ya.sum() + sa.h.sum()).backward()[a]!, gb = (yb.sum() + sb.h.sum()).backward()[b]!
    expectClose(ga.doubles, gb.doubles, tolerance: 1e-12, "gradients")
    #expect(ga[2..., 1].doubles.allSatisfy { $0 == 0 }, "no gradient reaches the padding")
    // Sequence 1 alone, two steps long.
    let (alone, stateAlone) = lstm(x[0 ..< 2, 1 ..< 2], state: nil)
    expectClose(ya[0 ..< 2, 1 ..< 2].doubles, alone.doubles, tolerance: 1e-12, "alone")
    expectClose(sa.h[0..., 1 ..< 2].doubles, stateAlone.h.doubles, tolerance: 1e-12, "alone h")
  }

  @Test func dropoutBetweenLayersOnlyWhileTraining() {
    let gru = GRU(inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.5, dtype: .float64)
    let x = Tensor.normal([4, 2, 3], dtype: .float64)
    let first = gru(x).output, second = gru(x).output
    expectClose(first.doubles, second.doubles, tolerance: 0, "inference is deterministic")
    let trained = withLearningPhase(.training) { gru(x).output }
    #expect(trained.doubles != first.doubles)
    // One layer: no dropout anywhere, even in training.
    let single = GRU(inputSize: 3, hiddenSize: 8, dropout: 0.5, dtype: .float64)
    expectClose(withLearningPhase(.training) { single(x).output }.doubles, single(x).output.doubles, tolerance: 0)
  }

  /// A truncated backpropagation chunk: the detached state carries the values, not the gradient.
  @Test func detachedStateCarriesValuesOnly() {
    let lstm = LSTM(inputSize: 2, hiddenSize: 3, dtype: .float64)
    let x = Tensor.normal([6, 1, 2], dtype: .float64)
    let (whole, _) = lstm(x)
    let (firstHalf, state) = lstm(x[0 ..< 3])
    let (secondHalf, _) = lstm(x[3...], state: state.detached())
    expectClose(Tensor.concat([firstHalf, secondHalf]).doubles, whole.doubles, tolerance: 1e-12)
    let input = x.requiringGradient()
    let (_, carried) = lstm(input[0 ..< 3])
    let (y, _) = lstm(input[3...], state: carried.detached())
    let g = y.sum().backward()[input]!
    #expect(g[0 ..< 3].doubles.allSatisfy { $0 == 0 })
  }

  /// Truncated backpropagation through time: within a chunk the gradients equal the full
  /// computation's — for the chunk's inputs, and for the parameters of a loss on the first chunk —
  /// while nothing flows back across the detached state.
  @Test func truncatedBackpropagationKeepsEachChunksGradients() {
    let lstm = LSTM(inputSize: 2, hiddenSize: 3, dtype: .float64)
    let input = Tensor.normal([6, 2, 2], dtype: .float64).requiringGradient()
    let (whole, _) = lstm(input)
    let fullSecond = whole[3...].squared().sum().backward()
    let fullFirst = lstm(input).output[0 ..< 3].squared().sum().backward()
    let (first, state) = lstm(input[0 ..< 3])
    let chunkFirst = first.squared().sum().backward()
    let (second, _) = lstm(input[3...], state: state.detached())
    let chunkSecond = second.squared().sum().backward()
    expectClose(chunkSecond[input]![3...].doubles, fullSecond[input]![3...].doubles, tolerance: 1e-12, "chunk inputs")
    #expect(chunkSecond[input]![0 ..< 3].doubles.allSatisfy { $0 == 0 })
    #expect(fullSecond[input]![0 ..< 3].doubles.contains { abs($0) > 1e-6 }, "the full gradient does cross")
    for (name, parameter) in lstm.namedParameters {
      expectClose(chunkFirst[parameter]!.doubles, fullFirst[parameter]!.doubles, tolerance: 1e-12, name)
    }
  }

  /// A Keras-style mask: the mask of `lengths` gives the `lengths` results; a hole in the middle
  /// is skipped, as if the step were not there.
  @Test func masksSkipTheirSteps() {
    let gru = GRU(inputSize: 2, hiddenSize: 3, batchFirst: true, bidirectional: true, dtype: .float64)
    let x = Tensor.normal([2, 4, 2], dtype: .float64)
    let prefix = Tensor([1, 1, 1, 1, 1, 1, 0, 0] as [Double], shape: [2, 4])
    let (a, ha) = gru(x, state: nil, lengths: [4, 2])
    let (b, hb) = gru(x, state: nil, mask: prefix)
    expectClose(b.doubles, a.doubles, tolerance: 1e-12, "outputs")
    expectClose(hb.doubles, ha.doubles, tolerance: 1e-12, "states")
    let hole = Tensor([1, 0, 1, 1, 1, 1, 1, 1] as [Double], shape: [2, 4])
    let (y, h) = gru(x, state: nil, mask: hole)
    let without = Tensor.concat([x[0 ..< 1, 0 ..< 1], x[0 ..< 1, 2...]], axis: 1)
    let (z, hz) = gru(without)
    expectClose(h[0..., 0].doubles, hz[0..., 0].doubles, tolerance: 1e-12, "both directions skip the hole")
    #expect(y[0, 1].doubles.allSatisfy { $0 == 0 })
    expectClose(y[0, 3].doubles, z[0, 2].doubles, tolerance: 1e-12, "later steps as without the hole")
  }
}
