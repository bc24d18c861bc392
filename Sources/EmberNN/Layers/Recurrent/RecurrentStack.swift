import EmberBackend
import EmberCore

/// The engine behind `RNN`, `LSTM` and `GRU`: `numLayers` layers of one or two directions, each
/// a `RecurrentWeights`, run over a sequence as PyTorch's `RNNBase` does.
///
/// Per layer and direction, the input projection of every time step is one GEMM; then one step of
/// `mode` per time step. With `lengths`, sequence `b` has `lengths[b]` valid steps (PyTorch's packed
/// sequences): past them its state stays as it was and its outputs are zeros, and the reverse
/// direction starts at its last valid step — padding reaches neither the state nor the gradient.
/// A `mask` (`[B, T]`, Keras's) may leave out any steps: each direction skips them, keeping its
/// state, and outputs zeros there.
/// Dropout (training only) applies to every layer's output but the last; recurrent dropout (Keras's
/// `recurrent_dropout`, training only) multiplies the state fed to each step's recurrent product by
/// one mask per layer, direction and sequence, the same at every step.
struct RecurrentStack {
  let mode: RecurrentMode
  let numLayers: Int
  let directions: Int
  let batchFirst: Bool
  let dropout: Dropout?
  /// The probability of dropping a state unit from the recurrent product, in training.
  let recurrentDropout: Double
  /// `layers[layer * directions + direction]`.
  let weights: [RecurrentWeights]
  /// Builds a fresh stack of the same configuration (the other direction of a `Bidirectional`).
  let makeSibling: () -> RecurrentStack

  init(
    mode: RecurrentMode, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool,
    batchFirst: Bool, dropout: Double, recurrentDropout: Double = 0, bidirectional: Bool,
    projectionSize: Int = 0, dtype: DType, layer: String
  ) {
    precondition((0..<1).contains(recurrentDropout),
                 "\(layer): recurrentDropout \(recurrentDropout) is not in 0..<1")
    self.recurrentDropout = recurrentDropout
    makeSibling = {
      RecurrentStack(
        mode: mode, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
        batchFirst: batchFirst, dropout: dropout, recurrentDropout: recurrentDropout,
        bidirectional: bidirectional, projectionSize: projectionSize, dtype: dtype, layer: layer)
    }
    precondition(numLayers >= 1, "\(layer): numLayers \(numLayers) must be at least 1")
    precondition((0...1).contains(dropout), "\(layer): dropout \(dropout) is not in 0...1")
    self.mode = mode
    self.numLayers = numLayers
    self.directions = bidirectional ? 2 : 1
    self.batchFirst = batchFirst
    self.dropout = dropout > 0 && numLayers > 1 ? Dropout(probability: dropout) : nil
    let outputSize = projectionSize > 0 ? projectionSize : hiddenSize
    var weights: [RecurrentWeights] = []
    for index in 0..<numLayers {
      for _ in 0..<directions {
        weights.append(RecurrentWeights(
          gates: mode.gates, inputSize: index == 0 ? inputSize : outputSize * directions,
          hiddenSize: hiddenSize, projectionSize: projectionSize, bias: bias, dtype: dtype))
      }
    }
    self.weights = weights
  }

  var outputSize: Int { weights[0].outputSize }
  var hiddenSize: Int { weights[0].hiddenSize }
  var inputSize: Int { weights[0].inputSize }

  /// PyTorch's names: `weight_ih_l0`, …, `weight_ih_l0_reverse`, ….
  func visit(_ visitor: inout ParameterVisitor) {
    for (index, w) in weights.enumerated() {
      let suffix = "_l\(index / directions)" + (index % directions == 1 ? "_reverse" : "")
      w.visit(&visitor) { $0 + suffix }
    }
  }

  func resetParameters(using generator: inout RandomGenerator) {
    for w in weights { w.resetParameters(using: &generator) }
  }

  /// Runs the stack. `input` is `[T, B, input]` (`[B, T, input]` when batch-first) or unbatched
  /// `[T, input]`; `h0` is `[layers·directions, B, output]` (`[layers·directions, output]`
  /// unbatched) and `c0` the same with the hidden size, zeros when `nil`. Returns the last layer's
  /// outputs `[T, B, directions·output]` (batch-first: `[B, T, …]`) and the final `h` (and `c`) of
  /// every layer and direction.
  func run(
    _ input: Tensor, h0: Tensor?, c0: Tensor?, lengths: [Int]?, mask: Tensor? = nil, layer: String
  ) -> (output: Tensor, h: Tensor, c: Tensor?) {
    precondition(input.rank == 2 || input.rank == 3,
                 "\(layer): input \(input.shape) should be [T, B, \(inputSize)], [B, T, \(inputSize)] with batchFirst, or unbatched [T, \(inputSize)]")
    let batched = input.rank == 3
    var x = batched ? (batchFirst ? input.transposed(0, 1) : input) : input.unsqueezed(axis: 1)
    precondition(x.shape[2] == inputSize, "\(layer): input \(input.shape) should have \(inputSize) features")
    let (steps, batch) = (x.shape[0], x.shape[1])
    let stateCount = numLayers * directions
    func initial(_ state: Tensor?, size: Int, name: String) -> [Tensor] {
      guard var state else {
        let zero = Tensor.zeros([batch, size], dtype: input.dtype, on: input.device)
        return [Tensor](repeating: zero, count: stateCount)
      }
      if !batched { state = state.unsqueezed(axis: 1) }
      precondition(state.shape == [stateCount, batch, size],
                   "\(layer): \(name) \(state.shape) should be [\(stateCount), \(batch), \(size)]\(batched ? "" : " (or [\(stateCount), \(size)] unbatched)") for input \(input.shape)")
      return state.unbind(axis: 0)
    }
    let hStates = initial(h0, size: outputSize, name: "h0")
    let cStates: [Tensor]? = mode == .lstm ? initial(c0, size: hiddenSize, name: "c0") : nil
    precondition(mode == .lstm || c0 == nil, "\(layer): only an LSTM takes a cell state")

    // Per step, which sequences are still running: [B, 1] booleans (nil: all of them, always).
    var masks: [Tensor]? = nil
    if let mask {
      // Keras's mask: [B, T] (or [T] unbatched), true (or 1) at the steps to read; any pattern.
      precondition(lengths == nil, "\(layer): pass lengths or a mask, not both")
      let m = batched ? mask : mask.unsqueezed(axis: 0)
      precondition(m.shape == [batch, steps],
                   "\(layer): mask \(mask.shape) should be [\(batch), \(steps)] (batch, steps) for input \(input.shape)")
      let valid = m.cast(to: .bool)
      if valid.doubles.contains(0) { masks = (0..<steps).map { t in valid[0..., t ..< (t + 1)] } }
    }
    if let lengths {
      precondition(lengths.count == batch && lengths.allSatisfy({ (1...steps).contains($0) }),
                   "\(layer): lengths \(lengths) should give each of the \(batch) sequences 1…\(steps) steps")
      if lengths.contains(where: { $0 < steps }) {
        masks = (0..<steps).map { t in
          Tensor(lengths.map { t < $0 ? 1.0 : 0.0 }, shape: [batch, 1], on: input.device).cast(to: .bool)
        }
      }
    }

    var finalH: [Tensor] = [], finalC: [Tensor] = []
    for index in 0..<numLayers {
      if index > 0, let dropout { x = dropout(x) }
      var outputs: [Tensor] = []
      for direction in 0..<directions {
        let k = index * directions + direction
        let (output, h, c) = runDirection(
          x, weights: weights[k], h: hStates[k], c: cStates?[k], masks: masks, reverse: direction == 1)
        outputs.append(output)
        finalH.append(h)
        if let c { finalC.append(c) }
      }
      x = outputs.count == 1 ? outputs[0] : Tensor.concat(outputs, axis: -1)
    }
    var h = Tensor.stack(finalH, axis: 0)
    var c = mode == .lstm ? Tensor.stack(finalC, axis: 0) : nil
    if !batched {
      x = x.squeezed(axis: 1)
      h = h.squeezed(axis: 1)
      c = c?.squeezed(axis: 1)
    }
    return (batched && batchFirst ? x.transposed(0, 1) : x, h, c)
  }

  /// The last layer's final states `[B, directions·output]` from `h` `[layers·directions, B, output]`
  /// (or unbatched `[layers·directions, output]`): what its outputs hold at each direction's final step.
  func lastOutputs(_ h: Tensor) -> Tensor {
    let last = (0..<directions).map { h[numLayers * directions - directions + $0] }
    return last.count == 1 ? last[0] : Tensor.concat(last, axis: -1)
  }

  /// One direction of one layer over time-first `x` `[T, B, features]`.
  private func runDirection(
    _ x: Tensor, weights: RecurrentWeights, h: Tensor, c: Tensor?, masks: [Tensor]?, reverse: Bool
  ) -> (output: Tensor, h: Tensor, c: Tensor?) {
    let projected = mode.inputProjection(x, weights: weights)
    var (h, c) = (h, c)
    // One recurrent-dropout mask [B, output] for the whole sequence, scaled by 1 / (1 − p).
    var stateMask: Tensor? = nil
    if recurrentDropout > 0, LearningPhase.isTraining {
      let ones = Tensor.ones(h.shape, dtype: h.dtype, on: h.device)
      let position = Random.withGenerator { $0.reserve(words: ones.count) }
      stateMask = ones.dropout(probability: recurrentDropout, position: position)
    }
    // Without lengths or a projection, the whole sequence is one op (`Tensor.lstmSequence`,
    // `Tensor.gruSequence`); the per-step loop below is the same computation, op by op.
    if masks == nil, weights.projectionWeight == nil {
      switch mode {
      case .lstm:
        let run = Tensor.lstmSequence(
          projections: projected, hiddenWeight: weights.hiddenWeight.value, h0: h, c0: c!,
          stateMask: stateMask, reverse: reverse)
        return (run.outputs, run.h, run.c)
      case .gru:
        let run = Tensor.gruSequence(
          projections: projected, hiddenWeight: weights.hiddenWeight.value,
          hiddenBias: weights.hiddenBias?.value, h0: h, stateMask: stateMask, reverse: reverse)
        return (run.outputs, run.h, nil)
      case .rnnTanh, .rnnReLU: break
      }
    }
    let projections = projected.unbind(axis: 0)
    var outputs = [Tensor?](repeating: nil, count: projections.count)
    let order = reverse ? Array(projections.indices.reversed()) : Array(projections.indices)
    for t in order {
      let next = mode.step(projections[t], h: h, c: c, weights: weights, recurrentInput: stateMask.map { h * $0 })
      guard let mask = masks?[t] else {
        (h, c) = (next.h, next.c)
        outputs[t] = next.h
        continue
      }
      // Finished sequences keep their state and output zeros.
      h = Tensor.where(mask, next.h, h)
      if let nextC = next.c, let previous = c { c = Tensor.where(mask, nextC, previous) }
      outputs[t] = Tensor.where(mask, next.h, 0)
    }
    return (Tensor.stack(outputs.map { $0! }, axis: 0), h, c)
  }
}
