import EmberCore

/// A recurrent layer as a `Tensor → Tensor` layer for `Sequential`, like a Keras recurrent layer:
/// the outputs of every step (`returnSequences`) or only each direction's output at its final step.
///
/// Parameters keep the wrapped layer's names (`weight_ih_l0`, …).
///
/// Shapes: input as the wrapped layer's → `[B, T, H]` (batch-first; `[T, B, H]` otherwise) with
/// `returnSequences`, else `[B, H]`; `H` is the wrapped layer's `sequenceOutputSize`.
public final class RecurrentSequence<Wrapped: RecurrentLayer>: Layer {
  public let layer: Wrapped
  public let returnSequences: Bool

  public init(_ layer: Wrapped, returnSequences: Bool = false) {
    self.layer = layer
    self.returnSequences = returnSequences
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let result = layer.sequence(input, lengths: nil)
    return returnSequences ? result.output : result.last
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { layer.visitParameters(&visitor) }
}
