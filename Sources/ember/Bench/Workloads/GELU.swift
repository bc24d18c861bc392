import Ember
import Foundation

extension BenchWorkload {
  /// GELU forward and backward over `[4096, 4096]` float32: the fused kernels (one pass each way)
  /// beside the same formula in composed tensor ops (the fused kernel's oracle).
  /// `Benchmarks/torch_gelu.py` measures PyTorch's `gelu` the same way.
  static let gelu = BenchWorkload(
    name: "gelu",
    summary: "GELU forward + backward, [4096, 4096] float32: fused vs composed ops (elements/s)"
  ) {
    Random.seed(0)
    let shape = [4096, 4096]
    let count = Double(shape.reduce(1, *))
    let x = Tensor.normal(shape).requiringGradient()
    let seed = Tensor.normal(shape)
    /// Process CPU seconds (all threads), a measure that other processes' load disturbs less.
    func cpuSeconds() -> Double {
      var t = timespec()
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
      return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    /// The step's timing and its mean CPU milliseconds (warm-up included).
    func measure(_ forward: @escaping (Tensor) -> Tensor, minSamples: Int) -> (Timing, Double) {
      let start = cpuSeconds()
      let timing = Timing.measure(warmup: 3, minSamples: minSamples, minSeconds: 2) {
        let y = forward(x)
        let grads = y.backward(seed: seed)
        grads[x]!.backend.synchronize()
      }
      return (timing, (cpuSeconds() - start) / Double(timing.samples + 3) * 1e3)
    }
    let (fused, fusedCPU) = measure({ $0.gelu() }, minSamples: 15)
    let (composed, composedCPU) = measure(
      { x in x * 0.5 * ((x * 0.7071067811865476).erf() + 1) }, minSamples: 7)
    var metrics = fused.metrics("elements_per_s", perRun: count)
    metrics += [
      ("cpu_ms_per_step", .number(fusedCPU)),
      ("composed_elements_per_s", .number(count / composed.median)),
      ("composed_op_ms_median", .number(composed.median * 1e3)),
      ("composed_cpu_ms_per_step", .number(composedCPU)),
      ("speedup_vs_composed", .number(composed.median / fused.median)),
    ]
    return .object(metrics)
  }
}
