import EmberBackend

// Whole sequences of LSTM and GRU steps as one recorded op each: the forward runs one GEMM and one
// fused gate pass per step, recording nothing per step; the backward runs one fused gate pass and
// one GEMM per step, then the recurrent weight's gradient for every step at once (one GEMM over
// all T·B rows). The per-step ops (`lstmCell`, `gruCell` and `addmm`) stay the oracle: the layers
// take them wherever this op does not apply (lengths, projections) and for gradients of gradients.

/// The gate programs, built once per dtype.
private enum SequencePrograms {
  static func lstm(_ dtype: DType) -> (FusedProgram, [Double]) {
    FusedProgram.build(dtype: dtype) { b in
      let v = (0..<5).map { b.input($0) }
      let (h, c) = GateFormulas.lstm(v[0], v[1], v[2], v[3], v[4])
      return [h, c]
    }
  }
  static func lstmBackward(_ dtype: DType) -> (FusedProgram, [Double]) {
    FusedProgram.build(dtype: dtype) { b in
      let v = (0..<7).map { b.input($0) }
      return GateFormulas.lstmBackward(v[0], v[1], v[2], v[3], v[4], dh: v[5], dc: v[6])
    }
  }
  static func gru(_ dtype: DType) -> (FusedProgram, [Double]) {
    FusedProgram.build(dtype: dtype) { b in
      let v = (0..<7).map { b.input($0) }
      return [GateFormulas.gru(Array(v[0..<3]), Array(v[3..<6]), v[6])]
    }
  }
  static func gruBackward(_ dtype: DType) -> (FusedProgram, [Double]) {
    FusedProgram.build(dtype: dtype) { b in
      let v = (0..<8).map { b.input($0) }
      return GateFormulas.gruBackward(Array(v[0..<3]), Array(v[3..<6]), v[6], dh: v[7])
    }
  }
}

extension Tensor {
  /// Every step of an LSTM layer's direction over precomputed input projections, as one op:
  /// `gatesₜ = x̃ₜ + (hₜ₋₁ ⊙ m)·W_hhᵀ`, then `lstmCell` (PyTorch's gate order i, f, g, o), from the
  /// last step to the first when `reverse`. `stateMask` (recurrent dropout) multiplies the state
  /// fed to the recurrent product only.
  ///
  /// The backward is truncated at nothing: it runs through every step, one fused gate pass and one
  /// `[B, 4H]·[4H, H]` product per step, and `dW_hh = Σₜ dgatesₜᵀ·(hₜ₋₁ ⊙ m)` as one GEMM.
  /// When the backward is itself recorded, it replays the steps as recorded ops instead.
  ///
  /// Shapes: `projections` `[T, B, 4H]` (both biases folded in), `hiddenWeight` `[4H, H]`, `h0`,
  /// `c0` and `stateMask` `[B, H]` → outputs `[T, B, H]`, final `h` and `c` `[B, H]`.
  public static func lstmSequence(
    projections: Tensor, hiddenWeight: Tensor, h0: Tensor, c0: Tensor, stateMask: Tensor? = nil,
    reverse: Bool = false
  ) -> (outputs: Tensor, h: Tensor, c: Tensor) {
    let (steps, batch, width) = (projections.shape[0], projections.shape[1], projections.shape[2])
    let hidden = hiddenWeight.shape[1]
    precondition(projections.rank == 3 && width == 4 * hidden && hiddenWeight.shape == [4 * hidden, hidden]
                   && h0.shape == [batch, hidden] && c0.shape == [batch, hidden]
                   && (stateMask.map { $0.shape == [batch, hidden] } ?? true),
                 "lstmSequence: projections \(projections.shape), hiddenWeight \(hiddenWeight.shape), h0 \(h0.shape), c0 \(c0.shape) do not fit [T, B, 4H], [4H, H], [B, H]")
    let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
    let dtype = projections.dtype
    let mask = stateMask?.detached()
    var gates: [Tensor] = [], cells: [Tensor] = [], inputs: [Tensor] = []
    gates.reserveCapacity(steps); cells.reserveCapacity(steps); inputs.reserveCapacity(steps)
    var outputs = [Tensor?](repeating: nil, count: steps)
    var (h, c) = (h0.detached(), c0.detached())
    withoutGradients {
      let (program, scalars) = SequencePrograms.lstm(dtype)
      let weight = hiddenWeight.detached().transposed()
      let x = projections.detached()
      for t in order {
        let recurrentInput = mask.map { h * $0 } ?? h
        let g = Tensor.addmm(x[t], recurrentInput, weight)
        let next = Tensor.launchFused("lstmSequence", program, scalars: scalars,
                                      inputs: g.chunked(4, axis: 1) + [c])
        gates.append(g); cells.append(c); inputs.append(recurrentInput)
        (h, c) = (next[0], next[1])
        outputs[t] = h
      }
    }
    let stacked = Tensor.stack(outputs.map { $0! }, axis: 0)
    let results = Tensor.recordOutputs(
      "lstmSequence", [stacked, h, c], inputs: [projections, hiddenWeight, h0, c0]
    ) { grads in
      if GradientMode.isEnabled {
        return replayLSTM(grads, projections: projections, hiddenWeight: hiddenWeight, h0: h0, c0: c0,
                          stateMask: mask, order: order)
      }
      let (program, scalars) = SequencePrograms.lstmBackward(dtype)
      let weight = hiddenWeight.detached()
      var dh = grads[1] ?? Tensor.zeros([batch, hidden], dtype: dtype, on: h0.device)
      var dc = grads[2] ?? Tensor.zeros([batch, hidden], dtype: dtype, on: h0.device)
      let dOutputs = grads[0]
      var dGates = [Tensor?](repeating: nil, count: steps)
      // Step k of the forward order is time order[k]; its saved tensors are at index k.
      for k in (0..<steps).reversed() {
        let t = order[k]
        let total = dOutputs.map { dh + $0[t] } ?? dh
        let d = Tensor.launchFused("lstmSequence backward", program, scalars: scalars,
                                   inputs: gates[k].chunked(4, axis: 1) + [cells[k], total, dc])
        let dg = Tensor.concat(Array(d[0..<4]), axis: 1)
        dGates[t] = dg
        dh = dg.matmul(weight)  // d(h ⊙ m) = dgates·W_hh
        if let mask { dh = dh * mask }
        dc = d[4]
      }
      let all = Tensor.stack(dGates.map { $0! }, axis: 0)  // [T, B, 4H]
      // Saved inputs are in forward order; the gates' rows must be too.
      let ordered = reverse ? all.flipped(axis: 0) : all
      let dWeight = ordered.reshaped([steps * batch, width]).transposed()
        .matmul(Tensor.stack(inputs, axis: 0).reshaped([steps * batch, hidden]))
      return [all, dWeight, dh, dc]
    }
    return (results[0], results[1], results[2])
  }

  /// The LSTM steps as recorded per-step ops from targets on the inputs, differentiated with their
  /// backward recorded: the gradients of gradients of `lstmSequence`.
  private static func replayLSTM(
    _ grads: [Tensor?], projections: Tensor, hiddenWeight: Tensor, h0: Tensor, c0: Tensor,
    stateMask: Tensor?, order: [Int]
  ) -> [Tensor?] {
    let targets = [projections, hiddenWeight, h0, c0].map { $0.gradNode != nil ? $0.requiringGradient() : $0 }
    let x = targets[0].unbind(axis: 0), weight = targets[1].transposed()
    var (h, c) = (targets[2], targets[3])
    var outputs = [Tensor?](repeating: nil, count: order.count)
    for t in order {
      let next = Tensor.lstmCell(gates: Tensor.addmm(x[t], stateMask.map { h * $0 } ?? h, weight), cell: c)
      (h, c) = (next.h, next.c)
      outputs[t] = h
    }
    let results = [Tensor.stack(outputs.map { $0! }, axis: 0), h, c]
    return replayGradients(results, grads, targets: targets)
  }

  /// `Σᵢ ⟨resultᵢ, gradᵢ⟩` differentiated with its backward recorded, for each target.
  private static func replayGradients(_ results: [Tensor], _ grads: [Tensor?], targets: [Tensor]) -> [Tensor?] {
    var total: Tensor? = nil
    for (y, g) in zip(results, grads) {
      guard let g else { continue }
      let term = (y * g).sum()
      total = total.map { $0 + term } ?? term
    }
    guard let total, total.gradNode != nil else { return targets.map { _ in nil } }
    let inner = total.backward(createGraph: true)
    return targets.map { $0.gradNode.flatMap { inner[$0] } }
  }

  /// Every step of a GRU layer's direction over precomputed input projections, as one op:
  /// `h̃ₜ = (hₜ₋₁ ⊙ m)·W_hhᵀ + b_hh`, then `gruCell` (PyTorch's order r, z, n), from the last step
  /// to the first when `reverse`. The backward runs one fused pass and one `[B, 3H]·[3H, H]` product
  /// per step, then `dW_hh` in one GEMM and `db_hh` in one sum.
  ///
  /// Shapes: `projections` `[T, B, 3H]` (`x·W_ihᵀ + b_ih`), `hiddenWeight` `[3H, H]`, `hiddenBias`
  /// `[3H]`, `h0` and `stateMask` `[B, H]` → outputs `[T, B, H]`, final `h` `[B, H]`.
  public static func gruSequence(
    projections: Tensor, hiddenWeight: Tensor, hiddenBias: Tensor?, h0: Tensor, stateMask: Tensor? = nil,
    reverse: Bool = false
  ) -> (outputs: Tensor, h: Tensor) {
    let (steps, batch, width) = (projections.shape[0], projections.shape[1], projections.shape[2])
    let hidden = hiddenWeight.shape[1]
    precondition(projections.rank == 3 && width == 3 * hidden && hiddenWeight.shape == [3 * hidden, hidden]
                   && h0.shape == [batch, hidden] && (hiddenBias.map { $0.shape == [3 * hidden] } ?? true)
                   && (stateMask.map { $0.shape == [batch, hidden] } ?? true),
                 "gruSequence: projections \(projections.shape), hiddenWeight \(hiddenWeight.shape), h0 \(h0.shape) do not fit [T, B, 3H], [3H, H], [B, H]")
    let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
    let dtype = projections.dtype
    let mask = stateMask?.detached()
    var hiddenGates: [Tensor] = [], states: [Tensor] = [], inputs: [Tensor] = []
    var outputs = [Tensor?](repeating: nil, count: steps)
    var h = h0.detached()
    withoutGradients {
      let (program, scalars) = SequencePrograms.gru(dtype)
      let weight = hiddenWeight.detached().transposed()
      let bias = hiddenBias?.detached()
      let x = projections.detached()
      for t in order {
        let recurrentInput = mask.map { h * $0 } ?? h
        let hg = bias.map { Tensor.addmm($0, recurrentInput, weight) } ?? recurrentInput.matmul(weight)
        let next = Tensor.launchFused("gruSequence", program, scalars: scalars,
                                      inputs: x[t].chunked(3, axis: 1) + hg.chunked(3, axis: 1) + [h])[0]
        hiddenGates.append(hg); states.append(h); inputs.append(recurrentInput)
        h = next
        outputs[t] = h
      }
    }
    let stacked = Tensor.stack(outputs.map { $0! }, axis: 0)
    var recorded = [projections, hiddenWeight, h0]
    if let hiddenBias { recorded.append(hiddenBias) }
    let results = Tensor.recordOutputs("gruSequence", [stacked, h], inputs: recorded) { grads in
      if GradientMode.isEnabled {
        let targets = recorded.map { $0.gradNode != nil ? $0.requiringGradient() : $0 }
        let x = targets[0].unbind(axis: 0), weight = targets[1].transposed()
        let bias = hiddenBias != nil ? targets[3] : nil
        var h = targets[2]
        var outputs = [Tensor?](repeating: nil, count: steps)
        for t in order {
          let input = mask.map { h * $0 } ?? h
          let hg = bias.map { Tensor.addmm($0, input, weight) } ?? input.matmul(weight)
          h = Tensor.gruCell(inputGates: x[t], hiddenGates: hg, state: h)
          outputs[t] = h
        }
        return replayGradients([Tensor.stack(outputs.map { $0! }, axis: 0), h], grads, targets: targets)
      }
      let (program, scalars) = SequencePrograms.gruBackward(dtype)
      let weight = hiddenWeight.detached()
      let x = projections.detached()
      var dh = grads[1] ?? Tensor.zeros([batch, hidden], dtype: dtype, on: h0.device)
      let dOutputs = grads[0]
      var dInput = [Tensor?](repeating: nil, count: steps), dHidden = [Tensor?](repeating: nil, count: steps)
      for k in (0..<steps).reversed() {
        let t = order[k]
        let total = dOutputs.map { dh + $0[t] } ?? dh
        let d = Tensor.launchFused("gruSequence backward", program, scalars: scalars,
                                   inputs: x[t].chunked(3, axis: 1) + hiddenGates[k].chunked(3, axis: 1) + [states[k], total])
        let dHiddenGates = Tensor.concat([d[0], d[1], d[3]], axis: 1)
        dInput[t] = Tensor.concat([d[0], d[1], d[2]], axis: 1)
        dHidden[k] = dHiddenGates  // forward order, as the saved inputs
        let throughProduct = dHiddenGates.matmul(weight)
        dh = d[4] + (mask.map { throughProduct * $0 } ?? throughProduct)
      }
      let hiddenRows = Tensor.stack(dHidden.map { $0! }, axis: 0).reshaped([steps * batch, width])
      let dWeight = hiddenRows.transposed().matmul(Tensor.stack(inputs, axis: 0).reshaped([steps * batch, hidden]))
      var result: [Tensor?] = [Tensor.stack(dInput.map { $0! }, axis: 0), dWeight, dh]
      if hiddenBias != nil { result.append(hiddenRows.sum(axis: 0)) }
      return result
    }
    return (results[0], results[1])
  }
}
