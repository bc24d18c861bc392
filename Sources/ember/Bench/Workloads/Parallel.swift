import Ember
import EmberCPU
import Synchronization

extension BenchWorkload {
  /// What splitting a loop across the CPU backend's threads costs: one fork/join of one task per
  /// thread, each waiting until every task has started (so all threads really take part), next to
  /// the 128×512·512×512 product of a batch-128 MLP layer it splits.
  static let parallel = BenchWorkload(
    name: "parallel",
    summary: "fork/join cost of the CPU thread pool (µs) next to a 128×512·512×512 product"
  ) {
    let threads = Parallel.threadCount
    let started = Atomic<Int>(0)
    var round = 0
    let forkJoin = Timing.measure(warmup: 100, minSamples: 2000, minSeconds: 0.5, maxSamples: 200_000) {
      round += 1
      let target = round * threads
      Parallel.forEachChunk(threads, threshold: 0) { tasks in
        started.add(tasks.count, ordering: .relaxed)
        while started.load(ordering: .relaxed) < target {}
      }
    }
    let a = Tensor.normal([128, 512]), b = Tensor.normal([512, 512])
    let product = Timing.measure(warmup: 10, minSamples: 200, minSeconds: 1, maxSamples: 100_000) {
      let c = a.matmul(b)
      c.backend.synchronize()
    }
    return .object([
      ("fork_join_us_median", .number(forkJoin.median * 1e6)),
      ("fork_join_us_min", .number(forkJoin.min * 1e6)),
      ("product_us_median", .number(product.median * 1e6)),
      ("fork_join_share_of_product", .number(forkJoin.median / product.median)),
      ("product_gflops", .number(2 * 128 * 512 * 512 / product.median / 1e9)),
    ])
  }
}
