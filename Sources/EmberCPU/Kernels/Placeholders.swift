import EmberBackend

// PLACEHOLDER — every enum here is replaced by a file of its own under Kernels/.
enum CopyKernels {
  static func copy(_ source: Operand, to destination: Operand) { fatalError() }
  static func fill(_ destination: Operand, with value: Double) { fatalError() }
}
enum ElementwiseKernels {
  static func unary(_ op: UnaryOp, _ x: Operand, to out: Operand) { fatalError() }
  static func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand) { fatalError() }
  static func select(_ condition: Operand, _ a: Operand, _ b: Operand, to out: Operand) { fatalError() }
}
enum ReductionKernels {
  static func reduce(_ op: ReduceOp, _ x: Operand, axes: [Int], to out: Operand) { fatalError() }
}
enum SoftmaxKernels {
  static func softmax(_ x: Operand, axis: Int, log: Bool, to out: Operand) { fatalError() }
}
enum IndexingKernels {
  static func gather(_ x: Operand, axis: Int, index: Operand, to out: Operand) { fatalError() }
  static func scatterAdd(_ source: Operand, axis: Int, index: Operand, into out: Operand) { fatalError() }
}
enum ScanKernels {
  static func cumsum(_ x: Operand, axis: Int, to out: Operand) { fatalError() }
}
enum SortKernels {
  static func sort(_ x: Operand, axis: Int, descending: Bool, values: Operand, indices: Operand) { fatalError() }
}
