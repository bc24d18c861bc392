import Dispatch
import Foundation

/// Splits loops across the CPU backend's threads.
public enum Parallel {
  nonisolated(unsafe) private static var configuredThreads = ProcessInfo.processInfo.activeProcessorCount

  /// How many threads CPU kernels use (default: all active cores). Setting it also sets BLAS's count.
  public static var threadCount: Int {
    get { configuredThreads }
    set {
      configuredThreads = Swift.max(1, newValue)
      BLAS.shared?.setThreadCount(configuredThreads)
    }
  }

  /// Runs `body(chunkStart..<chunkEnd)` over `0..<count` in about `threadCount` pieces when the loop is
  /// worth splitting (`count * costPerItem` ≥ `threshold`), otherwise inline on the caller's thread.
  @inline(__always)
  public static func forEachChunk(
    _ count: Int, costPerItem: Int = 1, threshold: Int = 1 << 15,
    _ body: (Range<Int>) -> Void
  ) {
    let threads = configuredThreads
    if threads <= 1 || count < 2 || count &* costPerItem < threshold {
      if count > 0 { body(0..<count) }
      return
    }
    let pieces = Swift.min(threads, count)
    let chunk = (count + pieces - 1) / pieces
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: pieces) { piece in
        let start = piece * chunk
        let end = Swift.min(count, start + chunk)
        if start < end { body(start..<end) }
      }
    }
  }
}
