import EmberBackend
import EmberCore

/// A gated recurrent unit network, like `torch.nn.GRU`, with reset, update and new gates in
/// PyTorch's order and equations: `r = σ(x̃_r + h̃_r)`, `z = σ(x̃_z + h̃_z)`,
/// `n = tanh(x̃_n + r·h̃_n)`, `h' = (1 − z)·n + z·h` (`x̃ = x·W_ihᵀ + b_ih`, `h̃ = h·W_hhᵀ + b_hh`);
/// `numLayers` stacked layers, optionally bidirectional, parameters under PyTorch's names.
///
/// Shapes: input `[T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`, or unbatched
/// `[T, inputSize]`) → output `[T, B, D·hiddenSize]` (`D` = 2 when bidirectional), state
/// `[numLayers·D, B, hiddenSize]`.
public final class GRU: RecurrentLayer {
  public typealias Output = (output: Tensor, state: Tensor)

  let stack: RecurrentStack

  /// - Parameters:
  ///   - dropout: dropout on each layer's outputs but the last's, in training.
  ///   - recurrentDropout: dropout on the state entering each step's recurrent product, one mask
  ///     per sequence for all its steps (Keras's `recurrent_dropout`), in training.
  public init(
    inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
    dropout: Double = 0, recurrentDropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32
  ) {
    stack = RecurrentStack(
      mode: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
      batchFirst: batchFirst, dropout: dropout, recurrentDropout: recurrentDropout, bidirectional: bidirectional, dtype: dtype, layer: "GRU")
  }

  public var inputSize: Int { stack.inputSize }
  public var hiddenSize: Int { stack.hiddenSize }
  public var numLayers: Int { stack.numLayers }
  public var isBidirectional: Bool { stack.directions == 2 }
  public var batchFirst: Bool { stack.batchFirst }
  /// Each layer's parameters, `[layer · directions + direction]`.
  public var weights: [RecurrentWeights] { stack.weights }

  /// The outputs and final state from a zero initial state.
  public func callAsFunction(_ input: Tensor) -> (output: Tensor, state: Tensor) {
    callAsFunction(input, state: nil)
  }

  /// The outputs and final state from `state` (zeros when `nil`); with `lengths`, sequence `b`
  /// has `lengths[b]` valid steps (PyTorch's packed sequences); a `mask` `[B, T]` (Keras's)
  /// marks the steps to read instead, in any pattern: skipped steps keep the state and output zeros.
  public func callAsFunction(
    _ input: Tensor, state: Tensor?, lengths: [Int]? = nil, mask: Tensor? = nil
  ) -> (output: Tensor, state: Tensor) {
    let (output, h, _) = stack.run(input, h0: state, c0: nil, lengths: lengths, mask: mask, layer: "GRU")
    return (output, h)
  }

  init(stack: RecurrentStack) { self.stack = stack }

  public func makeSibling() -> GRU { GRU(stack: stack.makeSibling()) }

  public var outputSize: Int { stack.outputSize }

  public func sequence(_ input: Tensor, lengths: [Int]?) -> (output: Tensor, last: Tensor, h: Tensor) {
    let run = stack.run(input, h0: nil, c0: nil, lengths: lengths, layer: "GRU")
    return (run.output, stack.lastOutputs(run.h), run.h)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    stack.resetParameters(using: &generator)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { stack.visit(&visitor) }
}
