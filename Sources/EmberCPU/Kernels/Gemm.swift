import EmberBackend

// PLACEHOLDER — to be replaced by the GEMM work.
enum GemmKernels {
  static func matmul(_ a: Operand, _ b: Operand, to c: Operand) { fatalError("matmul: not implemented yet") }
}
