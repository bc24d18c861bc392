import EmberBackend

// The gate arithmetic of the LSTM and GRU cells as fused ops: one pass forward and one pass
// backward over the gates, where the composed cell runs a dozen elementwise ops each way.

/// What the gate formulas need, so one formula serves the composed `Tensor` ops (the recorded,
/// second-derivative path) and the fused programs.
protocol GateOperand {
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  static func - (a: Double, b: Self) -> Self
  func sigmoid() -> Self
  func tanh() -> Self
}

extension Tensor: GateOperand {}
extension FusedProgramBuilder.Value: GateOperand {}

/// PyTorch's LSTM and GRU equations and their derivatives.
enum GateFormulas {
  /// `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
  static func lstm<T: GateOperand>(_ i: T, _ f: T, _ g: T, _ o: T, _ c: T) -> (h: T, c: T) {
    let cell = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return (o.sigmoid() * cell.tanh(), cell)
  }

  /// The gradients of the four pre-activation gates and of `c` from those of `h'` and `c'`:
  /// `dc'ₜ = dc' + dh'·σ(o)·(1 − tanh²c')`, `di = dc'ₜ·tanh(g)·σ'(i)`, `df = dc'ₜ·c·σ'(f)`,
  /// `dg = dc'ₜ·σ(i)·(1 − tanh²g)`, `do = dh'·tanh(c')·σ'(o)`, `dc = dc'ₜ·σ(f)`.
  static func lstmBackward<T: GateOperand>(
    _ i: T, _ f: T, _ g: T, _ o: T, _ c: T, dh: T, dc: T
  ) -> [T] {
    let (si, sf, tg, so) = (i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid())
    let tc = (sf * c + si * tg).tanh()
    let total = dc + dh * so * (1 - tc * tc)
    return [total * tg * si * (1 - si), total * c * sf * (1 - sf), total * si * (1 - tg * tg),
            dh * tc * so * (1 - so), total * sf]
  }

  /// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`, `h' = n + z·(h − n)`.
  static func gru<T: GateOperand>(_ x: [T], _ hidden: [T], _ h: T) -> T {
    let r = (x[0] + hidden[0]).sigmoid(), z = (x[1] + hidden[1]).sigmoid()
    let n = (x[2] + r * hidden[2]).tanh()
    return n + z * (h - n)
  }

  /// From `dh'`: `dn̂ = dh'·(1 − z)·(1 − n²)` (the new gate's pre-activation), `dr̂ = dn̂·h_n·σ'(r)`,
  /// `dẑ = dh'·(h − n)·σ'(z)`; the input gates get `(dr̂, dẑ, dn̂)`, the hidden ones
  /// `(dr̂, dẑ, dn̂·r)`, and `dh = dh'·z`.
  static func gruBackward<T: GateOperand>(_ x: [T], _ hidden: [T], _ h: T, dh: T) -> [T] {
    let r = (x[0] + hidden[0]).sigmoid(), z = (x[1] + hidden[1]).sigmoid()
    let n = (x[2] + r * hidden[2]).tanh()
    let dn = dh * (1 - z) * (1 - n * n)
    let dr = dn * hidden[2] * r * (1 - r)
    let dz = dh * (h - n) * z * (1 - z)
    return [dr, dz, dn, dn * r, dh * z]
  }
}

extension Tensor {
  /// The LSTM cell update from the pre-activation `gates` (`x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`,
  /// PyTorch's order i, f, g, o) and the cell state: `c' = σ(f)·c + σ(i)·tanh(g)`,
  /// `h' = σ(o)·tanh(c')`, in one fused pass; the backward is one fused pass too (composed from
  /// recorded ops when the backward is itself recorded).
  ///
  /// Shapes: `gates` `[B, 4H]`, `cell` `[B, H]` → `h` and `c` `[B, H]`.
  public static func lstmCell(gates: Tensor, cell: Tensor) -> (h: Tensor, c: Tensor) {
    precondition(gates.rank == 2 && cell.rank == 2 && gates.shape == [cell.shape[0], 4 * cell.shape[1]],
                 "lstmCell: gates \(gates.shape) should be [B, 4H] for the cell \(cell.shape) [B, H]")
    gates.checkDevice(cell, op: "lstmCell")
    let parts = gates.detached().chunked(4, axis: 1), c = cell.detached()
    let outputs = Tensor.fused("lstmCell", parts + [c]) { _, v in
      let (h, c) = GateFormulas.lstm(v[0], v[1], v[2], v[3], v[4])
      return [h, c]
    }
    let results = Tensor.recordOutputs("lstmCell", outputs, inputs: [gates, cell]) { grads in
      let dh = grads[0] ?? Tensor.zeros(like: c), dc = grads[1] ?? Tensor.zeros(like: c)
      if GradientMode.isEnabled {
        let split = gates.chunked(4, axis: 1)
        let d = GateFormulas.lstmBackward(split[0], split[1], split[2], split[3], cell, dh: dh, dc: dc)
        return [Tensor.concat(Array(d[0..<4]), axis: 1), d[4]]
      }
      let d = Tensor.fused("lstmCell backward", parts + [c, dh, dc]) { _, v in
        GateFormulas.lstmBackward(v[0], v[1], v[2], v[3], v[4], dh: v[5], dc: v[6])
      }
      return [Tensor.concat(Array(d[0..<4]), axis: 1), d[4]]
    }
    return (results[0], results[1])
  }

  /// The GRU cell update from the input gates (`x·W_ihᵀ + b_ih`) and hidden gates
  /// (`h·W_hhᵀ + b_hh`), PyTorch's order r, z, n: `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`,
  /// `n = tanh(x_n + r·h_n)`, `h' = (1 − z)·n + z·h`, in one fused pass each way.
  ///
  /// Shapes: `inputGates` and `hiddenGates` `[B, 3H]`, `state` `[B, H]` → `[B, H]`.
  public static func gruCell(inputGates: Tensor, hiddenGates: Tensor, state: Tensor) -> Tensor {
    precondition(state.rank == 2 && inputGates.shape == [state.shape[0], 3 * state.shape[1]]
                   && hiddenGates.shape == inputGates.shape,
                 "gruCell: gates \(inputGates.shape) and \(hiddenGates.shape) should be [B, 3H] for the state \(state.shape) [B, H]")
    inputGates.checkDevice(hiddenGates, op: "gruCell")
    inputGates.checkDevice(state, op: "gruCell")
    let x = inputGates.detached().chunked(3, axis: 1), hidden = hiddenGates.detached().chunked(3, axis: 1)
    let h = state.detached()
    let output = Tensor.fused("gruCell", x + hidden + [h]) { _, v in
      [GateFormulas.gru(Array(v[0..<3]), Array(v[3..<6]), v[6])]
    }[0]
    return Tensor.record("gruCell", output, inputs: [inputGates, hiddenGates, state]) { g in
      let d: [Tensor]
      if GradientMode.isEnabled {
        d = GateFormulas.gruBackward(inputGates.chunked(3, axis: 1), hiddenGates.chunked(3, axis: 1), state, dh: g)
      } else {
        d = Tensor.fused("gruCell backward", x + hidden + [h, g]) { _, v in
          GateFormulas.gruBackward(Array(v[0..<3]), Array(v[3..<6]), v[6], dh: v[7])
        }
      }
      return [Tensor.concat(Array(d[0..<3]), axis: 1), Tensor.concat([d[0], d[1], d[3]], axis: 1), d[4]]
    }
  }
}
