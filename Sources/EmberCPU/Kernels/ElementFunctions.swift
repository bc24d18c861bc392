import EmberBackend

// The element functions of the elementwise and reduction kernels, one type each (see
// `UnaryFunction` for why they are types and not closures).

// MARK: - Conversions and bit moves

/// `x` unchanged (same-dtype copies move bit patterns of the element's width).
enum Identity<T>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x }
}

/// `x` converted from `S` to `D` as PyTorch's `to(dtype)`.
enum Convert<S: KernelElement, D: KernelElement>: UnaryFunction {
  @inline(__always) static func apply(_ x: S) -> D { D(converting: x) }
}

// MARK: - Unary, any number

/// `-x` (wrapping for integers).
enum Negate<T: KernelNumber>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.minus(T.zero, x) }
}
/// `|x|` (wrapping for the smallest integer).
enum Absolute<T: KernelNumber>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x < T.zero ? T.minus(T.zero, x) : x }
}
/// −1, 0 or 1; NaN and −0 give 0 (PyTorch's `(0 < x) − (x < 0)`).
enum Sign<T: KernelNumber>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T {
    x > T.zero ? T.one : x < T.zero ? T.minus(T.zero, T.one) : T.zero
  }
}
/// `x²`.
enum Square<T: KernelNumber>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.times(x, x) }
}
/// `max(x, 0)` (NaN stays NaN).
enum ReLU<T: KernelNumber>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x < T.zero ? T.zero : x }
}
/// 1 when `x` is zero, else 0 (`bool` result).
enum LogicalNot<T: KernelElement & Numeric>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> UInt8 { x == 0 ? 1 : 0 }
}

// MARK: - Unary, floats

enum SquareRoot<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x.squareRoot() }
}
enum ReciprocalSquareRoot<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { 1 / x.squareRoot() }
}
enum Reciprocal<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { 1 / x }
}
enum Exp<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.exp(x) }
}
enum ExpMinusOne<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.expm1(x) }
}
enum Log<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.log(x) }
}
enum LogOnePlus<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.log1p(x) }
}
enum Sine<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.sin(x) }
}
enum Cosine<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.cos(x) }
}
enum HyperbolicTangent<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.tanh(x) }
}
/// `1 / (1 + e^−x)`, from `e^−|x|` so it never overflows.
enum Sigmoid<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T {
    if x >= 0 { return 1 / (1 + T.exp(-x)) }
    let e = T.exp(x)
    return e / (1 + e)
  }
}
enum ErrorFunction<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { T.erf(x) }
}
/// `log(1 + eˣ)` as `max(x, 0) + log1p(e^−|x|)`, which never overflows.
enum Softplus<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T {
    (x > 0 ? x : 0) + T.log1p(T.exp(-x.magnitude))
  }
}
enum Floor<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x.rounded(.down) }
}
enum Ceil<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x.rounded(.up) }
}
/// Rounds half to even, as PyTorch.
enum Round<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x.rounded(.toNearestOrEven) }
}

// MARK: - Binary arithmetic

enum Add<T: KernelNumber>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { T.plus(x, y) }
}
enum Subtract<T: KernelNumber>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { T.minus(x, y) }
}
enum Multiply<T: KernelNumber>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { T.times(x, y) }
}
/// The larger, NaN when either is NaN (PyTorch's `maximum`).
enum Maximum<T: KernelNumber>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { T.maxPropagatingNaN(x, y) }
}
/// The smaller, NaN when either is NaN (PyTorch's `minimum`).
enum Minimum<T: KernelNumber>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { T.minPropagatingNaN(x, y) }
}
enum Divide<T: KernelFloat>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { x / y }
}
enum Power<T: KernelFloat>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { T.pow(x, y) }
}
/// `⌊x / y⌋` of the exact quotient, as CPython's `float_floor_div` and PyTorch's
/// `div_floor_floating`: `(x − fmod(x, y)) / y`, moved down by one when the remainder's sign
/// differs from `y`'s, then rounded to the nearest integer (so `1.0 // 0.1` is 9, not
/// `floor(10.000000000000002)`). Division by zero gives the IEEE quotient (±∞ or NaN).
enum FloorDivide<T: KernelFloat>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T {
    if y == 0 { return x / y }
    let r = x.truncatingRemainder(dividingBy: y)
    var q = (x - r) / y
    if r != 0 && (y < 0) != (r < 0) { q -= 1 }
    if q == 0 { return T(signOf: x / y, magnitudeOf: 0) }
    var f = q.rounded(.down)
    if q - f > 0.5 { f += 1 }
    return f
  }
}
/// `x − y·⌊x/y⌋` computed from `fmod`: the result has `y`'s sign (Python's `%`).
enum Remainder<T: KernelFloat>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T {
    let r = x.truncatingRemainder(dividingBy: y)
    return r != 0 && (r < 0) != (y < 0) ? r + y : r
  }
}

/// Division truncating toward zero; traps on division by zero.
enum IntegerDivide<T: KernelInteger>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T {
    precondition(y != 0, "div: integer division by zero")
    return x.dividedReportingOverflow(by: y).partialValue
  }
}
/// Division rounding toward −∞ (Python's `//`).
enum IntegerFloorDivide<T: KernelInteger>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T {
    precondition(y != 0, "floorDiv: integer division by zero")
    let q = x.dividedReportingOverflow(by: y).partialValue
    let r = x.remainderReportingOverflow(dividingBy: y).partialValue
    return r != 0 && (r < 0) != (y < 0) ? q &- 1 : q
  }
}
/// The remainder with the divisor's sign (Python's `%`).
enum IntegerRemainder<T: KernelInteger>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T {
    precondition(y != 0, "remainder: integer division by zero")
    let r = x.remainderReportingOverflow(dividingBy: y).partialValue
    return r != 0 && (r < 0) != (y < 0) ? r &+ y : r
  }
}
/// `xʸ` by squaring, wrapping on overflow; negative powers truncate as in C (so 2⁻¹ = 0).
enum IntegerPower<T: KernelInteger>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T {
    if y < 0 {
      if x == 1 { return 1 }
      if x == -1 { return y & 1 == 0 ? 1 : -1 }
      return 0
    }
    var result: T = 1
    var base = x
    var e = y
    while e != 0 {
      if e & 1 != 0 { result = result &* base }
      base = base &* base
      e >>= 1
    }
    return result
  }
}

/// `x | y` on bools (PyTorch's `add` and `maximum` of bools).
enum BoolOr: BinaryFunction {
  @inline(__always) static func apply(_ x: UInt8, _ y: UInt8) -> UInt8 { x | y }
}
/// `x & y` on bools (PyTorch's `mul` and `minimum` of bools).
enum BoolAnd: BinaryFunction {
  @inline(__always) static func apply(_ x: UInt8, _ y: UInt8) -> UInt8 { x & y }
}

// MARK: - Comparisons and logic (bool results)

enum Equal<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x == y ? 1 : 0 }
}
enum NotEqual<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x != y ? 1 : 0 }
}
enum Less<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x < y ? 1 : 0 }
}
enum LessEqual<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x <= y ? 1 : 0 }
}
enum Greater<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x > y ? 1 : 0 }
}
enum GreaterEqual<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x >= y ? 1 : 0 }
}
enum LogicalAnd<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x != 0 && y != 0 ? 1 : 0 }
}
enum LogicalOr<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { x != 0 || y != 0 ? 1 : 0 }
}
enum LogicalXor<T: Comparable & Numeric>: BinaryFunction {
  @inline(__always) static func apply(_ x: T, _ y: T) -> UInt8 { (x != 0) != (y != 0) ? 1 : 0 }
}
