import EmberBackend

/// The result of `backward()`: gradients keyed by the leaf or target they belong to.
///
/// Look one up with the tensor you marked (`grads[x]`) or the node of a parameter. Gradients from
/// several micro-batches add up with `+`.
public struct Gradients: @unchecked Sendable {
  var storage: [ObjectIdentifier: (node: GradNode, value: Tensor)] = [:]

  public init() {}

  /// The gradient for the tensor `x` was marked with (`requiringGradient()`), or `nil`.
  public subscript(_ x: Tensor) -> Tensor? {
    guard let node = x.gradNode else { return nil }
    return self[node]
  }

  /// The gradient for `node`, or `nil` when no gradient reached it.
  public subscript(_ node: GradNode) -> Tensor? {
    get { storage[ObjectIdentifier(node)]?.value }
    set {
      if let newValue { storage[ObjectIdentifier(node)] = (node, newValue) } else {
        storage[ObjectIdentifier(node)] = nil
      }
    }
  }

  /// Number of gradients held.
  public var count: Int { storage.count }

  /// `true` when no gradient is held.
  public var isEmpty: Bool { storage.isEmpty }

  /// The nodes that have a gradient.
  public var nodes: [GradNode] { storage.values.map(\.node) }

  /// Elementwise sum of two sets of gradients (keys in either).
  public static func + (lhs: Gradients, rhs: Gradients) -> Gradients {
    var result = lhs
    result += rhs
    return result
  }

  /// Adds `rhs`'s gradients into these.
  public static func += (lhs: inout Gradients, rhs: Gradients) {
    for (key, entry) in rhs.storage {
      if let existing = lhs.storage[key] {
        lhs.storage[key] = (entry.node, existing.value + entry.value)
      } else {
        lhs.storage[key] = entry
      }
    }
  }

  /// Every gradient multiplied by `scale` (e.g. to average accumulated micro-batches).
  public func scaled(by scale: Double) -> Gradients {
    var result = self
    for (key, entry) in storage { result.storage[key] = (entry.node, entry.value * scale) }
    return result
  }
}
