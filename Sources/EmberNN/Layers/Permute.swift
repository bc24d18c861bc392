import EmberCore

/// Reorders the axes of its input, like `torch.permute` (the order names every axis, the batch
/// axis included): `Permute([0, 2, 1])` turns a batch-first sequence `[B, T, F]` into the
/// `[B, F, T]` layout `Conv1D` reads.
///
/// Shapes: input of rank `order.count` → the axes in `order`.
public final class Permute: Layer {
  public let order: [Int]

  public init(_ order: [Int]) {
    precondition(order.sorted() == Array(order.indices), "Permute: \(order) is not a permutation of 0..<\(order.count)")
    self.order = order
  }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == order.count, "Permute: input \(input.shape) does not have \(order.count) axes")
    return input.permuted(order)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
