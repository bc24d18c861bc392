import EmberCore

/// A recurrent layer that reads a whole sequence: `RNN`, `LSTM`, `GRU`, or a `Bidirectional`
/// wrapper around one. What `Bidirectional` and the sequence models build on.
public protocol RecurrentLayer: Module {
  /// Features per step of the input.
  var inputSize: Int { get }
  /// Features per step of the output (both directions together when bidirectional).
  var sequenceOutputSize: Int { get }
  /// Whether the input is `[B, T, features]` rather than `[T, B, features]`.
  var batchFirst: Bool { get }
  /// The outputs of every step, each direction's output at its final step (`last`,
  /// `[B, sequenceOutputSize]`: the forward direction's after the last valid step, the backward
  /// direction's after the first, merged as the outputs are), and the final `h` of every layer and
  /// direction (`[layers·directions, B, output]`), from a zero initial state. With `lengths`,
  /// sequence `b` has `lengths[b]` valid steps: its outputs past them are zeros and its final
  /// state is that of its last valid step.
  func sequence(_ input: Tensor, lengths: [Int]?) -> (output: Tensor, last: Tensor, h: Tensor)
  /// A freshly initialized layer of the same configuration.
  func makeSibling() -> Self
  /// Draws fresh parameters from `generator`, as at initialization.
  func resetParameters(using generator: inout RandomGenerator)
}

extension RNN { public var sequenceOutputSize: Int { outputSize * (isBidirectional ? 2 : 1) } }
extension LSTM { public var sequenceOutputSize: Int { outputSize * (isBidirectional ? 2 : 1) } }
extension GRU { public var sequenceOutputSize: Int { outputSize * (isBidirectional ? 2 : 1) } }
