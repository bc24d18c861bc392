import CEmberKernels
import EmberBackend
import Foundation
import Testing

@testable import EmberCPU

/// The fused kernel against the unary/binary/select kernels (its oracle) and the Philox stream.
struct FusedTests {
  typealias S = TestSupport

  /// Runs `program` on the CPU into fresh contiguous outputs of `dtypes`.
  static func run(
    _ program: FusedProgram, scalars: [Double] = [], _ inputs: [Operand], outputs dtypes: [DType],
    random: PhiloxPosition? = nil
  ) -> [Operand] {
    let shape = inputs.first?.shape ?? [5]
    let outputs = dtypes.map { S.empty(shape, $0) }
    S.cpu.fused(program, scalars: scalars, inputs: inputs, outputs: outputs, random: random)
    return outputs
  }

  static func doubles(_ operand: Operand) -> [Double] {
    switch operand.dtype {
    case .float32: return S.values(operand, as: Float.self).map { Double($0) }
    case .float64: return S.values(operand, as: Double.self)
    case .bool: return S.values(operand, as: UInt8.self).map { Double($0) }
    case .int32: return S.values(operand, as: Int32.self).map { Double($0) }
    case .int64: return S.values(operand, as: Int64.self).map { Double($0) }
    }
  }

  /// An operand of `dtype` holding `values` (converted).
  static func operand(_ values: [Double], _ shape: [Int], _ dtype: DType) -> Operand {
    switch dtype {
    case .float32: return S.operand(values.map { Float($0) }, shape, dtype)
    case .float64: return S.operand(values, shape, dtype)
    case .int32: return S.operand(values.map { Int32($0) }, shape, dtype)
    case .int64: return S.operand(values.map { Int64($0) }, shape, dtype)
    case .bool: return S.operand(values.map { $0 != 0 ? UInt8(1) : 0 }, shape, dtype)
    }
  }

  /// Every unary op, both float dtypes, over 600 elements (blocks, tails, C fast paths).
  @Test(arguments: UnaryOp.allCases, [DType.float32, .float64])
  func unaryOpsMatchTheUnaryKernel(op: UnaryOp, dtype: DType) {
    let base = S.randomFloats(600, in: -4...4)
    let values = [.sqrt, .rsqrt, .log, .log1p].contains(op) ? base.map { Swift.abs($0) + 0.01 } : base
    let x = Self.operand(values, [20, 30], dtype)
    let program = FusedProgram(instructions: [.input(0), .unary(op, 0)], results: [1], dtype: dtype)
    let fused = Self.run(program, [x], outputs: [dtype])[0]
    let expected = S.empty([20, 30], op == .logicalNot ? .bool : dtype)
    S.cpu.unary(op, x, to: expected)
    let tolerance = dtype == .float32 ? 1e-6 : 1e-14
    for (a, b) in zip(Self.doubles(fused), Self.doubles(expected)) {
      #expect(S.close(a, b, tolerance), "\(op) \(dtype): \(a) vs \(b)")
    }
  }

  /// Every binary op with a broadcast row, a scalar and a transposed operand.
  @Test(arguments: BinaryOp.allCases, [DType.float32, .float64])
  func binaryOpsMatchTheBinaryKernel(op: BinaryOp, dtype: DType) {
    let rows = 23, cols = 17
    var a = S.randomFloats(rows * cols, in: -3...3, seed: 1)
    if op == .pow { a = a.map { Swift.abs($0) + 0.1 } }
    let b = S.randomFloats(cols, in: 0.5...2, seed: 2).map { op == .equal ? ($0 * 4).rounded() / 4 : $0 }
    let x = dtype == .float32
      ? S.transposedOperand(a.map { Float($0) }, rows: rows, cols: cols, dtype)
      : S.transposedOperand(a, rows: rows, cols: cols, dtype)
    var y = Self.operand(b, [cols], dtype)
    y.layout = y.layout.broadcast(to: [rows, cols])
    let program = FusedProgram(
      instructions: [.input(0), .input(1), .binary(op, 0, 1), .scalar(0), .binary(op, 2, 3)],
      results: [2, 4], dtype: dtype)
    let outputs = Self.run(program, scalars: [1.25], [x, y], outputs: [dtype, op.producesBool ? .bool : dtype])
    let expected = S.empty([rows, cols], op.producesBool ? .bool : dtype)
    S.cpu.binary(op, x, y, to: expected)
    let tolerance = dtype == .float32 ? 1e-6 : 1e-14
    for (got, want) in zip(Self.doubles(outputs[0]), Self.doubles(expected)) {
      #expect(S.close(got, want, tolerance), "\(op) \(dtype): \(got) vs \(want)")
    }
    // The second result applies the op again with the scalar 1.25 (stride 0).
    let first = Self.doubles(outputs[0]), second = Self.doubles(outputs[1])
    let scalarOperand = Self.operand([Double](repeating: 1.25, count: rows * cols), [rows, cols], dtype)
    let again = S.empty([rows, cols], op.producesBool ? .bool : dtype)
    S.cpu.binary(op, Self.operand(first, [rows, cols], dtype), scalarOperand, to: again)
    for (got, want) in zip(second, Self.doubles(again)) {
      #expect(S.close(got, want, tolerance), "\(op) scalar \(dtype): \(got) vs \(want)")
    }
  }

  /// Inputs of other dtypes convert on load, `select` picks where nonzero, outputs convert on store
  /// (here into a strided view), and scalar-only instructions fold to constants.
  @Test func conversionsSelectAndStridedOutput() {
    let mask = Self.operand([1, 0, 1, 1, 0, 0], [2, 3], .bool)
    let ints = Self.operand([1, 2, 3, 4, 5, 6], [2, 3], .int64)
    let floats = Self.operand([0.5, -1, 2, -3, 4, -5], [2, 3], .float32)
    // r5 = mask ? ints·(s0 + s1) : floats;  r6 = r5 > 2
    let program = FusedProgram(
      instructions: [.input(0), .input(1), .input(2), .scalar(0), .scalar(1), .binary(.add, 3, 4),
                     .binary(.mul, 1, 5), .select(0, 6, 2), .scalar(2), .binary(.greater, 7, 8)],
      results: [7, 9], dtype: .float64)
    var wide = S.empty([2, 6], .float32)
    wide.layout = Layout(shape: [2, 3], strides: [6, 2], offset: 1)
    let flags = S.empty([2, 3], .bool)
    S.cpu.fused(program, scalars: [1, 0.5, 2], inputs: [mask, ints, floats], outputs: [wide, flags], random: nil)
    #expect(Self.doubles(wide) == [1.5, -1, 4.5, 6, 4, -5])
    #expect(S.values(flags, as: UInt8.self) == [0, 0, 1, 1, 1, 0])
  }

  /// An output may be the very elements of an input: an in-place update over many blocks.
  /// `add`/`sub` of scaled operands run as one linear-combination loop, rounded exactly as the
  /// separate instructions: each case equals the composed binary kernels bit for bit.
  @Test(arguments: [DType.float32, .float64])
  func linearCombinationsMatchTheSeparateOps(dtype: DType) {
    let n = 3001
    let a = Self.operand(S.randomFloats(n, in: -3...3, seed: 1), [n], dtype)
    let b = Self.operand(S.randomFloats(n, in: -3...3, seed: 2), [n], dtype)
    let (s, t) = (0.9, 0.1000000001)
    func composed(_ op: BinaryOp, _ x: Operand, _ y: Operand) -> Operand {
      let out = S.empty([n], dtype)
      S.cpu.binary(op, x, y, to: out)
      return out
    }
    func scaled(_ x: Operand, _ c: Double) -> Operand {
      var constant = Self.operand([c], [1], dtype)
      constant.layout = Layout(shape: [n], strides: [0])
      return composed(.mul, x, constant)
    }
    // 0: a, 1: b, 2: s, 3: t, 4: a·s, 5: b·t, 6: a·s + b·t, 7: a − b·t, 8: a·s − b, 9: a·s + t
    let program = FusedProgram(
      instructions: [.input(0), .input(1), .scalar(0), .scalar(1), .binary(.mul, 0, 2),
                     .binary(.mul, 3, 1), .binary(.add, 4, 5), .binary(.mul, 1, 3), .binary(.sub, 0, 7),
                     .binary(.mul, 0, 2), .binary(.sub, 9, 1), .binary(.mul, 0, 2), .binary(.add, 11, 3)],
      results: [6, 8, 10, 12], dtype: dtype)
    let got = Self.run(program, scalars: [s, t], [a, b], outputs: [dtype, dtype, dtype, dtype]).map(Self.doubles)
    var tOperand = Self.operand([t], [1], dtype)
    tOperand.layout = Layout(shape: [n], strides: [0])
    let expected = [
      composed(.add, scaled(a, s), scaled(b, t)), composed(.sub, a, scaled(b, t)),
      composed(.sub, scaled(a, s), b), composed(.add, scaled(a, s), tOperand),
    ].map(Self.doubles)
    for k in 0..<4 { #expect(got[k] == expected[k], "case \(k)") }
  }

  /// An output written over its own input while a later instruction still reads the old values
  /// must not be written in place before that read (the planner stores it after the block).
  @Test func inPlaceOutputReadAfterItsInstructionKeepsTheOldValues() {
    let n = 2500
    let values = S.randomFloats(n, in: -1...1, seed: 3)
    let p = Self.operand(values, [n], .float32)
    // out0 = p·2 (into p itself), out1 = p + 1 (reads p after out0's instruction)
    let program = FusedProgram(
      instructions: [.input(0), .scalar(0), .binary(.mul, 0, 1), .scalar(1), .binary(.add, 0, 3)],
      results: [2, 4], dtype: .float32)
    let other = S.empty([n], .float32)
    S.cpu.fused(program, scalars: [2, 1], inputs: [p], outputs: [p, other], random: nil)
    let old = values.map { Double(Float($0)) }
    #expect(Self.doubles(p) == old.map { Double(Float($0) * 2) })
    #expect(Self.doubles(other) == old.map { Double(Float($0) + 1) })
  }

  @Test func inPlaceUpdate() {
    let n = 5000
    let values = S.randomFloats(n, in: -1...1)
    let p = Self.operand(values, [n], .float32)
    let g = Self.operand(S.randomFloats(n, in: -1...1, seed: 9), [n], .float32)
    let expectedG = Self.doubles(g)
    // p ← p − 0.1·g; the second output g·2 goes to a fresh buffer.
    let program = FusedProgram(
      instructions: [.input(0), .input(1), .scalar(0), .binary(.mul, 1, 2), .binary(.sub, 0, 3),
                     .scalar(1), .binary(.mul, 1, 5)],
      results: [4, 6], dtype: .float32)
    let doubled = S.empty([n], .float32)
    S.cpu.fused(program, scalars: [0.1, 2], inputs: [p, g], outputs: [p, doubled], random: nil)
    let got = Self.doubles(p)
    for i in 0..<n {
      #expect(S.close(got[i], Double(Float(values[i]) - Float(0.1) * Float(expectedG[i])), 1e-6))
    }
    #expect(Self.doubles(doubled) == expectedG.map { $0 * 2 })
  }

  /// Uniform and Bernoulli leaves follow the Philox convention, and do not depend on threads.
  @Test(arguments: [DType.float32, .float64])
  func randomLeavesFollowThePhiloxConvention(dtype: DType) {
    let n = 70_001
    let position = PhiloxPosition(key: 0xDEAD_BEEF_1234, stream: 3, word: 17)
    let program = FusedProgram(
      instructions: [.uniform, .bernoulli(probabilityScalar: 0)], results: [0, 1], dtype: dtype)
    func draw(threads: Int) -> [[Double]] {
      let saved = Parallel.threadCount
      Parallel.threadCount = threads
      defer { Parallel.threadCount = saved }
      let outputs = [S.empty([n], dtype), S.empty([n], .bool)]
      S.cpu.fused(program, scalars: [0.3], inputs: [], outputs: outputs, random: position)
      return outputs.map(Self.doubles)
    }
    let one = draw(threads: 1), two = draw(threads: 2)
    #expect(one == two)
    let wordCount = dtype == .float64 ? 2 * n : n
    var words = [UInt32](repeating: 0, count: wordCount)
    ember_philox_u32(position.key, position.stream, position.word, &words, wordCount)
    var bernoulliWords = [UInt32](repeating: 0, count: n)
    ember_philox_u32(position.key, position.stream, position.word, &bernoulliWords, n)
    let threshold = UInt64((0.3 * 4294967296).rounded(.down))
    var mismatches = 0
    for e in 0..<n {
      let uniform: Double
      if dtype == .float32 {
        uniform = Double(Float(words[e] >> 8) * 0x1p-24)
      } else {
        let bits = (UInt64(words[2 * e + 1]) << 32) | UInt64(words[2 * e])
        uniform = Double(bits >> 11) * 0x1p-53
      }
      let bit: Double = UInt64(bernoulliWords[e]) < threshold ? 1 : 0
      if one[0][e] != uniform || one[1][e] != bit { mismatches += 1 }
    }
    #expect(mismatches == 0)
    let kept = one[1].reduce(0, +) / Double(n)
    #expect(abs(kept - 0.3) < 0.01)
  }

  /// A long program over a large, transposed input, across threads, against composed kernels.
  @Test func largeProgramAcrossThreads() {
    let rows = 300, cols = 257
    let a = S.randomFloats(rows * cols, in: -3...3, seed: 4).map { Float($0) }
    let x = S.transposedOperand(a, rows: rows, cols: cols, .float32)
    // gelu(x) = x·0.5·(1 + erf(x·√½))
    let (program, scalars) = FusedProgram.build(dtype: .float32) { b in
      let v = b.input(0)
      return [v * 0.5 * ((v * 0.7071067811865476).erf() + 1)]
    }
    let fused = Self.run(program, scalars: scalars, [x], outputs: [.float32])[0]
    let got = Self.doubles(fused), values = S.values(x, as: Float.self)
    for (g, v) in zip(got, values) {
      let want = Double(v) * 0.5 * (1 + Foundation.erf(Double(v) * 0.7071067811865476))
      #expect(S.close(g, want, 2e-6), "gelu(\(v)) = \(g), expected \(want)")
    }
  }

  /// Scratch registers are reused only once free: an operand read twice by its last reader frees
  /// its register once.
  @Test func registersAreReusedSafely() {
    let values: [Float] = [0.5, -1, 2, 1.5, -0.25, 3]
    let x = S.transposedOperand(values, rows: 2, cols: 3, .float32)  // gathered into scratch
    // r1 = x·x; r3 = r1 + 1; r4 = r1·r3 = x²·(x² + 1)
    let program = FusedProgram(
      instructions: [.input(0), .binary(.mul, 0, 0), .scalar(0), .binary(.add, 1, 2),
                     .binary(.mul, 1, 3)],
      results: [4], dtype: .float32)
    let got = Self.doubles(Self.run(program, scalars: [1], [x], outputs: [.float32])[0])
    let want = S.values(x, as: Float.self).map { v -> Double in
      let square = v * v
      return Double(square * (square + 1))
    }
    #expect(got == want)
  }
}
