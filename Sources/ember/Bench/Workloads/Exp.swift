import Ember

extension BenchWorkload {
  /// `y = exp(x)` over 16M float32 elements; GB/s counts one read and one write (2 · 4 · 16M bytes)
  /// per op.
  static let exp = BenchWorkload(
    name: "exp", summary: "y = exp(x), 16M float32 elements (GB/s, 8 bytes per element)"
  ) {
    let count = 16 << 20
    let x = Tensor.uniform([count], in: -4.0...4.0)
    let timing = Timing.measure {
      let y = x.exp()
      y.backend.synchronize()
    }
    return .object(timing.metrics("gb_per_s", perRun: 2 * 4 * Double(count) / 1e9))
  }
}
