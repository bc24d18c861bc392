import EmberBackend

extension Tensor {
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
    if gradNode != nil {
      result.gradNode = GradNode(op: "target", inputs: [self], isTarget: true) { [$0[0]] }
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
}
