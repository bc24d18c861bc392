import EmberBackend

extension Tensor {
  /// Records a differentiable op: returns `result` carrying a node whose pullback maps the output's
  /// gradient to the inputs' gradients. Does nothing when no input tracks a gradient or recording is
  /// off. Pullbacks are written in `Tensor` ops, so second derivatives work with
  /// `backward(createGraph: true)`; they may return gradients of a broadcast shape, which
  /// `backward()` sums back to each input's shape. A pullback captures only what it needs.
  static func record(
    _ op: String, _ result: Tensor, inputs: [Tensor], pullback: @escaping (Tensor) -> [Tensor?]
  ) -> Tensor {
    guard GradientMode.isEnabled, inputs.contains(where: { $0.gradNode != nil }) else { return result }
    var output = result
    output.gradNode = GradNode(op: op, inputs: inputs) { gradients in pullback(gradients[0]!) }
    output.gradOutput = 0
    return output
  }

  /// Records an op whose pullback needs its own output `y`: the pullback receives `(G, y)`. When
  /// the backward pass is itself recorded (`createGraph`), `y` carries this op's node, so second
  /// derivatives see how `y` depends on the inputs — without the node holding its own output.
  static func recordWithOutput(
    _ op: String, _ result: Tensor, inputs: [Tensor],
    pullback: @escaping (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]
  ) -> Tensor {
    guard GradientMode.isEnabled, inputs.contains(where: { $0.gradNode != nil }) else { return result }
    let saved = result.detached()
    let box = WeakNode()
    let node = GradNode(op: op, inputs: inputs) { gradients in
      let y = GradientMode.isEnabled ? saved.withGradNode(box.node) : saved
      return pullback(gradients[0]!, y)
    }
    box.node = node
    return result.withGradNode(node)
  }

  /// Records an op with several outputs as one node (split, chunk, unbind): each result is one
  /// output of it, and the pullback receives every output's gradient at once (`nil` for outputs
  /// no gradient reached) and returns one gradient per input.
  static func recordOutputs(
    _ op: String, _ results: [Tensor], inputs: [Tensor],
    pullback: @escaping ([Tensor?]) -> [Tensor?]
  ) -> [Tensor] {
    guard GradientMode.isEnabled, inputs.contains(where: { $0.gradNode != nil }) else { return results }
    let node = GradNode(op: op, inputs: inputs, outputCount: results.count, pullback: pullback)
    return results.enumerated().map { index, result in
      var output = result
      output.gradNode = node
      output.gradOutput = index
      return output
    }
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
}

/// A node seen by its own pullback without a retain cycle.
final class WeakNode: @unchecked Sendable {
  weak var node: GradNode?
}
