import EmberCore

/// Scales all gradients together so their global L2 norm is at most `maxNorm`, like
/// `torch.nn.utils.clip_grad_norm_`.
///
/// `norm = √(Σ‖g‖²)` over every gradient, summed in the order `gradients` holds them (the order
/// backward produced them, so the result is bit-identical from run to run); each gradient is
/// multiplied by `min(1, maxNorm / (norm + 1e-6))`. Everything stays on the device: the norm
/// (float64, zero-dimensional) is returned as a tensor, read only if the caller asks.
public func clipByGlobalNorm(
  _ gradients: Gradients, maxNorm: Double
) -> (Gradients, norm: Tensor) {
  precondition(maxNorm >= 0, "clipByGlobalNorm: maxNorm \(maxNorm) is negative")
  return withoutGradients {
    var total: Tensor?
    for node in gradients.nodes {
      guard let g = gradients[node] else { continue }
      let squares = g.cast(to: .float64).squared().sum()  // ‖g‖²
      total = total.map { $0 + squares } ?? squares
    }
    guard let total else { return (gradients, Tensor(0, dtype: .float64)) }
    let norm = total.sqrt()
    let scale = ((norm + 1e-6).reciprocal() * maxNorm).minimum(1)
    return (gradients.scaled(by: scale), norm)
  }
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
