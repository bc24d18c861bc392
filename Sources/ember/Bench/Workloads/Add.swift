import Ember

extension BenchWorkload {
  /// `c = a + b` over 16M float32 elements through `Tensor`'s `+`; GB/s counts two reads and one
  /// write (3 · 4 · 16M bytes) per op.
  static let add = BenchWorkload(
    name: "add", summary: "c = a + b, 16M float32 elements (GB/s, 12 bytes per element)"
  ) {
    let count = 16 << 20
    let a = Tensor.uniform([count], in: -1.0...1.0), b = Tensor.uniform([count], in: -1.0...1.0)
    let timing = Timing.measure {
      let c = a + b
      c.backend.synchronize()
    }
    return .object(timing.metrics("gb_per_s", perRun: 3 * 4 * Double(count) / 1e9))
  }
}
