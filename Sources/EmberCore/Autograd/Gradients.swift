import EmberBackend

/// The result of `backward()`: gradients keyed by the leaf or target they belong to.
///
/// Look one up with the tensor you marked (`grads[x]`) or the node of a parameter. Gradients from
/// several micro-batches add up with `+`. Iteration (`nodes`, clipping, summing) follows the order
/// in which the gradients were produced — a property of the graph, never of a hash seed — so two
/// processes with the same seed combine them in the same order and get bit-identical results.
public struct Gradients: @unchecked Sendable {
  private var entries: [(node: GradNode, value: Tensor)] = []
  private var index: [ObjectIdentifier: Int] = [:]

  public init() {}

  /// The gradient for the tensor `x` was marked with (`requiringGradient()`), or `nil`.
  public subscript(_ x: Tensor) -> Tensor? {
    guard let node = x.gradNode else { return nil }
    return self[node]
  }

  /// The gradient for `node`, or `nil` when no gradient reached it. Setting `nil` removes it.
  public subscript(_ node: GradNode) -> Tensor? {
    get { index[ObjectIdentifier(node)].map { entries[$0].value } }
    set {
      let key = ObjectIdentifier(node)
      switch (index[key], newValue) {
      case (let position?, let value?): entries[position].value = value
      case (nil, let value?):
        index[key] = entries.count
        entries.append((node, value))
      case (let position?, nil):
        entries.remove(at: position)
        index[key] = nil
        for i in position..<entries.count { index[ObjectIdentifier(entries[i].node)] = i }
      case (nil, nil): break
      }
    }
  }

  /// Number of gradients held.
  public var count: Int { entries.count }

  /// `true` when no gradient is held.
  public var isEmpty: Bool { entries.isEmpty }

  /// The nodes that have a gradient, in the order their gradients were produced.
  public var nodes: [GradNode] { entries.map(\.node) }

  /// Elementwise sum of two sets of gradients (keys in either; `lhs`'s order, then `rhs`'s new keys).
  public static func + (lhs: Gradients, rhs: Gradients) -> Gradients {
    var result = lhs
    result += rhs
    return result
  }

  /// Adds `rhs`'s gradients into these.
  public static func += (lhs: inout Gradients, rhs: Gradients) {
    for (node, value) in rhs.entries {
      if let existing = lhs[node] { lhs[node] = existing + value } else { lhs[node] = value }
    }
  }

  /// Every gradient multiplied by `scale` (e.g. to average accumulated micro-batches).
  public func scaled(by scale: Double) -> Gradients {
    var result = self
    for i in result.entries.indices { result.entries[i].value = result.entries[i].value * scale }
    return result
  }

  /// Every gradient multiplied by the scalar tensor `scale` (which stays on the device).
  public func scaled(by scale: Tensor) -> Gradients {
    var result = self
    for i in result.entries.indices {
      let value = result.entries[i].value
      result.entries[i].value = value * scale.cast(to: value.dtype)
    }
    return result
  }
}
