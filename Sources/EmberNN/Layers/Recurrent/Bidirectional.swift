import EmberCore

/// Runs a recurrent layer forwards and a second one of the same configuration backwards over each
/// sequence, and merges their outputs step by step (Keras's `Bidirectional`): concatenated, summed
/// or averaged. With `lengths`, the backward layer reads each sequence from its last valid step,
/// so padding reaches neither direction.
///
/// Parameters live under `forward.` and `backward.` (`forward.weight_ih_l0`, …).
///
/// Shapes: input as the wrapped layer's (`[T, B, F]`, or `[B, T, F]` batch-first) → output
/// `[T, B, 2·H]` (concat) or `[T, B, H]` (sum, mean), `H` the wrapped layer's output size; state
/// `[2·layers·directions, B, H]`, the forward layer's final states then the backward layer's.
public final class Bidirectional<Wrapped: RecurrentLayer>: RecurrentLayer, Layer {
  public typealias Output = (output: Tensor, state: Tensor)

  /// How the two directions' outputs combine.
  public enum Merge: String, Codable, Sendable { case concat, sum, mean }

  public let forward: Wrapped
  public let backward: Wrapped
  public let merge: Merge

  /// Wraps `layer` (the forward direction); the backward direction is a fresh layer of its
  /// configuration.
  public init(_ layer: Wrapped, merge: Merge = .concat) {
    forward = layer
    backward = layer.makeSibling()
    self.merge = merge
  }

  private init(forward: Wrapped, backward: Wrapped, merge: Merge) {
    (self.forward, self.backward, self.merge) = (forward, backward, merge)
  }

  public var inputSize: Int { forward.inputSize }
  public var batchFirst: Bool { forward.batchFirst }
  public var sequenceOutputSize: Int { forward.sequenceOutputSize * (merge == .concat ? 2 : 1) }

  public func makeSibling() -> Bidirectional<Wrapped> {
    Bidirectional(forward: forward.makeSibling(), backward: backward.makeSibling(), merge: merge)
  }

  /// The merged outputs and both layers' final states, from zero initial states.
  public func callAsFunction(_ input: Tensor) -> (output: Tensor, state: Tensor) {
    callAsFunction(input, lengths: nil)
  }

  public func callAsFunction(_ input: Tensor, lengths: [Int]?) -> (output: Tensor, state: Tensor) {
    let result = sequence(input, lengths: lengths)
    return (result.output, result.h)
  }

  public func sequence(_ input: Tensor, lengths: [Int]?) -> (output: Tensor, last: Tensor, h: Tensor) {
    let timeAxis = input.rank == 3 && batchFirst ? 1 : 0
    let ahead = forward.sequence(input, lengths: lengths)
    let reversedInput = Self.reversingSteps(input, timeAxis: timeAxis, lengths: lengths)
    let behind = backward.sequence(reversedInput, lengths: lengths)
    let back = Self.reversingSteps(behind.output, timeAxis: timeAxis, lengths: lengths)
    return (merged(ahead.output, back), merged(ahead.last, behind.last), Tensor.concat([ahead.h, behind.h], axis: 0))
  }

  private func merged(_ a: Tensor, _ b: Tensor) -> Tensor {
    switch merge {
    case .concat: return Tensor.concat([a, b], axis: -1)
    case .sum: return a + b
    case .mean: return (a + b) * 0.5
    }
  }

  /// `x` with each sequence's first `lengths[b]` steps in reverse order (its padding left in place);
  /// every step reversed when `lengths` is `nil`. Its own inverse.
  static func reversingSteps(_ x: Tensor, timeAxis: Int, lengths: [Int]?) -> Tensor {
    guard let lengths, x.rank == 3 else { return x.flipped(axis: timeAxis) }
    let steps = x.shape[timeAxis], batch = lengths.count
    precondition(x.shape[1 - timeAxis] == batch,
                 "Bidirectional: \(batch) lengths for input \(x.shape)")
    guard lengths.contains(where: { $0 != steps }) else { return x.flipped(axis: timeAxis) }
    var order = [Int64](repeating: 0, count: steps * batch)
    for b in 0..<batch {
      for t in 0..<steps {
        let source = t < lengths[b] ? lengths[b] - 1 - t : t
        order[timeAxis == 0 ? t * batch + b : b * steps + t] = Int64(source)
      }
    }
    let shape = timeAxis == 0 ? [steps, batch, 1] : [batch, steps, 1]
    let index = Tensor(order, shape: shape, on: x.device).expanded(to: x.shape)
    return x.gathered(axis: timeAxis, index: index)
  }

  public func resetParameters(using generator: inout RandomGenerator) {
    forward.resetParameters(using: &generator)
    backward.resetParameters(using: &generator)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("forward", forward)
    visitor.visit("backward", backward)
  }
}
