import EmberBackend
import Foundation
import Testing

@testable import EmberCPU

struct ElementwiseTests {
  typealias S = TestSupport

  static let floatOps: [(UnaryOp, (Double) -> Double)] = [
    (.neg, { -$0 }), (.abs, { Swift.abs($0) }), (.sign, { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }),
    (.square, { $0 * $0 }), (.sqrt, { Foundation.sqrt(Swift.abs($0)) }),
    (.rsqrt, { 1 / Foundation.sqrt(Swift.abs($0)) }), (.reciprocal, { 1 / $0 }),
    (.exp, { Foundation.exp($0) }), (.expm1, { Foundation.expm1($0) }),
    (.log, { Foundation.log(Swift.abs($0)) }), (.log1p, { Foundation.log1p(Swift.abs($0)) }),
    (.sin, { Foundation.sin($0) }), (.cos, { Foundation.cos($0) }),
    (.tanh, { Foundation.tanh($0) }), (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }),
    (.erf, { Foundation.erf($0) }), (.softplus, { Foundation.log(1 + Foundation.exp($0)) }),
    (.relu, { Swift.max($0, 0) }), (.floor, { $0.rounded(.down) }), (.ceil, { $0.rounded(.up) }),
    (.round, { $0.rounded(.toNearestOrEven) }),
  ]

  /// Inputs of an op: positive where the op needs it.
  static func inputs(_ op: UnaryOp) -> [Double] {
    let base: [Double] = [-3.75, -2.5, -1.2, -0.5, -0.1, 0.3, 0.5, 1.5, 2.5, 3.2, 4.6, 7.25]
    switch op {
    case .sqrt, .rsqrt, .log, .log1p: return base.map { Swift.abs($0) }
    default: return base
    }
  }

  @Test(arguments: floatOps.map(\.0))
  func floatOpsMatchFoundation(op: UnaryOp) {
    let reference = Self.floatOps.first { $0.0 == op }!.1
    let xs = Self.inputs(op)
    // float64: contiguous, computed in Double.
    let out64 = S.empty([3, 4], .float64)
    ElementwiseKernels.unary(op, S.operand(xs, [3, 4], .float64), to: out64)
    for (x, y) in zip(xs, S.values(out64, as: Double.self)) {
      #expect(S.close(y, reference(x), 1e-14), "\(op)(\(x)) = \(y)")
    }
    // float32 through a transposed view.
    let out32 = S.empty([3, 4], .float32)
    ElementwiseKernels.unary(
      op, S.transposedOperand(xs.map { Float($0) }, rows: 3, cols: 4, .float32), to: out32)
    for (x, y) in zip(xs, S.values(out32, as: Float.self)) {
      #expect(S.close(Double(y), reference(Double(Float(x))), 2e-6), "\(op)(\(x)) = \(y)")
    }
  }

  @Test func floatExpIsAccurateEverywhere() {
    var xs: [Float] = S.randomFloats(20_000, in: -110...95).map { Float($0) }
    xs += [0, -0.0, 1, -1, 88.72, 88.73, -87.3, -103.9, -104.5, .infinity, -.infinity, .nan]
    xs += [Float.leastNormalMagnitude, 1e-30, -1e-7]
    let out = S.empty([xs.count], .float32)
    ElementwiseKernels.unary(.exp, S.operand(xs, [xs.count], .float32), to: out)
    for (x, y) in zip(xs, S.values(out, as: Float.self)) {
      let exact = Float(Foundation.exp(Double(x)))
      if exact.isNaN {
        #expect(y.isNaN)
      } else if exact.isInfinite || exact == 0 || !exact.isNormal {
        // Overflow, underflow and denormals: within one denormal step.
        #expect(y == exact || Swift.abs(y - exact) <= 2 * Float.leastNonzeroMagnitude, "exp(\(x))")
      } else {
        #expect(Swift.abs(y - exact) <= 2 * exact.ulp, "exp(\(x)) = \(y), expected \(exact)")
      }
    }
  }

  @Test func sigmoidAndSoftplusStayFiniteForLargeInputs() {
    let xs: [Float] = [-1000, -100, -20, 0, 20, 100, 1000]
    let s = S.empty([7], .float32)
    ElementwiseKernels.unary(.sigmoid, S.operand(xs, [7], .float32), to: s)
    let sv = S.values(s, as: Float.self)
    #expect(sv[0] == 0 && sv[3] == 0.5 && sv[5] == 1 && sv[6] == 1)
    #expect(S.close(Double(sv[1]), 3.720076e-44, 1e-2) && sv.allSatisfy { !$0.isNaN })
    let p = S.empty([7], .float64)
    ElementwiseKernels.unary(.softplus, S.operand(xs.map { Double($0) }, [7], .float64), to: p)
    let pv = S.values(p, as: Double.self)
    #expect(pv[0] == 0 && pv[6] == 1000 && S.close(pv[3], Foundation.log(2), 1e-15))
    #expect(S.close(pv[1], 3.720075976020836e-44, 1e-12))
  }

  @Test func sigmoidFastPathMatchesScalarAcrossThreads() {
    let xs = S.randomFloats(100_003, in: -30...30).map { Float($0) }
    let out = S.empty([xs.count], .float32)
    ElementwiseKernels.unary(.sigmoid, S.operand(xs, [xs.count], .float32), to: out)
    for (x, y) in zip(xs, S.values(out, as: Float.self)) {
      #expect(S.close(Double(y), 1 / (1 + Foundation.exp(-Double(x))), 3e-7))
    }
  }

  @Test func integerUnaryOps() {
    let xs: [Int32] = [-7, -1, 0, 3, Int32.min]
    let cases: [(UnaryOp, [Int32])] = [
      (.neg, [7, 1, 0, -3, Int32.min]), (.abs, [7, 1, 0, 3, Int32.min]),
      (.sign, [-1, -1, 0, 1, -1]), (.square, [49, 1, 0, 9, 0]), (.relu, [0, 0, 0, 3, 0]),
    ]
    for (op, expected) in cases {
      let out = S.empty([5], .int32)
      ElementwiseKernels.unary(op, S.operand(xs, [5], .int32), to: out)
      #expect(S.values(out, as: Int32.self) == expected, "\(op)")
      let out64 = S.empty([5], .int64)
      ElementwiseKernels.unary(op, S.operand(xs.map { Int64($0) }, [5], .int64), to: out64)
      if op != .neg && op != .abs && op != .square {
        #expect(S.values(out64, as: Int64.self) == expected.map { Int64($0) }, "\(op)")
      }
    }
  }

  @Test func logicalNotWritesBool() {
    let out = S.empty([4], .bool)
    ElementwiseKernels.unary(.logicalNot, S.operand([0, 2, -1, .nan] as [Float], [4], .float32),
                             to: out)
    #expect(S.values(out, as: UInt8.self) == [1, 0, 0, 0])
    ElementwiseKernels.unary(.logicalNot, S.operand([1, 0, 1, 0] as [UInt8], [4], .bool), to: out)
    #expect(S.values(out, as: UInt8.self) == [0, 1, 0, 1])
  }

  // MARK: Binary

  static func reference(_ op: BinaryOp, _ x: Double, _ y: Double) -> Double {
    switch op {
    case .add: return x + y
    case .sub: return x - y
    case .mul: return x * y
    case .div: return x / y
    case .pow: return Foundation.pow(x, y)
    case .maximum: return Swift.max(x, y)
    case .minimum: return Swift.min(x, y)
    case .floorDiv: return (x / y).rounded(.down)
    case .remainder: return x - y * (x / y).rounded(.down)
    case .equal: return x == y ? 1 : 0
    case .notEqual: return x != y ? 1 : 0
    case .less: return x < y ? 1 : 0
    case .lessEqual: return x <= y ? 1 : 0
    case .greater: return x > y ? 1 : 0
    case .greaterEqual: return x >= y ? 1 : 0
    case .logicalAnd: return x != 0 && y != 0 ? 1 : 0
    case .logicalOr: return x != 0 || y != 0 ? 1 : 0
    case .logicalXor: return (x != 0) != (y != 0) ? 1 : 0
    }
  }

  @Test(arguments: BinaryOp.allCases)
  func floatBinaryOpsWithBroadcasting(op: BinaryOp) {
    let a: [Double] = [1.5, -2.25, 3, 0, 4.5, -7.5, 2, 0.5]  // [2, 4]
    let b: [Double] = [2, -1.5, 3, 0.25]  // [4], broadcast along rows
    let outType: DType = op.producesBool ? .bool : .float64
    let out = S.empty([2, 4], outType)
    let rowBroadcast = S.operand(b, layout: Layout(shape: [2, 4], strides: [0, 1]), dtype: .float64)
    ElementwiseKernels.binary(op, S.operand(a, [2, 4], .float64), rowBroadcast, to: out)
    let got = op.producesBool
      ? S.values(out, as: UInt8.self).map { Double($0) } : S.values(out, as: Double.self)
    for i in 0..<8 {
      #expect(S.close(got[i], Self.reference(op, a[i], b[i % 4]), 1e-15), "\(op) at \(i)")
    }
    // float32, scalar on the left (all strides 0, offset 2), transposed right operand.
    let scalar = S.operand(
      b.map { Float($0) }, layout: Layout(shape: [4, 2], strides: [0, 0], offset: 2),
                           dtype: .float32)
    let right = S.transposedOperand(a.map { Float($0) }, rows: 4, cols: 2, .float32)
    let out32 = S.empty([4, 2], op.producesBool ? .bool : .float32)
    ElementwiseKernels.binary(op, scalar, right, to: out32)
    let got32 = op.producesBool
      ? S.values(out32, as: UInt8.self).map { Double($0) }
      : S.values(out32, as: Float.self).map { Double($0) }
    for i in 0..<8 {
      #expect(S.close(got32[i], Self.reference(op, 3, a[i]), 1e-6), "\(op) at \(i)")
    }
  }

  @Test func integerDivisionFollowsPython() {
    let a: [Int64] = [7, -7, 7, -7, 6, Int64.min]
    let b: [Int64] = [2, 2, -2, -2, 3, -1]
    let expected: [BinaryOp: [Int64]] = [
      .div: [3, -3, -3, 3, 2, Int64.min], .floorDiv: [3, -4, -4, 3, 2, Int64.min],
      .remainder: [1, 1, -1, -1, 0, 0],
    ]
    for (op, values) in expected {
      let out = S.empty([6], .int64)
      ElementwiseKernels.binary(op, S.operand(a, [6], .int64), S.operand(b, [6], .int64), to: out)
      #expect(S.values(out, as: Int64.self) == values, "\(op)")
      let out32 = S.empty([5], .int32)
      ElementwiseKernels.binary(op, S.operand(a.prefix(5).map { Int32($0) }, [5], .int32),
                                S.operand(b.prefix(5).map { Int32($0) }, [5], .int32), to: out32)
      #expect(S.values(out32, as: Int32.self) == values.prefix(5).map { Int32($0) }, "\(op)")
    }
  }

  @Test func integerArithmeticPowerAndComparisons() {
    let a: [Int32] = [3, 2, -1, 5, -2, 1]
    let b: [Int32] = [4, -1, -3, 0, 3, -2]
    let cases: [(BinaryOp, [Int32])] = [
      (.add, [7, 1, -4, 5, 1, -1]), (.sub, [-1, 3, 2, 5, -5, 3]), (.mul, [12, -2, 3, 0, -6, -2]),
      (.pow, [81, 0, -1, 1, -8, 1]), (.maximum, [4, 2, -1, 5, 3, 1]),
      (.minimum, [3, -1, -3, 0, -2, -2]),
    ]
    for (op, expected) in cases {
      let out = S.empty([6], .int32)
      ElementwiseKernels.binary(op, S.operand(a, [6], .int32), S.operand(b, [6], .int32), to: out)
      #expect(S.values(out, as: Int32.self) == expected, "\(op)")
    }
    let out = S.empty([6], .bool)
    ElementwiseKernels.binary(.less, S.operand(a, [6], .int32), S.operand(b, [6], .int32), to: out)
    #expect(S.values(out, as: UInt8.self) == [1, 0, 0, 0, 1, 0])
  }

  @Test func floatSpecialValues() {
    let a: [Float] = [.nan, 1, -7.5, 7.5, .nan]
    let b: [Float] = [1, .nan, 2, -2, .nan]
    let maxOut = S.empty([5], .float32), remOut = S.empty([5], .float32)
    let eq = S.empty([5], .bool)
    ElementwiseKernels.binary(.maximum, S.operand(a, [5], .float32), S.operand(b, [5], .float32),
                              to: maxOut)
    ElementwiseKernels.binary(.remainder, S.operand(a, [5], .float32), S.operand(b, [5], .float32),
                              to: remOut)
    ElementwiseKernels.binary(.notEqual, S.operand(a, [5], .float32), S.operand(b, [5], .float32),
                              to: eq)
    let m = S.values(maxOut, as: Float.self)
    #expect(m[0].isNaN && m[1].isNaN && m[2] == 2 && m[3] == 7.5)
    let r = S.values(remOut, as: Float.self)
    #expect(r[2] == 0.5 && r[3] == -0.5)
    #expect(S.values(eq, as: UInt8.self) == [1, 1, 1, 1, 1])
  }

  @Test func boolLogicalOps() {
    let a: [UInt8] = [0, 0, 1, 1], b: [UInt8] = [0, 1, 0, 1]
    let cases: [(BinaryOp, [UInt8])] = [
      (.logicalAnd, [0, 0, 0, 1]), (.logicalOr, [0, 1, 1, 1]), (.logicalXor, [0, 1, 1, 0]),
      (.equal, [1, 0, 0, 1]), (.less, [0, 1, 0, 0]), (.maximum, [0, 1, 1, 1]),
    ]
    for (op, expected) in cases {
      let out = S.empty([4], .bool)
      ElementwiseKernels.binary(op, S.operand(a, [4], .bool), S.operand(b, [4], .bool), to: out)
      #expect(S.values(out, as: UInt8.self) == expected, "\(op)")
    }
  }

  @Test func largeBinaryOpsAcrossThreads() {
    let rows = 512, cols = 300
    let a = S.randomFloats(rows * cols, in: -5...5).map { Float($0) }
    let bias = S.randomFloats(cols, in: -1...1, seed: 7).map { Float($0) }
    let column = S.randomFloats(rows, in: -1...1, seed: 9).map { Float($0) }
    let x = S.operand(a, [rows, cols], .float32)
    let out = S.empty([rows, cols], .float32)
    // Contiguous same shape.
    ElementwiseKernels.binary(.mul, x, x, to: out)
    #expect(S.values(out, as: Float.self) == a.map { $0 * $0 })
    // Bias row [cols] and column [rows, 1] broadcasts.
    let row = S.operand(bias, layout: Layout(shape: [rows, cols], strides: [0, 1]), dtype: .float32)
    ElementwiseKernels.binary(.add, x, row, to: out)
    #expect(S.values(out, as: Float.self) == (0..<(rows * cols)).map { a[$0] + bias[$0 % cols] })
    let col = S.operand(column, layout: Layout(shape: [rows, cols], strides: [1, 0]),
                        dtype: .float32)
    ElementwiseKernels.binary(.sub, col, x, to: out)
    #expect(S.values(out, as: Float.self) == (0..<(rows * cols)).map { column[$0 / cols] - a[$0] })
    // Transposed operand and a large exp.
    let t = S.transposedOperand(a, rows: rows, cols: cols, .float32)
    ElementwiseKernels.binary(.add, t, x, to: out)
    #expect(S.values(out, as: Float.self) == a.map { $0 + $0 })
    ElementwiseKernels.unary(.exp, x, to: out)
    for (v, y) in zip(a, S.values(out, as: Float.self)) {
      #expect(S.close(Double(y), Foundation.exp(Double(v)), 3e-7))
    }
  }

  @Test func selectPicksPerElement() {
    let condition = S.operand([1, 0, 0, 1] as [UInt8], [2, 2], .bool)
    let a = S.operand([1, 2, 3, 4] as [Double], [2, 2], .float64)
    let b = S.operand([-9] as [Double], layout: Layout(shape: [2, 2], strides: [0, 0]),
                      dtype: .float64)
    let out = S.empty([2, 2], .float64)
    ElementwiseKernels.select(condition, a, b, to: out)
    #expect(S.values(out, as: Double.self) == [1, -9, -9, 4])
    let out8 = S.empty([2, 2], .bool)
    ElementwiseKernels.select(condition, S.transposed(condition), condition, to: out8)
    #expect(S.values(out8, as: UInt8.self) == [1, 0, 0, 1])
    let ints = S.empty([2, 2], .int32)
    ElementwiseKernels.select(S.transposed(S.operand([1, 1, 0, 0] as [UInt8], [2, 2], .bool)),
                              S.operand([1, 2, 3, 4] as [Int32], [2, 2], .int32),
                              S.operand([5, 6, 7, 8] as [Int32], [2, 2], .int32), to: ints)
    #expect(S.values(ints, as: Int32.self) == [1, 6, 3, 8])
  }
}
