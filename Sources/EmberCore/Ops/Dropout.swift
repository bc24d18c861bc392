import EmberBackend

extension Tensor {
  /// Inverted dropout: zeroes each element with `probability` and scales the rest by
  /// `1 / (1 − probability)`, drawing the mask and applying it in one fused pass.
  ///
  /// Element `e` (row-major) is kept when the Bernoulli(1 − p) draw of element `e` at `position` is
  /// 1 (`FusedProgram`'s rule, the one `Tensor.bernoulli` uses), so a position gives the same mask
  /// on any thread count. The backward regenerates the mask from `position` instead of saving it.
  public func dropout(probability: Double, position: PhiloxPosition) -> Tensor {
    precondition((0...1).contains(probability), "dropout: probability \(probability) is not in 0...1")
    if probability == 0 { return self }
    if probability == 1 { return self * 0 }
    let keep = 1 - probability
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let out = Tensor.fused("dropout", [input], random: position) { b, x in
      [x[0] * (b.bernoulli(probability: keep) / keep)]  // x·mask/(1 − p)
    }[0]
    return Tensor.record("dropout", out, inputs: [input]) { g in
      // dX = G·mask/(1 − p), the mask drawn again at the same position.
      guard !GradientMode.isEnabled else {
        let mask = Tensor.fused("dropout mask", [g], random: position) { b, _ in
          [b.bernoulli(probability: keep) / keep]
        }[0]
        return [g * mask]  // recorded: linear in G
      }
      return Tensor.fused("dropout backward", [g], random: position) { b, v in
        [v[0] * (b.bernoulli(probability: keep) / keep)]
      }
    }
  }
}
