import EmberBackend

/// Gradient checkpointing (`torch.utils.checkpoint`): runs `body` without keeping what its ops
/// save for the backward pass, and runs it again, recording, when the gradient reaches its
/// outputs. Memory falls from every intermediate of `body` to its inputs and outputs, for one more
/// forward pass of `body` in backward.
///
/// `body` may use parameters (and any other leaf tensors) it captures: their gradients flow as if
/// it ran normally. Tensors that track gradients through other ops must come in through `inputs`.
/// The recomputation sees the same learning phase and draws the same random numbers (dropout
/// masks) as the first run.
///
/// ```swift
/// // 1,000 LSTM steps, 50 at a time: only the state between chunks is kept.
/// for chunk in stride(from: 0, to: 1000, by: 50) {
///   let s = checkpoint([h, c]) { s in run50Steps(from: chunk, h: s[0], c: s[1]) }
///   (h, c) = (s[0], s[1])
/// }
/// ```
public func checkpoint(_ inputs: [Tensor], _ body: @escaping ([Tensor]) -> [Tensor]) -> [Tensor] {
  guard GradientMode.isEnabled else { return body(inputs) }
  let phase = LearningPhase.current
  let streamBefore = Random.generator
  func leaves() -> [Tensor] {
    inputs.map { $0.gradNode != nil ? $0.detached().requiringGradient() : $0.detached() }
  }
  // The first run records, only to find the leaves `body` reaches; its graph is dropped at once.
  let fresh = leaves()
  // Both runs draw from a private copy of the stream, which the shared generator then skips past.
  let (probe, streamAfter) = Random.withGenerator(replacedBy: streamBefore) { withGradients { body(fresh) } }
  Random.generator = streamAfter
  let inputNodes = Set(fresh.compactMap { $0.gradNode.map(ObjectIdentifier.init) })
  var captured: [(node: GradNode, shape: [Int])] = []
  var seen: Set<ObjectIdentifier> = []
  var stack = probe.compactMap(\.gradNode)
  while let node = stack.popLast() {
    guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
    for (index, child) in node.inputs.enumerated() {
      guard let child else { continue }
      if child.isLeaf {
        if !inputNodes.contains(ObjectIdentifier(child)), seen.insert(ObjectIdentifier(child)).inserted {
          captured.append((child, node.inputShapes[index]))
        }
      } else {
        stack.append(child)
      }
    }
  }
  let outputs = probe.map { $0.detached() }
  guard !inputNodes.isEmpty || !captured.isEmpty else { return outputs }
  // Stand-ins carrying each captured leaf's node and shape (a broadcast scalar: no memory).
  let stand = captured.map { leaf in
    Tensor.zeros([1]).reshaped(Array(repeating: 1, count: leaf.shape.count)).expanded(to: leaf.shape)
      .withGradNode(leaf.node)
  }
  return Tensor.recordOutputs("checkpoint", outputs, inputs: inputs + stand) { gradients in
    let createGraph = GradientMode.isEnabled
    // Recording the backward pass (second derivatives), the recomputation hangs off the inputs
    // themselves, marked as targets, so the gradients it returns depend on them; the inner
    // backward then also walks the graph before the inputs, which `createGraph` keeps.
    let fresh = createGraph ? inputs.map { $0.gradNode != nil ? $0.requiringGradient() : $0 } : leaves()
    // The same stream as the first run, in place of the shared generator for this task only.
    let recomputed = Random.withGenerator(replacedBy: streamBefore) {
      withLearningPhase(phase) { withGradients { body(fresh) } }
    }.result
    // Σᵢ ⟨yᵢ, Gᵢ⟩ has gradient Σᵢ Gᵢ·∂yᵢ/∂x: one backward for every output at once.
    var total: Tensor? = nil
    withGradients {
      for (y, g) in zip(recomputed, gradients) {
        guard let g, y.gradNode != nil else { continue }
        let term = (y * (createGraph ? g : g.detached())).sum()
        total = total.map { $0 + term } ?? term
      }
    }
    guard let total else { return Array(repeating: nil, count: inputs.count + captured.count) }
    let inner = total.backward(createGraph: createGraph)
    return fresh.map { $0.gradNode.flatMap { inner[$0] } } + captured.map { inner[$0.node] }
  }
}

/// `checkpoint` of a single-input, single-output `body`.
public func checkpoint(_ input: Tensor, _ body: @escaping (Tensor) -> Tensor) -> Tensor {
  checkpoint([input]) { [body($0[0])] }[0]
}
