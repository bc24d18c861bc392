import EmberBackend
import Foundation

/// Times float32 matrix products on the CPU (`ember bench sgemm`, `ember bench gemm-shapes`).
public enum GemmBenchmark {
  /// Which GEMM a timed product runs.
  public enum Path: String, Sendable, CaseIterable {
    /// What the CPU backend chooses (the loaded BLAS, or the built-in GEMM when none is).
    case `default`
    /// The built-in GEMM, even when a BLAS is loaded.
    case builtIn = "built_in"
    /// A system BLAS: the loaded one, or else the one `EMBER_BLAS=auto` would load (`BLAS.comparison`;
    /// `nil` results when there is none).
    case blas
  }

  /// GFLOP/s of `C = A·B` for `n`×`n` float32 matrices through the CPU backend's GEMM (the loaded
  /// BLAS, or the built-in kernels when none is): `2n³` over the median of `samples` timed samples,
  /// each the mean of as many products as fill `minSampleSeconds`, after `warmup` untimed ones.
  public static func gflops(
    n: Int, samples: Int = 7, warmup: Int = 3, minSampleSeconds: Double = 0.25
  ) -> Double {
    gflops(m: n, n: n, k: n, samples: samples, warmup: warmup, minSampleSeconds: minSampleSeconds)!
  }

  /// GFLOP/s of `batch` products `C = op(A)·op(B)` of `m`×`k` by `k`×`n` float32 matrices on `path`
  /// (`transposeA`: A is read through a transposed view of a `k`×`m` matrix; likewise B of an
  /// `n`×`k` one), timed as `gflops(n:)` does; `nil` for `.blas` when there is no system BLAS.
  public static func gflops(
    m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, batch: Int = 1,
    path: Path = .default, samples: Int = 7, warmup: Int = 3, minSampleSeconds: Double = 0.25
  ) -> Double? {
    precondition(m > 0 && n > 0 && k > 0 && batch > 0 && samples > 0,
                 "GemmBenchmark: sizes \(m)×\(n)×\(k)×\(batch) and samples \(samples) must be positive")
    let blas: BLAS?
    switch path {
    case .default: blas = BLAS.shared
    case .builtIn: blas = nil
    case .blas:
      guard let comparison = BLAS.comparison else { return nil }
      blas = comparison
    }
    func matrix(_ rows: Int, _ columns: Int, transposed: Bool) -> Operand {
      let count = batch * rows * columns
      let buffer = Buffer(
        device: .cpu, pointer: UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64),
        byteCount: count * 4, release: { pointer, _ in pointer.deallocate() })
      let values = buffer.pointer.bindMemory(to: Float.self, capacity: count)
      var state: UInt32 = 12345
      for i in 0..<count {
        state = state &* 1_664_525 &+ 1_013_904_223
        values[i] = Float(state >> 8) / Float(1 << 24) - 0.5
      }
      let layout = transposed
        ? Layout(shape: [batch, rows, columns], strides: [rows * columns, 1, rows], offset: 0)
        : Layout(contiguous: [batch, rows, columns])
      return Operand(buffer: buffer, layout: layout, dtype: .float32)
    }
    let a = matrix(m, k, transposed: transposeA), b = matrix(k, n, transposed: transposeB)
    let c = matrix(m, n, transposed: false)
    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
    for _ in 0..<warmup { GemmKernels.matmul(a, b, to: c, blas: blas) }
    // As the reference (anchors.py) does: each sample repeats the product for ≥ `minSampleSeconds`
    // and takes the mean, so a fast product is not dominated by the timer and thread wake-ups.
    var start = now()
    GemmKernels.matmul(a, b, to: c, blas: blas)
    let repeats = Swift.max(1, Int(minSampleSeconds / Swift.max(now() - start, 1e-6)))
    var times: [Double] = []
    for _ in 0..<samples {
      start = now()
      for _ in 0..<repeats { GemmKernels.matmul(a, b, to: c, blas: blas) }
      times.append((now() - start) / Double(repeats))
    }
    times.sort()
    let median = times.count % 2 == 1
      ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    return 2 * Double(batch) * Double(m) * Double(n) * Double(k) / median / 1e9
  }
}
