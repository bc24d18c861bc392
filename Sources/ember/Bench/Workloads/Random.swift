import Ember

extension BenchWorkload {
  /// 16M float32 uniforms and normals from the Philox kernel (elements/s), and a 60,000-element
  /// permutation (the MNIST loader's shuffle) by the kernel's Fisher–Yates and, for comparison, by
  /// sorting random keys.
  static let random = BenchWorkload(
    name: "random",
    summary: "16M float32 uniform/normal draws (elements/s); 60k permutation by Fisher–Yates, sort"
  ) {
    let count = 16 << 20
    var generator = RandomGenerator(seed: 0)
    let uniform = Timing.measure {
      Tensor.uniform([count], using: &generator).backend.synchronize()
    }
    let normal = Timing.measure {
      Tensor.normal([count], using: &generator).backend.synchronize()
    }
    let n = 60_000
    let shuffle = Timing.measure(minSamples: 50) {
      Tensor.randomPermutation(n, using: &generator).backend.synchronize()
    }
    let keySort = Timing.measure(minSamples: 50) {
      let keys = Tensor.randomIntegers([n], in: Int.min..<Int.max, using: &generator)
      keys.sorted().indices.backend.synchronize()
    }
    return .object([
      ("uniform_elements_per_s", .number(Double(count) / uniform.median)),
      ("normal_elements_per_s", .number(Double(count) / normal.median)),
      ("permutation_60k_fisher_yates_ms", .number(shuffle.median * 1e3)),
      ("permutation_60k_key_sort_ms", .number(keySort.median * 1e3)),
    ])
  }
}
