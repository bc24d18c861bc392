import CEmberKernels
import EmberBackend
import Foundation

/// Elementwise unary and binary ops and `select`, for every dtype an op is defined on.
///
/// Every op goes through `map1`/`map2` (StridedLoop.swift) with its element function as a type
/// (ElementFunctions.swift); their contiguous, scalar-broadcast and row-broadcast inner loops
/// vectorize. Contiguous float32 `exp` and `sigmoid` run the C vector math.
enum ElementwiseKernels {
  /// `out = op(x)`; `out` has `x`'s shape, and `x`'s dtype except for `logicalNot` (`bool`).
  static func unary(_ op: UnaryOp, _ x: Operand, to out: Operand) {
    precondition(x.shape == out.shape, "\(op): shapes \(x.shape) and \(out.shape) differ")
    if op == .logicalNot {
      precondition(out.dtype == .bool, "logicalNot: output must be bool, not \(out.dtype)")
      switch x.dtype {
      case .float32: map1(x, to: out, LogicalNot<Float>.self)
      case .float64: map1(x, to: out, LogicalNot<Double>.self)
      case .int32: map1(x, to: out, LogicalNot<Int32>.self)
      case .int64: map1(x, to: out, LogicalNot<Int64>.self)
      case .bool: map1(x, to: out, LogicalNot<UInt8>.self)
      }
      return
    }
    precondition(x.dtype == out.dtype, "\(op): input \(x.dtype) but output \(out.dtype)")
    switch x.dtype {
    case .float32:
      switch op {
      case .exp: vectorMath(x, to: out, kernel: ember_exp_f32, Exp<Float>.self)
      case .sigmoid: vectorMath(x, to: out, kernel: ember_sigmoid_f32, Sigmoid<Float>.self)
      default: unaryFloat(op, x, to: out, Float.self)
      }
    case .float64: unaryFloat(op, x, to: out, Double.self)
    case .int32: unaryInteger(op, x, to: out, Int32.self)
    case .int64: unaryInteger(op, x, to: out, Int64.self)
    case .bool: preconditionFailure("\(op): not defined for bool; cast to a number dtype first")
    }
  }

  /// `out = op(a, b)`; `a` and `b` have one dtype and are broadcast to `out`'s shape.
  static func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand) {
    precondition(a.dtype == b.dtype, "\(op): dtypes \(a.dtype) and \(b.dtype) differ")
    precondition(
      a.shape == out.shape && b.shape == out.shape,
      "\(op): shapes \(a.shape) and \(b.shape) are not broadcast to \(out.shape)")
    precondition(
      out.dtype == (op.producesBool ? .bool : a.dtype),
      "\(op): \(a.dtype) operands cannot write \(out.dtype)")
    switch a.dtype {
    case .float32: binaryFloat(op, a, b, to: out, Float.self)
    case .float64: binaryFloat(op, a, b, to: out, Double.self)
    case .int32: binaryInteger(op, a, b, to: out, Int32.self)
    case .int64: binaryInteger(op, a, b, to: out, Int64.self)
    case .bool: binaryBool(op, a, b, to: out)
    }
  }

  /// `out = condition ? a : b`; all four have one shape, `condition` is `bool`.
  static func select(_ condition: Operand, _ a: Operand, _ b: Operand, to out: Operand) {
    precondition(condition.dtype == .bool, "select: condition must be bool, not \(condition.dtype)")
    precondition(
      a.dtype == out.dtype && b.dtype == out.dtype,
      "select: dtypes \(a.dtype), \(b.dtype) and \(out.dtype) differ")
    precondition(
      condition.shape == out.shape && a.shape == out.shape && b.shape == out.shape,
      "select: shapes \(condition.shape), \(a.shape), \(b.shape) and \(out.shape) differ")
    switch out.dtype.byteSize {
    case 1: select(condition, a, b, to: out, UInt8.self)
    case 4: select(condition, a, b, to: out, UInt32.self)
    default: select(condition, a, b, to: out, UInt64.self)
    }
  }

  /// `select` moving bit patterns of width `W`.
  private static func select<W>(
    _ condition: Operand, _ a: Operand, _ b: Operand, to out: Operand, _: W.Type
  ) {
    let cp = elements(condition, UInt8.self)
    let ap = elements(a, W.self), bp = elements(b, W.self), yp = elements(out, W.self)
    let plan = StridedPlan(shape: out.shape, [out.layout, condition.layout, a.layout, b.layout])
    let sy = plan.innerStride(0), sc = plan.innerStride(1)
    let sa = plan.innerStride(2), sb = plan.innerStride(3)
    plan.forEachRow { oy, oc, oa, ob, n in
      let y = yp + oy, c = cp + oc, x1 = ap + oa, x2 = bp + ob
      if sy == 1 && sc == 1 && sa == 1 && sb == 1 {
        for i in 0..<n { y[i] = c[i] != 0 ? x1[i] : x2[i] }
      } else {
        for i in 0..<n { y[i &* sy] = c[i &* sc] != 0 ? x1[i &* sa] : x2[i &* sb] }
      }
    }
  }

  // MARK: - Unary

  /// Runs a C vector kernel over contiguous runs, `F` elsewhere.
  private static func vectorMath<F: UnaryFunction>(
    _ x: Operand, to out: Operand,
    kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _: F.Type
  ) where F.Input == Float, F.Output == Float {
    let xp = elements(x, Float.self)
    let yp = elements(out, Float.self)
    let plan = StridedPlan(shape: out.shape, [out.layout, x.layout])
    let sy = plan.innerStride(0), sx = plan.innerStride(1)
    plan.forEachRow(cost: 4) { oy, ox, _, _, n in
      if sy == 1 && sx == 1 {
        kernel(xp + ox, yp + oy, n)
      } else {
        for i in 0..<n { yp[oy &+ i &* sy] = F.apply(xp[ox &+ i &* sx]) }
      }
    }
  }

  private static func unaryFloat<T: KernelFloat>(
    _ op: UnaryOp, _ x: Operand, to out: Operand, _: T.Type
  ) {
    switch op {
    case .neg: map1(x, to: out, Negate<T>.self)
    case .abs: map1(x, to: out, Absolute<T>.self)
    case .sign: map1(x, to: out, Sign<T>.self)
    case .square: map1(x, to: out, Square<T>.self)
    case .sqrt: map1(x, to: out, SquareRoot<T>.self)
    case .rsqrt: map1(x, to: out, ReciprocalSquareRoot<T>.self)
    case .reciprocal: map1(x, to: out, Reciprocal<T>.self)
    case .exp: map1(x, to: out, cost: 8, Exp<T>.self)
    case .expm1: map1(x, to: out, cost: 8, ExpMinusOne<T>.self)
    case .log: map1(x, to: out, cost: 8, Log<T>.self)
    case .log1p: map1(x, to: out, cost: 8, LogOnePlus<T>.self)
    case .sin: map1(x, to: out, cost: 8, Sine<T>.self)
    case .cos: map1(x, to: out, cost: 8, Cosine<T>.self)
    case .tanh: map1(x, to: out, cost: 8, HyperbolicTangent<T>.self)
    case .sigmoid: map1(x, to: out, cost: 8, Sigmoid<T>.self)
    case .erf: map1(x, to: out, cost: 8, ErrorFunction<T>.self)
    case .softplus: map1(x, to: out, cost: 16, Softplus<T>.self)
    case .relu: map1(x, to: out, ReLU<T>.self)
    case .floor: map1(x, to: out, Floor<T>.self)
    case .ceil: map1(x, to: out, Ceil<T>.self)
    case .round: map1(x, to: out, Round<T>.self)
    case .logicalNot: preconditionFailure("unreachable")
    }
  }

  private static func unaryInteger<T: KernelInteger>(
    _ op: UnaryOp, _ x: Operand, to out: Operand, _: T.Type
  ) {
    switch op {
    case .neg: map1(x, to: out, Negate<T>.self)
    case .abs: map1(x, to: out, Absolute<T>.self)
    case .sign: map1(x, to: out, Sign<T>.self)
    case .square: map1(x, to: out, Square<T>.self)
    case .relu: map1(x, to: out, ReLU<T>.self)
    case .floor, .ceil, .round: map1(x, to: out, Identity<T>.self)
    default: preconditionFailure("\(op): not defined for \(x.dtype); cast to a float dtype first")
    }
  }

  // MARK: - Binary

  private static func binaryFloat<T: KernelFloat>(
    _ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand, _: T.Type
  ) {
    switch op {
    case .add: map2(a, b, to: out, Add<T>.self)
    case .sub: map2(a, b, to: out, Subtract<T>.self)
    case .mul: map2(a, b, to: out, Multiply<T>.self)
    case .div: map2(a, b, to: out, Divide<T>.self)
    case .pow: map2(a, b, to: out, cost: 16, Power<T>.self)
    case .maximum: map2(a, b, to: out, Maximum<T>.self)
    case .minimum: map2(a, b, to: out, Minimum<T>.self)
    case .floorDiv: map2(a, b, to: out, FloorDivide<T>.self)
    case .remainder: map2(a, b, to: out, cost: 4, Remainder<T>.self)
    default: compare(op, a, b, to: out, T.self)
    }
  }

  private static func binaryInteger<T: KernelInteger>(
    _ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand, _: T.Type
  ) {
    switch op {
    case .add: map2(a, b, to: out, Add<T>.self)
    case .sub: map2(a, b, to: out, Subtract<T>.self)
    case .mul: map2(a, b, to: out, Multiply<T>.self)
    case .div: map2(a, b, to: out, cost: 4, IntegerDivide<T>.self)
    case .pow: map2(a, b, to: out, cost: 4, IntegerPower<T>.self)
    case .maximum: map2(a, b, to: out, Maximum<T>.self)
    case .minimum: map2(a, b, to: out, Minimum<T>.self)
    case .floorDiv: map2(a, b, to: out, cost: 4, IntegerFloorDivide<T>.self)
    case .remainder: map2(a, b, to: out, cost: 4, IntegerRemainder<T>.self)
    default: compare(op, a, b, to: out, T.self)
    }
  }

  private static func binaryBool(_ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand) {
    switch op {
    case .add, .maximum: map2(a, b, to: out, BoolOr.self)
    case .mul, .minimum: map2(a, b, to: out, BoolAnd.self)
    case .sub, .div, .pow, .floorDiv, .remainder:
      preconditionFailure("\(op): not defined for bool; cast to a number dtype first")
    default: compare(op, a, b, to: out, UInt8.self)
    }
  }

  /// Comparisons and logical ops, which write `bool`.
  private static func compare<T: Comparable & Numeric>(
    _ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand, _: T.Type
  ) {
    switch op {
    case .equal: map2(a, b, to: out, Equal<T>.self)
    case .notEqual: map2(a, b, to: out, NotEqual<T>.self)
    case .less: map2(a, b, to: out, Less<T>.self)
    case .lessEqual: map2(a, b, to: out, LessEqual<T>.self)
    case .greater: map2(a, b, to: out, Greater<T>.self)
    case .greaterEqual: map2(a, b, to: out, GreaterEqual<T>.self)
    case .logicalAnd: map2(a, b, to: out, LogicalAnd<T>.self)
    case .logicalOr: map2(a, b, to: out, LogicalOr<T>.self)
    case .logicalXor: map2(a, b, to: out, LogicalXor<T>.self)
    default: preconditionFailure("\(op): not a comparison")
    }
  }
}
