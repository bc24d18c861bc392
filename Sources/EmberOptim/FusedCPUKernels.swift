import EmberBackend
import EmberCPU
import EmberCore

/// Fused CPU loops for the updates a benchmark asked for (Adam and AdamW over an MLP).
///
/// The composed update of ``Adam`` runs about a dozen elementwise kernels per parameter, each a
/// full pass over memory; this loop reads `p, g, m, v` once and writes `p, m, v` once. It applies
/// the same float32 operations in the same order as the composed version, which stays the
/// reference (`AdamTests` compares the two). It returns `nil` unless every tensor is a float32
/// contiguous CPU tensor, and the caller falls back to the composed ops.
///
/// Results go to fresh buffers (from the backend's cache), so no tensor a caller may still hold
/// (a saved state dict, a parameter value captured earlier) ever changes.
enum FusedCPUKernels {
  /// Whether `tensor` can be read as a plain float32 array on the CPU.
  static func isEligible(_ tensor: Tensor) -> Bool {
    tensor.device == .cpu && tensor.dtype == .float32 && tensor.isContiguous
  }

  /// A new, uninitialized contiguous float32 tensor shaped like `tensor`.
  static func empty(like tensor: Tensor) -> Tensor {
    let buffer = tensor.backend.allocate(count: tensor.count, dtype: .float32)
    return Tensor(buffer: buffer, layout: Layout(contiguous: tensor.shape), dtype: .float32)
  }

  /// The first element of a float32 CPU tensor.
  static func pointer(_ tensor: Tensor) -> UnsafeMutablePointer<Float> {
    (tensor.buffer.pointer + tensor.layout.offset * MemoryLayout<Float>.stride)
      .assumingMemoryBound(to: Float.self)
  }

  /// The constants of one Adam step, rounded to float32 as the composed ops round them.
  struct AdamConstants {
    var beta1: Float, oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float
    var correction2: Float, epsilon: Float, stepSize: Float
    /// Coupled L2 factor λ (Adam), 0 for none.
    var l2: Float
    /// Decoupled decay multiplier `1 − lr·λ` (AdamW), 1 for none.
    var decay: Float
  }

  /// One Adam/AdamW step; `m`, `v`, `vMax` are `nil` on the first step (zero). Returns the new
  /// parameter and moments, or `nil` when a tensor is not eligible.
  static func adam(
    parameter: Tensor, gradient: Tensor, m: Tensor?, v: Tensor?, vMax: Tensor?, amsgrad: Bool,
    constants c: AdamConstants
  ) -> (parameter: Tensor, m: Tensor, v: Tensor, vMax: Tensor?)? {
    let inputs = [parameter, gradient] + [m, v, vMax].compactMap { $0 }
    guard inputs.allSatisfy(isEligible) else { return nil }
    let newP = empty(like: parameter), newM = empty(like: parameter), newV = empty(like: parameter)
    let newVMax = amsgrad ? empty(like: parameter) : nil
    let p0 = pointer(parameter), g0 = pointer(gradient)
    let p1 = pointer(newP), m1 = pointer(newM), v1 = pointer(newV), vMax1 = newVMax.map(pointer)
    // The first step reads zero moments; later steps read the previous ones. Each case is its own
    // loop so the hot loop has no optionals in it.
    let m0 = m.map(pointer), v0 = v.map(pointer), vMax0 = vMax.map(pointer)
    Parallel.forEachChunk(parameter.count, costPerItem: 8) { range in
      if let m0, let v0, vMax1 == nil, c.l2 == 0, c.decay == 1 {
        // The common case (Adam or AdamW without decay, after the first step), kept branch-free.
        for i in range {
          let g = g0[i]
          let mi = m0[i] * c.beta1 + g * c.oneMinusBeta1
          let vi = v0[i] * c.beta2 + (g * g) * c.oneMinusBeta2
          m1[i] = mi
          v1[i] = vi
          p1[i] = p0[i] - mi / (vi.squareRoot() / c.correction2 + c.epsilon) * c.stepSize
        }
        return
      }
      for i in range {
        var p = p0[i], g = g0[i]
        if c.l2 != 0 { g = g + p * c.l2 }  // g + λ·p
        if c.decay != 1 { p = p * c.decay }  // p·(1 − lr·λ)
        // m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²
        let gSquared = (g * g) * c.oneMinusBeta2
        let mi: Float, vi: Float
        if let m0, let v0 {
          mi = m0[i] * c.beta1 + g * c.oneMinusBeta1
          vi = v0[i] * c.beta2 + gSquared
        } else {
          mi = g * c.oneMinusBeta1
          vi = gSquared
        }
        m1[i] = mi
        v1[i] = vi
        var vHat = vi
        if let vMax1 {
          if let vMax0 { vHat = Swift.max(vMax0[i], vi) }  // v̂ ← max(v̂, v)
          vMax1[i] = vHat
        }
        let denominator = vHat.squareRoot() / c.correction2 + c.epsilon
        p1[i] = p - mi / denominator * c.stepSize
      }
    }
    return (newP, newM, newV, newVMax)
  }
}
