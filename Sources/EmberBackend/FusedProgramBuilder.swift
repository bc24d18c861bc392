/// Writes a `FusedProgram` as formulas: each `Value` is a register, operators append instructions,
/// and every `Double` in a formula becomes a launch-time scalar (collected in `scalars`, in order).
///
/// Identical instructions are emitted once (scalars never merge: their values may differ from one
/// launch to the next while the program stays the same).
public final class FusedProgramBuilder {
  /// The dtype the program computes in.
  public let dtype: DType
  /// The instructions so far.
  public private(set) var instructions: [FusedProgram.Instruction] = []
  /// The scalar values so far, in slot order: pass them at launch.
  public private(set) var scalars: [Double] = []
  private var emitted: [FusedProgram.Instruction: Int] = [:]

  /// A builder of a program computing in `dtype`.
  public init(dtype: DType) {
    precondition(dtype.isFloatingPoint, "FusedProgramBuilder: computes in float32 or float64, not \(dtype)")
    self.dtype = dtype
  }

  /// A register in a program being built.
  public struct Value {
    /// The register's index (the instruction that writes it).
    public let register: Int
    unowned let builder: FusedProgramBuilder
  }

  /// Appends `instruction` (or finds the identical one already emitted).
  public func emit(_ instruction: FusedProgram.Instruction) -> Value {
    if case .scalar = instruction {} else if let existing = emitted[instruction] {
      return Value(register: existing, builder: self)
    }
    instructions.append(instruction)
    emitted[instruction] = instructions.count - 1
    return Value(register: instructions.count - 1, builder: self)
  }

  /// Element `e` of input `index`.
  public func input(_ index: Int) -> Value { emit(.input(index)) }

  /// A new scalar slot holding `value` at launch.
  public func scalar(_ value: Double) -> Value {
    scalars.append(value)
    return emit(.scalar(scalars.count - 1))
  }

  /// A uniform draw in `[0, 1)` (see `FusedProgram` for the Philox words it uses).
  public func uniform() -> Value { emit(.uniform) }

  /// 1 with probability `probability` (a new scalar slot), else 0.
  public func bernoulli(probability: Double) -> Value {
    scalars.append(probability)
    return emit(.bernoulli(probabilityScalar: scalars.count - 1))
  }

  /// `condition != 0 ? a : b`.
  public func select(_ condition: Value, _ a: Value, _ b: Value) -> Value {
    emit(.select(condition.register, a.register, b.register))
  }

  /// `condition != 0 ? a : b` with a scalar `b`.
  public func select(_ condition: Value, _ a: Value, _ b: Double) -> Value {
    select(condition, a, scalar(b))
  }

  /// The program whose outputs are `results`.
  public func program(results: [Value]) -> FusedProgram {
    FusedProgram(instructions: instructions, results: results.map(\.register), dtype: dtype)
  }
}

extension FusedProgram {
  /// Builds a program from `body`'s formulas; returns it with the scalars to launch it with.
  public static func build(
    dtype: DType, _ body: (FusedProgramBuilder) -> [FusedProgramBuilder.Value]
  ) -> (program: FusedProgram, scalars: [Double]) {
    let builder = FusedProgramBuilder(dtype: dtype)
    let results = body(builder)
    return (builder.program(results: results), builder.scalars)
  }
}

extension FusedProgramBuilder.Value {
  /// `op(self)`.
  public func unary(_ op: UnaryOp) -> Self { builder.emit(.unary(op, register)) }
  /// `op(self, other)`.
  public func binary(_ op: BinaryOp, _ other: Self) -> Self {
    builder.emit(.binary(op, register, other.register))
  }
  /// `op(self, value)` with `value` a new scalar slot.
  public func binary(_ op: BinaryOp, _ value: Double) -> Self { binary(op, builder.scalar(value)) }

  // Arithmetic; a `Double` operand becomes a new scalar slot.
  /// `a + b`.
  public static func + (a: Self, b: Self) -> Self { a.binary(.add, b) }
  /// `a − b`.
  public static func - (a: Self, b: Self) -> Self { a.binary(.sub, b) }
  /// `a · b`.
  public static func * (a: Self, b: Self) -> Self { a.binary(.mul, b) }
  /// `a / b`.
  public static func / (a: Self, b: Self) -> Self { a.binary(.div, b) }
  /// `a + b` with a scalar `b`.
  public static func + (a: Self, b: Double) -> Self { a.binary(.add, b) }
  /// `a − b` with a scalar `b`.
  public static func - (a: Self, b: Double) -> Self { a.binary(.sub, b) }
  /// `a · b` with a scalar `b`.
  public static func * (a: Self, b: Double) -> Self { a.binary(.mul, b) }
  /// `a / b` with a scalar `b`.
  public static func / (a: Self, b: Double) -> Self { a.binary(.div, b) }
  /// `a + b` with a scalar `a`.
  public static func + (a: Double, b: Self) -> Self { b.builder.scalar(a).binary(.add, b) }
  /// `a − b` with a scalar `a`.
  public static func - (a: Double, b: Self) -> Self { b.builder.scalar(a).binary(.sub, b) }
  /// `a · b` with a scalar `a`.
  public static func * (a: Double, b: Self) -> Self { b.builder.scalar(a).binary(.mul, b) }
  /// `a / b` with a scalar `a`.
  public static func / (a: Double, b: Self) -> Self { b.builder.scalar(a).binary(.div, b) }
  /// `−a`.
  public static prefix func - (a: Self) -> Self { a.unary(.neg) }

  // The unary ops by their `Tensor` names.
  public func exp() -> Self { unary(.exp) }
  public func log() -> Self { unary(.log) }
  public func log1p() -> Self { unary(.log1p) }
  public func erf() -> Self { unary(.erf) }
  public func tanh() -> Self { unary(.tanh) }
  public func sigmoid() -> Self { unary(.sigmoid) }
  public func softplus() -> Self { unary(.softplus) }
  public func sqrt() -> Self { unary(.sqrt) }
  public func abs() -> Self { unary(.abs) }
  public func squared() -> Self { unary(.square) }
  public func relu() -> Self { unary(.relu) }

  // Binary ops by their `Tensor` names; comparisons give 1 or 0.
  public func maximum(_ other: Self) -> Self { binary(.maximum, other) }
  public func minimum(_ other: Self) -> Self { binary(.minimum, other) }
  public func maximum(_ value: Double) -> Self { binary(.maximum, value) }
  public func minimum(_ value: Double) -> Self { binary(.minimum, value) }
  public func greater(_ value: Double) -> Self { binary(.greater, value) }
  public func less(_ value: Double) -> Self { binary(.less, value) }
  public func less(_ other: Self) -> Self { binary(.less, other) }
}
