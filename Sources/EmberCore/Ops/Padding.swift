import EmberBackend

/// How padding fills a border, as PyTorch's `F.pad` modes and convolutions' `padding_mode`.
public enum PaddingMode: String, Sendable, CaseIterable {
  /// Zeros.
  case zeros
  /// The input mirrored without repeating the edge (`[a b c]` → `c b | a b c | b a`).
  case reflect
  /// The edge value repeated (`a a | a b c | c c`).
  case replicate
  /// The input wrapped around (`b c | a b c | a b`).
  case circular
}

extension Tensor {
  /// This tensor with `before` and `after` elements added along `axis`, filled as `mode` says
  /// (like `torch.nn.functional.pad`). Reflection needs `before` and `after` smaller than the
  /// axis, circular padding at most its size.
  public func padded(axis: Int, before: Int, after: Int, mode: PaddingMode) -> Tensor {
    let a = normalizedAxis(axis, op: "pad")
    let size = shape[a]
    precondition(before >= 0 && after >= 0, "pad: padding \(before), \(after) must not be negative")
    if mode == .zeros {
      var amounts = [(before: Int, after: Int)](repeating: (0, 0), count: rank)
      amounts[a] = (before, after)
      return padded(amounts)
    }
    switch mode {
    case .reflect:
      precondition(before < size && after < size,
                   "pad: reflect padding \(before), \(after) must be smaller than axis \(a) of \(shape)")
    case .circular:
      precondition(before <= size && after <= size,
                   "pad: circular padding \(before), \(after) must be at most axis \(a) of \(shape)")
    default:
      precondition(size > 0, "pad: \(mode.rawValue) padding of an empty axis \(a) of \(shape)")
    }
    // Each output position reads one input position; the gradient adds back (indexSelect).
    let positions = (-before..<(size + after)).map { p -> Int64 in
      switch mode {
      case .reflect:
        let period = 2 * (size - 1)
        guard period > 0 else { return 0 }
        var q = p % period
        if q < 0 { q += period }
        return Int64(q < size ? q : period - q)
      case .replicate: return Int64(Swift.min(Swift.max(p, 0), size - 1))
      default:
        var q = p % size
        if q < 0 { q += size }
        return Int64(q)
      }
    }
    return indexSelect(axis: a, indices: Tensor(positions, on: device))
  }
}
