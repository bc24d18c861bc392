import EmberBackend

extension Tensor {
  /// max(x, 0). The gradient at exactly 0 is 0, like PyTorch.
  public func relu() -> Tensor {
    if dtype.isInteger { return launchUnary(.relu, name: "relu", floatOnly: false) }  // as PyTorch
    return unaryOp(.relu, "relu", outputDerivative: { y in y.greater(0).cast(to: y.dtype) })  // dX = G·[y > 0] (keeps only y)
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
  public func gelu(approximate: Bool = false) -> Tensor {
    if approximate {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      let inner = (self + self * self * self * 0.044715) * 0.7978845608028654
      return self * 0.5 * (inner.tanh() + 1)
    }
    return self * 0.5 * ((self * 0.7071067811865476).erf() + 1)  // 0.5·x·(1 + erf(x/√2))
  }

  /// 1 / (1 + e⁻ˣ), without overflow for large |x|.
  public func sigmoid() -> Tensor { unaryOp(.sigmoid, "sigmoid", outputDerivative: { y in y * (1 - y) }) }  // dX = G·y(1−y)

  /// Hyperbolic tangent.
  public func tanh() -> Tensor { unaryOp(.tanh, "tanh", outputDerivative: { y in 1 - y * y }) }  // dX = G·(1 − y²)

  /// ln(1 + eˣ), stable for large |x|.
  public func softplus() -> Tensor { unaryOp(.softplus, "softplus", inputDerivative: { x in x.sigmoid() }) }  // dX = G·σ(x)

  /// x·σ(x) (also called swish).
  public func silu() -> Tensor { self * sigmoid() }

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
