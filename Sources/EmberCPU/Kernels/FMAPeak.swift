import CEmberKernels
import Dispatch
import Synchronization

/// The machine's FP32 FMA peak as `../shared/bench/peak.c` measures it (independent FMA chains in the
/// widest registers the CPU has, on every thread at once), so benchmarks can report a share of it.
public enum FMAPeak {
  /// GFLOP/s of FMA chains running on `Parallel.threadCount` threads together: the best of `rounds`
  /// runs of `iterations` steps each (about 0.1 s apiece on a 3 GHz core).
  public static func gflops(iterations: Int = 10_000_000, rounds: Int = 3) -> Double {
    let threads = Parallel.threadCount
    let flops = Mutex(0.0)
    var best = 0.0
    for _ in 0..<rounds {
      flops.withLock { $0 = 0 }
      let start = DispatchTime.now().uptimeNanoseconds
      Parallel.forEachChunk(threads, threshold: 0) { pieces in
        for _ in pieces {
          var sink: Float = 0
          let done = ember_fma_chains_f32(iterations, &sink)
          flops.withLock { $0 += done + Double(sink.isNaN ? 1 : 0) }
        }
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
      best = Swift.max(best, flops.withLock { $0 } / seconds / 1e9)
    }
    return best
  }
}
