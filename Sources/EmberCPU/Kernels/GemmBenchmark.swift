import EmberBackend
import Foundation

/// Times square float32 matrix products on the CPU (`ember bench sgemm`).
public enum GemmBenchmark {
  /// GFLOP/s of `C = A·B` for `n`×`n` float32 matrices through the CPU backend's GEMM (the loaded
  /// BLAS, or the built-in kernels when none is): `2n³` over the median of `samples` timed samples,
  /// each the mean of as many products as fill `minSampleSeconds`, after `warmup` untimed ones.
  public static func gflops(
    n: Int, samples: Int = 7, warmup: Int = 3, minSampleSeconds: Double = 0.25
  ) -> Double {
    gflops(n: n, samples: samples, warmup: warmup, minSampleSeconds: minSampleSeconds, useBLAS: true)
  }

  /// As `gflops(n:samples:warmup:)`; `useBLAS: false` times the built-in GEMM even when a BLAS loaded.
  static func gflops(
    n: Int, samples: Int, warmup: Int, minSampleSeconds: Double = 0.25, useBLAS: Bool
  ) -> Double {
    precondition(n > 0 && samples > 0, "GemmBenchmark: n \(n) and samples \(samples) must be positive")
    let count = n * n
    func matrix() -> Operand {
      let buffer = Buffer(
        device: .cpu, pointer: UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64),
        byteCount: count * 4, release: { pointer, _ in pointer.deallocate() })
      let values = buffer.pointer.bindMemory(to: Float.self, capacity: count)
      var state: UInt32 = 12345
      for i in 0..<count {
        state = state &* 1_664_525 &+ 1_013_904_223
        values[i] = Float(state >> 8) / Float(1 << 24) - 0.5
      }
      return Operand(buffer: buffer, layout: Layout(contiguous: [1, n, n]), dtype: .float32)
    }
    let (a, b, c) = (matrix(), matrix(), matrix())
    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
    for _ in 0..<warmup { GemmKernels.matmul(a, b, to: c, useBLAS: useBLAS) }
    // As the reference (anchors.py) does: each sample repeats the product for ≥ `minSampleSeconds`
    // and takes the mean, so a fast product is not dominated by the timer and thread wake-ups.
    var start = now()
    GemmKernels.matmul(a, b, to: c, useBLAS: useBLAS)
    let repeats = Swift.max(1, Int(minSampleSeconds / Swift.max(now() - start, 1e-6)))
    var times: [Double] = []
    for _ in 0..<samples {
      start = now()
      for _ in 0..<repeats { GemmKernels.matmul(a, b, to: c, useBLAS: useBLAS) }
      times.append((now() - start) / Double(repeats))
    }
    times.sort()
    let median = times.count % 2 == 1
      ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    return 2 * Double(n) * Double(n) * Double(n) / median / 1e9
  }
}
