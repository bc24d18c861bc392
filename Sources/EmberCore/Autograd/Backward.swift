import EmberBackend

extension Tensor {
  /// Records a differentiable op: returns `result` carrying a node whose pullback maps the output's
  /// gradient to the inputs' gradients. Does nothing when no input tracks a gradient or recording is
  /// off. Pullbacks are written in `Tensor` ops, so second derivatives work with
  /// `backward(createGraph: true)`; they may return gradients of a broadcast shape, which
  /// `backward()` sums back to each input's shape.
  static func record(
    _ op: String, _ result: Tensor, inputs: [Tensor], pullback: @escaping (Tensor) -> [Tensor?]
  ) -> Tensor {
    guard GradientMode.isEnabled, inputs.contains(where: { $0.gradNode != nil }) else { return result }
    var output = result
    output.gradNode = GradNode(
      op: op, inputs: inputs.map(\.gradNode), inputShapes: inputs.map(\.shape), pullback: pullback)
    return output
  }

  /// Defines a differentiable op from a forward and a backward closure.
  ///
  /// `forward` receives the inputs (untracked) and computes the result; `backward` receives the inputs,
  /// the result and the result's gradient, and returns one gradient per input (`nil` for none).
  ///
  /// ```swift
  /// let cube = Tensor.customOp("cube", inputs: [x], forward: { $0[0] * $0[0] * $0[0] },
  ///                            backward: { inputs, _, g in [g * 3 * inputs[0] * inputs[0]] })
  /// ```
  public static func customOp(
    _ name: String, inputs: [Tensor], forward: ([Tensor]) -> Tensor,
    backward: @escaping (_ inputs: [Tensor], _ output: Tensor, _ gradient: Tensor) -> [Tensor?]
  ) -> Tensor {
    let result = withoutGradients { forward(inputs.map { $0.detached() }) }
    return record(name, result, inputs: inputs) { g in
      let grads = backward(inputs, result, g)
      precondition(grads.count == inputs.count,
                   "\(name): backward returned \(grads.count) gradients for \(inputs.count) inputs")
      return grads
    }
  }

  /// This tensor without its gradient history (same buffer).
  public func detached() -> Tensor {
    Tensor(buffer: buffer, layout: layout, dtype: dtype)
  }

  /// This tensor marked as a gradient target: `backward()` reports its gradient under it.
  ///
  /// On an untracked tensor (an input) this starts a new leaf; on a tracked one (an activation) the
  /// gradient flowing through it is reported while it continues to its inputs.
  public func requiringGradient() -> Tensor {
    precondition(dtype.isFloatingPoint, "requiringGradient: only floating-point tensors have gradients, not \(dtype)")
    var result = detached()
    if let node = gradNode {
      result.gradNode = GradNode(op: "target", inputs: [node], inputShapes: [shape], isTarget: true) {
        [$0]
      }
    } else {
      result.gradNode = GradNode(leaf: "leaf")
    }
    return result
  }

  /// This tensor carrying `node` as its gradient key (how a parameter keeps one identity across updates).
  public func withGradNode(_ node: GradNode?) -> Tensor {
    var result = detached()
    result.gradNode = node
    return result
  }

  /// Back-propagates from this tensor and returns the gradients of every leaf and target reached.
  ///
  /// - Parameters:
  ///   - seed: the gradient of the final result; `nil` means ones (the usual case for a scalar loss).
  ///   - createGraph: record the backward pass itself, for higher-order derivatives.
  public func backward(seed: Tensor? = nil, createGraph: Bool = false) -> Gradients {
    guard let root = gradNode else {
      preconditionFailure("backward: this tensor (shape \(shape)) does not depend on any tensor that requires a gradient")
    }
    let start = seed ?? Tensor.ones(like: self)
    precondition(start.shape == shape, "backward: seed shape \(start.shape) differs from result shape \(shape)")
    if createGraph { return withGradients { Tensor.runBackward(root: root, seed: start) } }
    return withoutGradients { Tensor.runBackward(root: root, seed: start) }
  }

  private static func runBackward(root: GradNode, seed: Tensor) -> Gradients {
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
    var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
    var result = Gradients()
    for node in order.reversed() {
      guard let gradient = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
      if node.isTarget { result[node] = gradient }
      guard let pullback = node.pullback else { continue }
      let inputGradients = pullback(gradient)
      for (index, input) in node.inputs.enumerated() {
        guard let input, index < inputGradients.count, var g = inputGradients[index] else { continue }
        let target = node.inputShapes[index]
        if g.shape != target { g = g.sumToShape(target, op: node.op) }  // undo broadcasting, once
        let key = ObjectIdentifier(input)
        if let existing = pending[key] { pending[key] = existing + g } else { pending[key] = g }
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
