/// An elementwise expression evaluated by a backend in one pass over memory: a flat list of
/// instructions over registers (instruction `i` writes register `i`), and the registers written to
/// the outputs.
///
/// Leaves are the launch's inputs (strided operands, broadcast with stride 0), scalars (values
/// passed at launch in a `[Double]`, never baked into the program, so a GPU backend compiles one
/// kernel per program and reuses it for every learning rate or dropout probability) and Philox random
/// draws; every `UnaryOp`, `BinaryOp` and `select` combines them. Everything is computed in `dtype`
/// (`float32` or `float64`): inputs of other dtypes are converted on load, comparisons and logical
/// ops give 1 or 0, `select` picks where its condition is nonzero, and each output converts on store.
///
/// ```swift
/// // y = x·Φ(x) = 0.5·x·(1 + erf(x/√2))
/// let (program, scalars) = FusedProgram.build(dtype: .float32) { b in
///   let x = b.input(0)
///   return [x * 0.5 * ((x * 0.7071067811865476).erf() + 1)]
/// }
/// backend.fused(program, scalars: scalars, inputs: [x], outputs: [y], random: nil)
/// ```
///
/// Random leaves follow the Philox convention of `PhiloxPosition` (shared with the random creation
/// functions), so element `e` of a draw does not depend on the block or thread computing it:
/// - `uniform`: element `e` uses word `w = position.word + e`: float32 `Float(w >> 8)·2⁻²⁴`;
///   float64 uses words `position.word + 2e` (low) and `+ 2e + 1` (high):
///   `Double(((hi << 32) | lo) >> 11)·2⁻⁵³`.
/// - `bernoulli(p)`: 1 when word `position.word + e` < `⌊p·2³²⌋` (compared as 64-bit integers),
///   else 0 — `Tensor.bernoulli`'s rule, so dropout's mask is `bernoulli(1 − p)` at its position.
/// All random leaves of one program read the same words.
public struct FusedProgram: Hashable, Sendable, CustomStringConvertible {
  /// One step of a program; operands are the registers of earlier instructions.
  public enum Instruction: Hashable, Sendable {
    /// Element `e` of input operand `index`, converted to the program's dtype.
    case input(Int)
    /// `scalars[index]` of the launch.
    case scalar(Int)
    /// A uniform draw in `[0, 1)` (see the type's summary for the words it uses).
    case uniform
    /// 1 with probability `scalars[index]`, else 0 (see the type's summary).
    case bernoulli(probabilityScalar: Int)
    /// `op(register)`.
    case unary(UnaryOp, Int)
    /// `op(lhs, rhs)`.
    case binary(BinaryOp, Int, Int)
    /// `condition != 0 ? a : b`.
    case select(Int, Int, Int)
  }

  /// The instructions; instruction `i` writes register `i`.
  public let instructions: [Instruction]
  /// The register written to each output, in the order of the launch's outputs.
  public let results: [Int]
  /// The dtype everything is computed in (`float32` or `float64`).
  public let dtype: DType

  /// A program; every operand must name an earlier instruction.
  public init(instructions: [Instruction], results: [Int], dtype: DType) {
    precondition(dtype.isFloatingPoint, "FusedProgram: computes in float32 or float64, not \(dtype)")
    for (i, instruction) in instructions.enumerated() {
      let operands: [Int]
      switch instruction {
      case .input(let k), .scalar(let k), .bernoulli(let k):
        precondition(k >= 0, "FusedProgram: instruction \(i) has a negative index")
        operands = []
      case .uniform: operands = []
      case .unary(_, let a): operands = [a]
      case .binary(_, let a, let b): operands = [a, b]
      case .select(let c, let a, let b): operands = [c, a, b]
      }
      precondition(operands.allSatisfy { $0 >= 0 && $0 < i },
                   "FusedProgram: instruction \(i) (\(instruction)) reads a later register")
    }
    precondition(results.allSatisfy { $0 >= 0 && $0 < instructions.count },
                 "FusedProgram: results \(results) name missing registers")
    self.instructions = instructions
    self.results = results
    self.dtype = dtype
  }

  /// How many input operands a launch passes (one more than the largest input index).
  public var inputCount: Int {
    instructions.reduce(0) { count, instruction in
      if case .input(let k) = instruction { return Swift.max(count, k + 1) }
      return count
    }
  }

  /// How many scalars a launch passes (one more than the largest scalar index).
  public var scalarCount: Int {
    instructions.reduce(0) { count, instruction in
      switch instruction {
      case .scalar(let k), .bernoulli(let k): return Swift.max(count, k + 1)
      default: return count
      }
    }
  }

  /// `true` when the program draws random numbers (a launch then needs a `PhiloxPosition`).
  public var isRandom: Bool {
    instructions.contains { instruction in
      switch instruction {
      case .uniform, .bernoulli: return true
      default: return false
      }
    }
  }

  /// How many Philox words a launch over `count` elements reads (0 when not random).
  public func randomWords(count: Int) -> UInt64 {
    let uniform64 = dtype == .float64 && instructions.contains(.uniform)
    return isRandom ? UInt64(count) * (uniform64 ? 2 : 1) : 0
  }

  public var description: String {
    let lines = instructions.enumerated().map { "  r\($0) = \($1)" }
    return "FusedProgram(\(dtype)) -> \(results.map { "r\($0)" })\n" + lines.joined(separator: "\n")
  }
}
