import EmberCPU

extension BenchWorkload {
  /// Square float32 matrix products, GFLOP/s = 2n³ / median time (3 warm-up calls, 7 samples).
  static let sgemm = BenchWorkload(
    name: "sgemm", summary: "C = A·B, float32, n = 256, 512, 1024, 2048 (GFLOP/s)"
  ) {
    let sizes = [256, 512, 1024, 2048]
    return .object([
      ("gflops", .object(sizes.map { n in ("\(n)", .number(GemmBenchmark.gflops(n: n))) }))
    ])
  }
}
