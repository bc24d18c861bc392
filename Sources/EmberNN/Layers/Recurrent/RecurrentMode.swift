import EmberCore

/// The recurrence a layer runs: `RNN`'s tanh or ReLU unit, `LSTM`'s cell, `GRU`'s gates.
public enum RecurrentMode: String, Codable, Sendable {
  case rnnTanh, rnnReLU, lstm, gru

  /// Rows of `weight_ih` per hidden unit.
  public var gates: Int {
    switch self {
    case .rnnTanh, .rnnReLU: return 1
    case .lstm: return 4
    case .gru: return 3
    }
  }

  /// `x̃ = x·W_ihᵀ + b_ih` for `x` `[…, input]` (a whole sequence in one GEMM); for the RNN and
  /// LSTM, whose hidden bias adds to the same pre-activations, `+ b_hh` as well, so each step's
  /// recurrent part is one GEMM accumulating into `x̃`.
  public func inputProjection(_ x: Tensor, weights: RecurrentWeights) -> Tensor {
    weights.inputProjection(x, addingHiddenBias: self != .gru)
  }

  /// One time step from `xProjection` (`inputProjection(x)` at this step, `[batch, gates·hidden]`)
  /// and the state `h` (and an LSTM's cell `c`); returns the new `h` (and `c`), in PyTorch's
  /// equations:
  /// - RNN: `h' = act(x̃ + h·W_hhᵀ)` (`x̃` holds both biases)
  /// - LSTM: `i, f, g, o = x̃ + h·W_hhᵀ`; `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')` (one
  ///   fused `lstmCell`), then `h'·W_hrᵀ` with a projection
  /// - GRU: `r = σ(x̃_r + h̃_r)`, `z = σ(x̃_z + h̃_z)`, `n = tanh(x̃_n + r·h̃_n)`, `h' = (1 − z)·n + z·h`
  ///   with `h̃ = h·W_hhᵀ + b_hh` (one fused `gruCell`)
  ///
  /// `recurrentInput` (default `h`) replaces `h` in the recurrent products `h·W_hhᵀ` only: the
  /// state masked by recurrent dropout.
  public func step(
    _ xProjection: Tensor, h: Tensor, c: Tensor?, weights: RecurrentWeights,
    recurrentInput: Tensor? = nil
  ) -> (h: Tensor, c: Tensor?) {
    let hIn = recurrentInput ?? h
    switch self {
    case .rnnTanh:
      return (weights.addingHiddenProduct(hIn, to: xProjection).tanh(), nil)
    case .rnnReLU:
      return (weights.addingHiddenProduct(hIn, to: xProjection).relu(), nil)
    case .lstm:
      guard let c else { preconditionFailure("LSTM step: no cell state") }
      let next = Tensor.lstmCell(gates: weights.addingHiddenProduct(hIn, to: xProjection), cell: c)
      return (weights.projected(next.h), next.c)
    case .gru:
      return (Tensor.gruCell(inputGates: xProjection, hiddenGates: weights.hiddenProjection(hIn), state: h), nil)
    }
  }
}
