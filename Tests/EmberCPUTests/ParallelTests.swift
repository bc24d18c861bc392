import Dispatch
import Synchronization
import Testing
@testable import EmberCPU

@Suite struct ParallelTests {
  /// Every piece runs exactly once, on the pool's threads and the caller.
  @Test func everyPieceRunsOnce() {
    for threads in [2, 3, 5] {
      let pool = ThreadPool(threads: threads)
      defer { pool.retire() }
      for pieces in [1, 2, threads, 2 * threads + 1, 64] {
        let counts = Mutex([Int](repeating: 0, count: pieces))
        for _ in 0..<50 { pool.run(pieces: pieces) { piece in counts.withLock { $0[piece] += 1 } } }
        #expect(counts.withLock { $0 } == [Int](repeating: 50, count: pieces),
                "\(threads) threads, \(pieces) pieces")
      }
    }
  }

  /// A job started inside a job, or from other threads while the pool is busy, runs inline and
  /// still covers every piece.
  @Test func nestedAndConcurrentJobsRunInline() {
    let pool = ThreadPool(threads: 2)
    defer { pool.retire() }
    let total = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      for _ in 0..<20 {
        pool.run(pieces: 4) { _ in
          pool.run(pieces: 3) { _ in total.add(1, ordering: .relaxed) }
        }
      }
    }
    #expect(total.load(ordering: .relaxed) == 8 * 20 * 4 * 3)
  }

  /// `forEachChunk` covers `0..<count` with disjoint chunks, inline below the threshold.
  @Test func chunksCoverTheRange() {
    for count in [0, 1, 7, 1000, 1 << 16] {
      let seen = Mutex([Int](repeating: 0, count: count))
      Parallel.forEachChunk(count, threshold: 0) { range in
        seen.withLock { for i in range { $0[i] += 1 } }
      }
      #expect(seen.withLock { $0 } == [Int](repeating: 1, count: count), "count \(count)")
    }
  }
}
