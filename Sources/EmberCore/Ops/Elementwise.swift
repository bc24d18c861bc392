import EmberBackend

// MARK: Kernel launch helpers (no gradient recording)

extension Tensor {
  /// Runs a binary kernel with NumPy broadcasting and dtype promotion; records nothing.
  static func launchBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, name: String) -> Tensor {
    a.checkDevice(b, op: name)
    guard let shape = Layout.broadcastShape(a.shape, b.shape) else {
      preconditionFailure("\(name): shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    var type = DType.promoted(a.dtype, b.dtype)
    if op == .div && !type.isFloatingPoint { type = .float32 }  // int / int gives float, like PyTorch
    if op == .pow && type == .bool { type = .int64 }
    let left = a.cast(to: type).detached(), right = b.cast(to: type).detached()
    let out = empty(shape, dtype: op.producesBool ? .bool : type, device: a.device)
    var lhs = left.operand, rhs = right.operand
    lhs.layout = left.layout.broadcast(to: shape)
    rhs.layout = right.layout.broadcast(to: shape)
    a.backend.binary(op, lhs, rhs, to: out.operand)
    return out
  }

  /// Runs a unary kernel; records nothing.
  func launchUnary(_ op: UnaryOp, name: String, floatOnly: Bool = true) -> Tensor {
    let input = floatOnly && !dtype.isFloatingPoint ? cast(to: .float32) : self
    let out = Tensor.empty(shape, dtype: op == .logicalNot ? .bool : input.dtype, device: device)
    backend.unary(op, input.operand, to: out.operand)
    return out
  }

  /// A zero-dimensional tensor of `value`, typed to combine with `self` without promoting it
  /// (Python scalars are "weak" in PyTorch): the own dtype, or float32 for a fractional value
  /// with an integer tensor; with a bool tensor, int64 or float32 (`mask + 1` counts, as in
  /// PyTorch).
  func scalarLike(_ value: Double) -> Tensor {
    Tensor.full([], value, dtype: scalarType(value), on: device)
  }

  /// The dtype `scalarLike(value)` gets.
  func scalarType(_ value: Double) -> DType {
    var type = dtype
    if !dtype.isFloatingPoint && value.rounded() != value { type = .float32 }
    if dtype == .bool && value.rounded() == value { type = .int64 }
    return type
  }

  /// `op(self, value)`, or `op(value, self)` when `scalarFirst`, with `value` a launch-time scalar
  /// of the fused kernel, so only the output is allocated; records nothing. Follows `scalarLike`'s
  /// dtype rules; `nil` when the result is computed in an integer or bool dtype (exactly, by the
  /// binary kernel, so callers fall back to `scalarLike`).
  func scalarBinary(_ op: BinaryOp, _ value: Double, scalarFirst: Bool = false) -> Tensor? {
    var type = DType.promoted(dtype, scalarType(value))
    if op == .div && !type.isFloatingPoint { type = .float32 }
    guard type.isFloatingPoint else { return nil }
    let program = FusedProgram(
      instructions: [.input(0), .scalar(0), scalarFirst ? .binary(op, 1, 0) : .binary(op, 0, 1)],
      results: [2], dtype: type)
    return Tensor.launchFused(
      op.rawValue, program, scalars: [value], inputs: [self],
      outputDTypes: [op.producesBool ? .bool : type])[0]
  }

  /// Sums a gradient of a broadcast shape back to `target` (undoing NumPy broadcasting).
  func sumToShape(_ target: [Int], op: String) -> Tensor {
    if shape == target { return self }
    let lead = rank - target.count
    precondition(lead >= 0, "\(op): gradient of shape \(shape) cannot reduce to input shape \(target)")
    var axes: [Int] = Array(0..<lead)
    for (i, size) in target.enumerated() where size == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
    for (i, size) in target.enumerated() {
      precondition(size == shape[lead + i] || size == 1,
                   "\(op): gradient of shape \(shape) cannot reduce to input shape \(target)")
    }
    let summed = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
    return summed.reshaped(target)
  }
}

// MARK: Arithmetic

extension Tensor {
  /// Elementwise sum with broadcasting.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    let out = launchBinary(.add, lhs, rhs, name: "add")
    return record("add", out, inputs: [lhs, rhs]) { g in [g, g] }  // dA = G, dB = G
  }

  /// Elementwise difference with broadcasting.
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    let out = launchBinary(.sub, lhs, rhs, name: "sub")
    return record("sub", out, inputs: [lhs, rhs]) { g in [g, -g] }  // dA = G, dB = −G
  }

  /// Elementwise product with broadcasting.
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    let out = launchBinary(.mul, lhs, rhs, name: "mul")
    return record("mul", out, inputs: [lhs, rhs]) { g in  // dA = G·B, dB = G·A
      [lhs.gradNode == nil ? nil : g * rhs, rhs.gradNode == nil ? nil : g * lhs]
    }
  }

  /// Elementwise true division with broadcasting (integer ÷ integer gives float32).
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
    let out = launchBinary(.div, lhs, rhs, name: "div")
    // dA = G / B, dB = −G·A / B²
    return record("div", out, inputs: [lhs, rhs]) { g in
      [lhs.gradNode == nil ? nil : g / rhs, rhs.gradNode == nil ? nil : -g * lhs / (rhs * rhs)]
    }
  }

  /// Elementwise negation.
  public static prefix func - (x: Tensor) -> Tensor {
    let out = x.launchUnary(.neg, name: "neg", floatOnly: false)
    return record("neg", out, inputs: [x]) { g in [-g] }  // dX = −G
  }

  // Scalars are operands of the fused kernel, not tensors: `x * 0.5` allocates only its output.
  public static func + (lhs: Tensor, rhs: Double) -> Tensor {
    guard let out = lhs.scalarBinary(.add, rhs) else { return lhs + lhs.scalarLike(rhs) }
    return record("add", out, inputs: [lhs]) { g in [g] }  // dA = G
  }
  public static func + (lhs: Double, rhs: Tensor) -> Tensor { rhs + lhs }
  public static func - (lhs: Tensor, rhs: Double) -> Tensor {
    guard let out = lhs.scalarBinary(.sub, rhs) else { return lhs - lhs.scalarLike(rhs) }
    return record("sub", out, inputs: [lhs]) { g in [g] }  // dA = G
  }
  public static func - (lhs: Double, rhs: Tensor) -> Tensor {
    guard let out = rhs.scalarBinary(.sub, lhs, scalarFirst: true) else {
      return rhs.scalarLike(lhs) - rhs
    }
    return record("sub", out, inputs: [rhs]) { g in [-g] }  // dB = −G
  }
  public static func * (lhs: Tensor, rhs: Double) -> Tensor {
    guard let out = lhs.scalarBinary(.mul, rhs) else { return lhs * lhs.scalarLike(rhs) }
    return record("mul", out, inputs: [lhs]) { g in [g * rhs] }  // dA = G·b
  }
  public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs * lhs }
  public static func / (lhs: Tensor, rhs: Double) -> Tensor {
    guard let out = lhs.scalarBinary(.div, rhs) else { return lhs / lhs.scalarLike(rhs) }
    return record("div", out, inputs: [lhs]) { g in [g / rhs] }  // dA = G / b
  }
  public static func / (lhs: Double, rhs: Tensor) -> Tensor {
    guard let out = rhs.scalarBinary(.div, lhs, scalarFirst: true) else {
      return rhs.scalarLike(lhs) / rhs
    }
    return record("div", out, inputs: [rhs]) { g in [-g * lhs / (rhs * rhs)] }  // dB = −G·a / b²
  }

  public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
  public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
  public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
  public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }

  /// `self` raised to `exponent`, elementwise with broadcasting.
  public func pow(_ exponent: Tensor) -> Tensor {
    let base = self
    let out = Tensor.launchBinary(.pow, base, exponent, name: "pow")
    return Tensor.record("pow", out, inputs: [base, exponent]) { g in
      // dA = G·b·a^(b−1); dB = G·a^b·ln a (only when b tracks a gradient: ln a is NaN for a < 0)
      let da = g * exponent * base.pow(exponent - 1)
      let y = GradientMode.isEnabled ? base.pow(exponent) : out  // recomputed so second derivatives see it
      let db: Tensor? = exponent.gradNode == nil ? nil : g * y * base.log()
      return [da, db]
    }
  }

  /// `self` raised to a scalar power.
  public func pow(_ exponent: Double) -> Tensor {
    guard let out = scalarBinary(.pow, exponent) else { return pow(scalarLike(exponent)) }
    // dA = G·b·a^(b−1)
    return Tensor.record("pow", out, inputs: [self]) { [self] g in [g * self.pow(exponent - 1) * exponent] }
  }

  /// Elementwise maximum with broadcasting (on ties the gradient is split evenly, like PyTorch).
  public func maximum(_ other: Tensor) -> Tensor {
    let out = Tensor.launchBinary(.maximum, self, other, name: "maximum")
    return Tensor.record("maximum", out, inputs: [self, other]) { [self] g in
      Tensor.pickGradients(g, first: self.greater(other), tie: self.equal(other))
    }
  }

  /// Elementwise minimum with broadcasting (on ties the gradient is split evenly, like PyTorch).
  public func minimum(_ other: Tensor) -> Tensor {
    let out = Tensor.launchBinary(.minimum, self, other, name: "minimum")
    return Tensor.record("minimum", out, inputs: [self, other]) { [self] g in
      Tensor.pickGradients(g, first: self.less(other), tie: self.equal(other))
    }
  }

  /// The pullback of a two-way pick: dA = G·[picked a] + G/2·[tie], dB = G·[picked b] + G/2·[tie].
  private static func pickGradients(_ g: Tensor, first: Tensor, tie: Tensor) -> [Tensor?] {
    let half = g * 0.5
    return [Tensor.where(tie, half, Tensor.where(first, g, 0)),
            Tensor.where(tie, half, Tensor.where(first, 0, g))]
  }

  /// Elementwise maximum with a scalar.
  public func maximum(_ value: Double) -> Tensor {
    guard let out = scalarBinary(.maximum, value) else { return maximum(scalarLike(value)) }
    return Tensor.record("maximum", out, inputs: [self]) { [self] g in
      [Tensor.pickGradients(g, first: self.greater(value), tie: self.equal(value))[0]]
    }
  }
  /// Elementwise minimum with a scalar.
  public func minimum(_ value: Double) -> Tensor {
    guard let out = scalarBinary(.minimum, value) else { return minimum(scalarLike(value)) }
    return Tensor.record("minimum", out, inputs: [self]) { [self] g in
      [Tensor.pickGradients(g, first: self.less(value), tie: self.equal(value))[0]]
    }
  }

  /// Floor division (Python's `//`); not differentiable.
  public func floorDivided(by other: Tensor) -> Tensor {
    Tensor.launchBinary(.floorDiv, self, other, name: "floorDivide")
  }

  /// Remainder with the divisor's sign (Python's `%`); not differentiable.
  public func remainder(_ other: Tensor) -> Tensor {
    Tensor.launchBinary(.remainder, self, other, name: "remainder")
  }

  /// Clamps every element into `min...max` (either bound may be omitted).
  /// The gradient flows where the input lies strictly inside the bounds (0 at a bound, as
  /// PyTorch's `clamp` with scalar bounds).
  public func clamped(min lower: Double? = nil, max upper: Double? = nil) -> Tensor {
    var out = detached()
    let bounds = [lower, upper].compactMap { $0 }
    let type = bounds.reduce(dtype) { DType.promoted($0, scalarType($1)) }
    if type.isFloatingPoint && !bounds.isEmpty {
      // One fused pass with the bounds as scalars.
      out = Tensor.fused("clamp", [self], dtype: type) { _, x in
        var y = x[0]
        if let lower { y = y.maximum(lower) }
        if let upper { y = y.minimum(upper) }
        return [y]
      }[0]
    } else {
      if let lower { out = Tensor.launchBinary(.maximum, out, scalarLike(lower), name: "clamp") }
      if let upper { out = Tensor.launchBinary(.minimum, out, scalarLike(upper), name: "clamp") }
    }
    return Tensor.record("clamp", out, inputs: [self]) { [self] g in
      if !GradientMode.isEnabled && self.dtype.isFloatingPoint {
        // One fused pass: G where lower < x < upper, else 0.
        return Tensor.fused("clamp backward", [g, self]) { b, v in
          var inside = b.scalar(1)
          if let lower { inside = inside * v[1].binary(.greater, lower) }
          if let upper { inside = inside * v[1].binary(.less, upper) }
          return [b.select(inside, v[0], 0)]
        }
      }
      var inside = Tensor.full(like: self, 1).cast(to: .bool)
      if let lower { inside = inside.logicalAnd(self.greater(self.scalarLike(lower))) }
      if let upper { inside = inside.logicalAnd(self.less(self.scalarLike(upper))) }
      return [Tensor.where(inside, g, 0)]  // dX = G·[lower < x < upper]
    }
  }

  /// `condition ? a : b` elementwise with broadcasting of all three.
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    a.checkDevice(b, op: "where")
    a.checkDevice(condition, op: "where")
    guard let ab = Layout.broadcastShape(a.shape, b.shape),
      let shape = Layout.broadcastShape(ab, condition.shape)
    else {
      preconditionFailure("where: shapes \(condition.shape), \(a.shape) and \(b.shape) do not broadcast")
    }
    let type = DType.promoted(a.dtype, b.dtype)
    let left = a.cast(to: type), right = b.cast(to: type), mask = condition.cast(to: .bool)
    let out = empty(shape, dtype: type, device: a.device)
    var c = mask.operand, x = left.operand, y = right.operand
    c.layout = mask.layout.broadcast(to: shape)
    x.layout = left.layout.broadcast(to: shape)
    y.layout = right.layout.broadcast(to: shape)
    a.backend.select(c, x, y, to: out.operand)
    // dA = G·[c], dB = G·[¬c]
    return record("where", out, inputs: [left, right]) { g in
      [Tensor.where(mask, g, 0), Tensor.where(mask, 0, g)]
    }
  }

  /// `condition ? a : b` with a scalar `b`.
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Double) -> Tensor {
    guard let out = selectScalar(condition, a, b, scalarFirst: false) else {
      return Tensor.where(condition, a, a.scalarLike(b))
    }
    return record("where", out, inputs: [a]) { g in [Tensor.where(condition, g, 0)] }  // dA = G·[c]
  }

  /// `condition ? a : b` with a scalar `a`.
  public static func `where`(_ condition: Tensor, _ a: Double, _ b: Tensor) -> Tensor {
    guard let out = selectScalar(condition, b, a, scalarFirst: true) else {
      return Tensor.where(condition, b.scalarLike(a), b)
    }
    return record("where", out, inputs: [b]) { g in [Tensor.where(condition, 0, g)] }  // dB = G·[¬c]
  }

  /// `condition ? x : value` (or `condition ? value : x` when `scalarFirst`) as one fused pass
  /// with `value` a scalar; `nil` for integer and bool results.
  private static func selectScalar(
    _ condition: Tensor, _ x: Tensor, _ value: Double, scalarFirst: Bool
  ) -> Tensor? {
    let type = DType.promoted(x.dtype, x.scalarType(value))
    guard type.isFloatingPoint else { return nil }
    x.checkDevice(condition, op: "where")
    return fused("where", [condition, x], dtype: type) { b, v in
      let s = b.scalar(value)
      return [scalarFirst ? b.select(v[0], s, v[1]) : b.select(v[0], v[1], s)]
    }[0]
  }
}

// MARK: Comparisons and logic (bool results, not differentiable)

extension Tensor {
  /// `self == other` elementwise.
  public func equal(_ other: Tensor) -> Tensor { Tensor.launchBinary(.equal, self, other, name: "equal") }
  /// `self != other` elementwise.
  public func notEqual(_ other: Tensor) -> Tensor { Tensor.launchBinary(.notEqual, self, other, name: "notEqual") }
  /// `self < other` elementwise.
  public func less(_ other: Tensor) -> Tensor { Tensor.launchBinary(.less, self, other, name: "less") }
  /// `self <= other` elementwise.
  public func lessEqual(_ other: Tensor) -> Tensor { Tensor.launchBinary(.lessEqual, self, other, name: "lessEqual") }
  /// `self > other` elementwise.
  public func greater(_ other: Tensor) -> Tensor { Tensor.launchBinary(.greater, self, other, name: "greater") }
  /// `self >= other` elementwise.
  public func greaterEqual(_ other: Tensor) -> Tensor {
    Tensor.launchBinary(.greaterEqual, self, other, name: "greaterEqual")
  }
  public func equal(_ value: Double) -> Tensor { scalarBinary(.equal, value) ?? equal(scalarLike(value)) }
  public func notEqual(_ value: Double) -> Tensor {
    scalarBinary(.notEqual, value) ?? notEqual(scalarLike(value))
  }
  public func less(_ value: Double) -> Tensor { scalarBinary(.less, value) ?? less(scalarLike(value)) }
  public func lessEqual(_ value: Double) -> Tensor {
    scalarBinary(.lessEqual, value) ?? lessEqual(scalarLike(value))
  }
  public func greater(_ value: Double) -> Tensor {
    scalarBinary(.greater, value) ?? greater(scalarLike(value))
  }
  public func greaterEqual(_ value: Double) -> Tensor {
    scalarBinary(.greaterEqual, value) ?? greaterEqual(scalarLike(value))
  }

  /// Logical and (nonzero is true).
  public func logicalAnd(_ other: Tensor) -> Tensor {
    Tensor.launchBinary(.logicalAnd, cast(to: .bool), other.cast(to: .bool), name: "logicalAnd")
  }
  /// Logical or (nonzero is true).
  public func logicalOr(_ other: Tensor) -> Tensor {
    Tensor.launchBinary(.logicalOr, cast(to: .bool), other.cast(to: .bool), name: "logicalOr")
  }
  /// Logical exclusive or (nonzero is true).
  public func logicalXor(_ other: Tensor) -> Tensor {
    Tensor.launchBinary(.logicalXor, cast(to: .bool), other.cast(to: .bool), name: "logicalXor")
  }
  /// Logical not (nonzero is true).
  public func logicalNot() -> Tensor { launchUnary(.logicalNot, name: "logicalNot", floatOnly: false) }

  /// `true` when every element is nonzero.
  public func all() -> Bool { cast(to: .bool).logicalNot().cast(to: .int64).sum().item == 0 }
  /// `true` when some element is nonzero.
  public func any() -> Bool { cast(to: .bool).cast(to: .int64).sum().item > 0 }
}

// MARK: Unary math

extension Tensor {
  /// Applies a float unary kernel whose derivative is a function of its output `y`, and records
  /// `G·derivative(y)` as the pullback. Only `y` is saved (not the input); the pullback runs as one
  /// fused pass `fused(builder, G, y)` when one is given, and under `createGraph` as the composed
  /// `outputDerivative(y)` with `y` carrying this op's node, so second derivatives see how `y`
  /// depends on `x`.
  func unaryOp(
    _ op: UnaryOp, _ name: String, outputDerivative: @escaping (Tensor) -> Tensor,
    fused: ((FusedProgramBuilder, FusedProgramBuilder.Value, FusedProgramBuilder.Value) -> FusedProgramBuilder.Value)? = nil
  ) -> Tensor {
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let out = input.launchUnary(op, name: name)
    return Tensor.recordWithOutput(name, out, inputs: [input]) { g, y in
      guard let fused, !GradientMode.isEnabled else { return [g * outputDerivative(y)] }
      return Tensor.fused(name + " backward", [g, y]) { b, v in [fused(b, v[0], v[1])] }
    }
  }

  /// Applies a float unary kernel whose derivative is a function of its input `x`, and records
  /// `G·derivative(x)` as the pullback. Only `x` is saved.
  func unaryOp(_ op: UnaryOp, _ name: String, inputDerivative: @escaping (Tensor) -> Tensor) -> Tensor {
    let input = dtype.isFloatingPoint ? self : cast(to: .float32)
    let out = input.launchUnary(op, name: name)
    return Tensor.record(name, out, inputs: [input]) { g in [g * inputDerivative(input)] }
  }

  /// √x.
  public func sqrt() -> Tensor { unaryOp(.sqrt, "sqrt", outputDerivative: { y in 0.5 / y }) }  // dX = G / (2√x)
  /// 1/√x.
  public func rsqrt() -> Tensor { unaryOp(.rsqrt, "rsqrt", outputDerivative: { y in -0.5 * y * y * y }) }  // dX = −G·y³/2
  /// eˣ.
  public func exp() -> Tensor { unaryOp(.exp, "exp", outputDerivative: { y in y }) }  // dX = G·eˣ
  /// eˣ − 1, accurate near 0.
  public func expm1() -> Tensor { unaryOp(.expm1, "expm1", outputDerivative: { y in y + 1 }) }  // dX = G·eˣ
  /// Natural logarithm.
  public func log() -> Tensor { unaryOp(.log, "log", inputDerivative: { x in 1 / x }) }  // dX = G / x
  /// ln(1 + x), accurate near 0.
  public func log1p() -> Tensor { unaryOp(.log1p, "log1p", inputDerivative: { x in 1 / (x + 1) }) }  // dX = G/(1+x)
  /// sin x.
  public func sin() -> Tensor { unaryOp(.sin, "sin", inputDerivative: { x in x.cos() }) }  // dX = G·cos x
  /// cos x.
  public func cos() -> Tensor { unaryOp(.cos, "cos", inputDerivative: { x in -x.sin() }) }  // dX = −G·sin x
  /// 1/x.
  public func reciprocal() -> Tensor { unaryOp(.reciprocal, "reciprocal", outputDerivative: { y in -(y * y) }) }  // dX = −G/x²
  /// The error function.
  public func erf() -> Tensor {
    // dX = G·2/√π·e^(−x²)
    unaryOp(.erf, "erf", inputDerivative: { x in (-(x * x)).exp() * 1.1283791670955126 })
  }

  /// x², elementwise (integers stay integers).
  public func squared() -> Tensor {
    let out = launchUnary(.square, name: "square", floatOnly: false)
    return Tensor.record("square", out, inputs: [self]) { [self] g in [g * self * 2] }  // dX = 2x·G
  }

  /// |x| (integers stay integers); the gradient is sign(x)·G.
  public func abs() -> Tensor {
    let out = launchUnary(.abs, name: "abs", floatOnly: false)
    return Tensor.record("abs", out, inputs: [self]) { [self] g in [g * self.sign()] }
  }

  /// −1, 0 or 1 by the sign of each element (NaN gives 0, as in PyTorch); zero gradient.
  public func sign() -> Tensor { launchUnary(.sign, name: "sign", floatOnly: false) }

  /// Rounds down (integers stay integers, as in PyTorch); zero gradient.
  public func floor() -> Tensor { launchUnary(.floor, name: "floor", floatOnly: false) }
  /// Rounds up (integers stay integers); zero gradient.
  public func ceil() -> Tensor { launchUnary(.ceil, name: "ceil", floatOnly: false) }
  /// Rounds half to even (like `torch.round`; integers stay integers); zero gradient.
  public func rounded() -> Tensor { launchUnary(.round, name: "round", floatOnly: false) }
}
