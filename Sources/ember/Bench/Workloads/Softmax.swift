import Ember

extension BenchWorkload {
  /// `x.softmax(axis: -1)` over a `[4096, 1024]` float32 matrix; rows/s = 4096 / median time.
  static let softmax = BenchWorkload(
    name: "softmax", summary: "softmax over the last axis of [4096, 1024] float32 (rows/s)"
  ) {
    let rows = 4096, columns = 1024
    let x = Tensor.uniform([rows, columns], in: -4.0...4.0)
    let timing = Timing.measure {
      let y = x.softmax(axis: -1)
      y.backend.synchronize()
    }
    return .object(timing.metrics("rows_per_s", perRun: Double(rows)))
  }
}
