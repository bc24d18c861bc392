import EmberCore

/// Scales all gradients together so their global L2 norm is at most `maxNorm`, like
/// `torch.nn.utils.clip_grad_norm_`.
///
/// `norm = √(Σ‖g‖²)` over every gradient; when `norm > maxNorm` each gradient is multiplied by
/// `maxNorm / (norm + 1e-6)`. Returns the clipped gradients and the norm before clipping.
public func clipByGlobalNorm(
  _ gradients: Gradients, maxNorm: Double
) -> (Gradients, norm: Double) {
  precondition(maxNorm >= 0, "clipByGlobalNorm: maxNorm \(maxNorm) is negative")
  let norm: Double = withoutGradients {
    var total: Tensor?
    for node in gradients.nodes {
      guard let g = gradients[node] else { continue }
      let squares = g.squared().sum().cast(to: .float64)  // ‖g‖²
      total = total.map { $0 + squares } ?? squares
    }
    return total.map { $0.item.squareRoot() } ?? 0
  }
  let scale = maxNorm / (norm + 1e-6)
  guard scale < 1 else { return (gradients, norm) }
  return (withoutGradients { gradients.scaled(by: scale) }, norm)
}

/// Clamps every gradient element into `[-limit, limit]`, like `torch.nn.utils.clip_grad_value_`.
public func clipByValue(_ gradients: Gradients, limit: Double) -> Gradients {
  precondition(limit >= 0, "clipByValue: limit \(limit) is negative")
  var result = gradients
  withoutGradients {
    for node in gradients.nodes {
      result[node] = gradients[node]?.clamped(min: -limit, max: limit)
    }
  }
  return result
}
