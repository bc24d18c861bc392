import EmberBackend

extension Tensor {
  /// Back-propagates from this tensor and returns the gradients of every leaf and target reached.
  ///
  /// Each op's saved tensors are released as soon as its pullback has run (PyTorch's default), so
  /// memory falls during the backward pass; a second `backward()` through the same graph then
  /// traps unless the first one passed `retainGraph: true`.
  ///
  /// - Parameters:
  ///   - seed: the gradient of the final result; `nil` means ones (the usual case for a scalar loss).
  ///   - retainGraph: keep every pullback for another backward pass (default: `createGraph`).
  ///   - createGraph: record the backward pass itself, for higher-order derivatives.
  public func backward(seed: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false) -> Gradients {
    guard let root = gradNode else {
      preconditionFailure("backward: this tensor (shape \(shape)) does not depend on any tensor that requires a gradient")
    }
    let start = seed ?? Tensor.ones(like: self)
    precondition(start.shape == shape, "backward: seed shape \(start.shape) differs from result shape \(shape)")
    let retain = retainGraph ?? createGraph
    let output = gradOutput
    if createGraph {
      return withGradients { Tensor.runBackward(root: root, output: output, seed: start, retain: retain) }
    }
    return withoutGradients { Tensor.runBackward(root: root, output: output, seed: start, retain: retain) }
  }

  private static func runBackward(root: GradNode, output: Int, seed: Tensor, retain: Bool) -> Gradients {
    // Iterative post-order DFS; reversed, it is a topological order from the root.
    var order: [GradNode] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    var stack: [(node: GradNode, next: Int)] = [(root, 0)]
    while let top = stack.last {
      if top.next < top.node.inputs.count {
        stack[stack.count - 1].next += 1
        if let child = top.node.inputs[top.next], visited.insert(ObjectIdentifier(child)).inserted {
          stack.append((child, 0))
        }
      } else {
        order.append(top.node)
        stack.removeLast()
      }
    }
    // The gradients arrived so far at each node's outputs.
    var pending: [ObjectIdentifier: [Tensor?]] = [:]
    var rootGradients = [Tensor?](repeating: nil, count: root.outputCount)
    rootGradients[output] = seed
    pending[ObjectIdentifier(root)] = rootGradients
    var result = Gradients()
    for node in order.reversed() {
      guard let gradients = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
      if node.isTarget, let gradient = gradients[0] { result[node] = gradient }
      if node.isLeaf { continue }
      guard let pullback = node.pullback else {
        preconditionFailure(
          "backward: the graph through '\(node.op)' was freed by an earlier backward(); "
            + "pass retainGraph: true to that call to back-propagate through it again")
      }
      let inputGradients = pullback(gradients)
      if !retain { node.release() }  // the saved tensors go now, not when the loss dies
      for (index, input) in node.inputs.enumerated() {
        guard let input, index < inputGradients.count, var g = inputGradients[index] else { continue }
        let target = node.inputShapes[index]
        if g.shape != target { g = g.sumToShape(target, op: node.op) }  // undo broadcasting, once
        let key = ObjectIdentifier(input), slot = node.inputOutputs[index]
        var arrived = pending[key] ?? [Tensor?](repeating: nil, count: input.outputCount)
        arrived[slot] = arrived[slot].map { $0 + g } ?? g
        pending[key] = arrived
      }
    }
    return result
  }
}

/// The value of `f` at `x` and its gradient with respect to `x` (`f` must return a scalar).
public func valueWithGradient(at x: Tensor, in f: (Tensor) -> Tensor) -> (value: Tensor, gradient: Tensor) {
  let input = x.requiringGradient()
  let value = f(input)
  precondition(value.count == 1, "valueWithGradient: f must return one element, got shape \(value.shape)")
  let grads = value.gradNode == nil ? Gradients() : value.backward()
  return (value.detached(), grads[input] ?? Tensor.zeros(like: x))
}

/// The value of `f` at `(x, y)` and its gradients with respect to both.
public func valueWithGradient(
  at x: Tensor, _ y: Tensor, in f: (Tensor, Tensor) -> Tensor
) -> (value: Tensor, gradient: (Tensor, Tensor)) {
  let a = x.requiringGradient(), b = y.requiringGradient()
  let value = f(a, b)
  precondition(value.count == 1, "valueWithGradient: f must return one element, got shape \(value.shape)")
  let grads = value.gradNode == nil ? Gradients() : value.backward()
  return (value.detached(), (grads[a] ?? Tensor.zeros(like: x), grads[b] ?? Tensor.zeros(like: y)))
}

/// The gradient of `f` at `x` (`f` must return a scalar).
public func gradient(at x: Tensor, in f: (Tensor) -> Tensor) -> Tensor {
  valueWithGradient(at: x, in: f).gradient
}
