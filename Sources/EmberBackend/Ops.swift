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
