/// Elementwise operations of one operand. Each backend implements every case.
///
/// Floating-point ops run on `float32`/`float64`; `neg`, `abs`, `sign`, `square`, `relu`, `floor`,
/// `ceil`, `round` also on integers (the last three as the identity); `logicalNot` on `bool` (any
/// dtype: nonzero is true, result is `bool`). `sign` of NaN is 0, as in PyTorch.
public enum UnaryOp: String, Sendable, CaseIterable {
  case neg, abs, sign, square, sqrt, rsqrt, reciprocal
  case exp, expm1, log, log1p
  case sin, cos, tanh, sigmoid, erf, softplus, relu
  case floor, ceil, round
  case logicalNot
}

/// Elementwise operations of two operands of the same dtype (already broadcast to the output shape).
///
/// Comparisons and logical ops write `bool`; the others write the operands' dtype.
/// `div` on integers truncates toward zero; `floorDiv` rounds toward −∞ (Python's `//`: for floats
/// the floor of the exact quotient, from `fmod`, so `1.0 // 0.1` is 9); `remainder` has the
/// divisor's sign (Python's `%`). Integer `floorDiv` and `remainder` by zero trap.
public enum BinaryOp: String, Sendable, CaseIterable {
  case add, sub, mul, div, pow, maximum, minimum, floorDiv, remainder
  case equal, notEqual, less, lessEqual, greater, greaterEqual
  case logicalAnd, logicalOr, logicalXor

  /// `true` when the result is `bool` whatever the operands are.
  public var producesBool: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
      .logicalAnd, .logicalOr, .logicalXor:
      return true
    default: return false
    }
  }
}

/// Reductions over a set of axes. `argmax`/`argmin` reduce one axis and write `int64` indices
/// (the first index on ties).
public enum ReduceOp: String, Sendable, CaseIterable {
  case sum, prod, max, min, argmax, argmin
}

/// The constants of one fused Adam/AdamW step (PyTorch's formulas, bias corrections folded in):
/// `g ← g + l2·p`, `p ← p·decay`, `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`,
/// `v̂ ← max(v̂, v)` with AMSGrad, `p ← p − stepSize · m / (√v̂ / correction2 + ε)`.
public struct AdamStep: Sendable {
  public var beta1: Double, beta2: Double, epsilon: Double
  /// `lr / (1 − β₁ᵗ)`.
  public var stepSize: Double
  /// `√(1 − β₂ᵗ)`.
  public var correction2: Double
  /// Coupled L2 weight decay λ (Adam), 0 for none.
  public var l2: Double
  /// Decoupled decay multiplier `1 − lr·λ` (AdamW), 1 for none.
  public var decay: Double
  /// Keep the running maximum of `v` (AMSGrad).
  public var amsgrad: Bool

  public init(beta1: Double, beta2: Double, epsilon: Double, stepSize: Double, correction2: Double,
              l2: Double, decay: Double, amsgrad: Bool) {
    (self.beta1, self.beta2, self.epsilon, self.stepSize) = (beta1, beta2, epsilon, stepSize)
    (self.correction2, self.l2, self.decay, self.amsgrad) = (correction2, l2, decay, amsgrad)
  }
}

/// The new values an `AdamStep` writes: parameter, first and second moments, and the running
/// maximum of the second moment (AMSGrad only).
public struct AdamStepResult: @unchecked Sendable {
  public var parameter: Buffer, firstMoment: Buffer, secondMoment: Buffer
  public var maxSecondMoment: Buffer?

  public init(parameter: Buffer, firstMoment: Buffer, secondMoment: Buffer, maxSecondMoment: Buffer?) {
    (self.parameter, self.firstMoment, self.secondMoment) = (parameter, firstMoment, secondMoment)
    self.maxSecondMoment = maxSecondMoment
  }
}
