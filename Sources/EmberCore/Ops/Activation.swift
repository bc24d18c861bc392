import EmberBackend

extension Tensor {
  /// max(x, 0). The gradient at exactly 0 is 0, like PyTorch.
  ///
  /// The pullback keeps only the output: `[x > 0] = [y > 0]`, and the second derivative is zero,
  /// so the same pullback serves `backward(createGraph: true)`.
  public func relu() -> Tensor {
    if dtype.isInteger { return launchUnary(.relu, name: "relu", floatOnly: false) }  // as PyTorch
    // dX = G·[y > 0] (keeps only y)
    return unaryOp(
      .relu, "relu", outputDerivative: { y in y.greater(0).cast(to: y.dtype) },
      fused: { b, g, y in b.select(y.greater(0), g, 0) })
  }

  /// x for x > 0, `negativeSlope`·x otherwise.
  public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
    Tensor.where(greater(0), self, self * negativeSlope)
  }

  /// x for x > 0, α·(eˣ − 1) otherwise; the gradient at exactly 0 is α, as in PyTorch.
  public func elu(alpha: Double = 1) -> Tensor {
    let positive = greater(0)
    // The negative branch sees min(x, 0) through `where`, not `minimum`, whose tie at 0 would
    // halve the gradient there: dX = G·α·eˣ for x ≤ 0.
    return Tensor.where(positive, self, Tensor.where(positive, 0, self).expm1() * alpha)
  }

  /// The Gaussian error linear unit: x·Φ(x) exactly, or its tanh approximation
  /// (`approximate: true`, PyTorch's `approximate='tanh'`).
  ///
  /// Forward and backward each run as one fused pass; the pullback keeps only `x`.
  public func gelu(approximate: Bool = false) -> Tensor {
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let out = Tensor.fused("gelu", [input]) { _, v in [Tensor.gelu(v[0], approximate: approximate)] }[0]
    return Tensor.record("gelu", out, inputs: [input]) { g in
      guard !GradientMode.isEnabled else {
        return [g * Tensor.geluDerivative(input, approximate: approximate)]  // composed, recorded
      }
      return Tensor.fused("gelu backward", [g, input]) { _, v in
        [v[0] * Tensor.geluDerivative(v[1], approximate: approximate)]
      }
    }
  }

  /// GELU's formula, written once for `Tensor`s and fused-program values alike.
  static func gelu<V: GELUOperand>(_ x: V, approximate: Bool) -> V {
    if approximate {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      return x * 0.5 * (((x + x * x * x * 0.044715) * 0.7978845608028654).tanh() + 1)
    }
    return x * 0.5 * ((x * 0.7071067811865476).erf() + 1)  // 0.5·x·(1 + erf(x/√2))
  }

  /// GELU's derivative:
  /// exact `Φ(x) + x·φ(x)` = `0.5·(1 + erf(x/√2)) + x·e^(−x²/2)/√(2π)`;
  /// tanh `0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)` with
  /// `t = tanh(√(2/π)·(x + 0.044715·x³))`.
  static func geluDerivative<V: GELUOperand>(_ x: V, approximate: Bool) -> V {
    if approximate {
      let t = ((x + x * x * x * 0.044715) * 0.7978845608028654).tanh()
      let inner = (x * x * 0.134145 + 1) * 0.7978845608028654
      return (t + 1) * 0.5 + x * 0.5 * (1 - t * t) * inner
    }
    return ((x * 0.7071067811865476).erf() + 1) * 0.5 + x * (x * x * -0.5).exp() * 0.3989422804014327
  }

  /// 1 / (1 + e⁻ˣ), without overflow for large |x|.
  public func sigmoid() -> Tensor {
    // dX = G·y(1−y)
    unaryOp(.sigmoid, "sigmoid", outputDerivative: { y in y * (1 - y) }, fused: { _, g, y in g * y * (1 - y) })
  }

  /// Hyperbolic tangent.
  public func tanh() -> Tensor {
    // dX = G·(1 − y²)
    unaryOp(.tanh, "tanh", outputDerivative: { y in 1 - y * y }, fused: { _, g, y in g * (1 - y * y) })
  }

  /// ln(1 + eˣ), stable for large |x|.
  public func softplus() -> Tensor { unaryOp(.softplus, "softplus", inputDerivative: { x in x.sigmoid() }) }  // dX = G·σ(x)

  /// x·σ(x) (also called swish), forward and backward each one fused pass.
  public func silu() -> Tensor {
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let out = Tensor.fused("silu", [input]) { _, v in [v[0] * v[0].sigmoid()] }[0]
    return Tensor.record("silu", out, inputs: [input]) { g in
      // dX = G·σ(x)·(1 + x·(1 − σ(x)))
      guard !GradientMode.isEnabled else {
        let s = input.sigmoid()
        return [g * s * (input * (1 - s) + 1)]
      }
      return Tensor.fused("silu backward", [g, input]) { _, v in
        let s = v[1].sigmoid()
        return [v[0] * s * (v[1] * (1 - s) + 1)]
      }
    }
  }

  /// Softmax along `axis` (default: the last), numerically stable.
  public func softmax(axis: Int = -1) -> Tensor {
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let a = normalizedAxis(axis, op: "softmax")
    let out = Tensor.empty(shape, dtype: input.dtype, device: device)
    backend.softmax(input.operand, axis: a, log: false, to: out.operand)
    return Tensor.recordWithOutput("softmax", out, inputs: [input]) { g, y in
      [y * (g - (g * y).sum(axes: [a], keepDims: true))]  // dX = y·(G − Σ G·y)
    }
  }

  /// Log-softmax along `axis` (default: the last), numerically stable.
  public func logSoftmax(axis: Int = -1) -> Tensor {
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let a = normalizedAxis(axis, op: "logSoftmax")
    let out = Tensor.empty(shape, dtype: input.dtype, device: device)
    backend.softmax(input.operand, axis: a, log: true, to: out.operand)
    return Tensor.recordWithOutput("logSoftmax", out, inputs: [input]) { g, y in
      [g - y.exp() * g.sum(axes: [a], keepDims: true)]  // dX = G − softmax(x)·Σ G
    }
  }
}

/// What GELU's formula needs, so one generic formula serves the composed `Tensor` ops (the
/// recorded, second-derivative path) and the fused program.
protocol GELUOperand {
  static func + (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  static func + (a: Self, b: Double) -> Self
  static func * (a: Self, b: Double) -> Self
  static func - (a: Double, b: Self) -> Self
  func tanh() -> Self
  func erf() -> Self
  func exp() -> Self
}

extension Tensor: GELUOperand {}
extension FusedProgramBuilder.Value: GELUOperand {}
