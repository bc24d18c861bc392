import EmberBackend

/// One recorded operation in the gradient graph: the nodes of its inputs and its pullback.
///
/// A node has one output or several (split, chunk and unbind produce all their pieces from one
/// node, whose pullback receives every piece's gradient at once). Leaves (tensors marked with
/// `requiringGradient()` and parameters) have no pullback; their node is the key under which
/// `Gradients` returns their gradient. The graph is the DAG reachable from a result and is freed
/// with it; `backward()` releases each pullback (and the tensors it saved) as soon as it has run,
/// unless asked to retain the graph.
public final class GradNode: @unchecked Sendable {
  /// The op's name, for diagnostics.
  public let op: String
  /// The nodes of the op's inputs (`nil` for inputs that track no gradient).
  private(set) var inputs: [GradNode?]
  /// Which output of each input's node the input is.
  let inputOutputs: [Int]
  /// The shapes of the op's inputs, to undo broadcasting.
  let inputShapes: [[Int]]
  /// How many tensors the op produced.
  let outputCount: Int
  /// Maps the gradients of the outputs (`nil` where none arrived) to the gradients of the
  /// inputs (`nil` where none flows).
  private(set) var pullback: (([Tensor?]) -> [Tensor?])?
  /// `true` when `backward()` reports this node's gradient.
  let isTarget: Bool
  /// `true` once a `backward()` has run and released the pullback.
  private(set) var isReleased = false

  /// A leaf node: a gradient target with no inputs.
  public init(leaf op: String = "leaf") {
    self.op = op
    self.inputs = []
    self.inputOutputs = []
    self.inputShapes = []
    self.outputCount = 1
    self.pullback = nil
    self.isTarget = true
  }

  init(op: String, inputs: [Tensor], outputCount: Int = 1, isTarget: Bool = false,
       pullback: @escaping ([Tensor?]) -> [Tensor?]) {
    self.op = op
    self.inputs = inputs.map(\.gradNode)
    self.inputOutputs = inputs.map(\.gradOutput)
    self.inputShapes = inputs.map(\.shape)
    self.outputCount = outputCount
    self.pullback = pullback
    self.isTarget = isTarget
  }

  /// `true` for nodes with no inputs (leaves).
  var isLeaf: Bool { inputs.isEmpty }

  /// Drops the pullback and what it captured (after `backward()` ran it).
  func release() {
    pullback = nil
    isReleased = true
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
