import EmberBackend

/// One recorded operation in the gradient graph: the nodes of its inputs and its pullback.
///
/// Leaves (tensors marked with `requiringGradient()` and parameters) have no pullback; their node is the
/// key under which `Gradients` returns their gradient. The graph is the DAG reachable from a result and
/// is freed with it.
public final class GradNode: @unchecked Sendable {
  /// The op's name, for diagnostics.
  public let op: String
  /// The nodes of the op's inputs (`nil` for inputs that track no gradient).
  private(set) var inputs: [GradNode?]
  /// The shapes of the op's inputs, to undo broadcasting.
  let inputShapes: [[Int]]
  /// Maps the gradient of the output to the gradients of the inputs (`nil` where none flows).
  private(set) var pullback: ((Tensor) -> [Tensor?])?
  /// `true` when `backward()` reports this node's gradient.
  let isTarget: Bool

  /// A leaf node: a gradient target with no inputs.
  public init(leaf op: String = "leaf") {
    self.op = op
    self.inputs = []
    self.inputShapes = []
    self.pullback = nil
    self.isTarget = true
  }

  init(op: String, inputs: [GradNode?], inputShapes: [[Int]], isTarget: Bool = false,
       pullback: @escaping (Tensor) -> [Tensor?]) {
    self.op = op
    self.inputs = inputs
    self.inputShapes = inputShapes
    self.pullback = pullback
    self.isTarget = isTarget
  }

  /// Tears the graph down iteratively: a long chain (an unrolled RNN, a deep loop) would otherwise
  /// free itself recursively, one stack frame per node, and overflow a thread's stack.
  deinit {
    var stack = inputs.compactMap { $0 }
    inputs = []
    pullback = nil  // its captured tensors' nodes are still held by `stack`
    while var node = stack.popLast() {
      if isKnownUniquelyReferenced(&node) {
        stack.append(contentsOf: node.inputs.compactMap { $0 })
        node.inputs = []
        node.pullback = nil
      }
    }
  }
}
