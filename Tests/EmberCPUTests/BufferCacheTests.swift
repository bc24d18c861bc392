import EmberBackend
import Testing

@testable import EmberCPU

@Suite struct BufferCacheTests {
  @Test func bucketsRoundUp() {
    #expect(BufferCache.bucket(1) == 64)
    #expect(BufferCache.bucket(4096) == 4096)
    #expect(BufferCache.bucket(4097) == 4608)  // eighth-octave steps above 4 KiB
    #expect(BufferCache.bucket(784 * 512 * 4) == 1_703_936)
    #expect(BufferCache.bucket(1 << 20) == 1 << 20)
    for size in [100, 5000, 123_457, 10_000_000] {
      let bucket = BufferCache.bucket(size)
      #expect(bucket >= size && bucket < size + size / 8 + 64)
    }
  }

  @Test func freedMemoryIsReused() {
    let cache = BufferCache()
    var first: Buffer? = cache.allocate(byteCount: 1 << 20)
    let address = first!.pointer
    first = nil
    let second = cache.allocate(byteCount: (1 << 20) - 100)  // same bucket
    #expect(second.pointer == address)
    #expect(second.byteCount == (1 << 20) - 100)
    let third = cache.allocate(byteCount: 1 << 20)  // the cached one is taken: a fresh block
    #expect(third.pointer != address)
  }

  @Test func statisticsTrackLiveAndPeakBytes() {
    let cache = BufferCache()
    var a: Buffer? = cache.allocate(byteCount: 8192)
    var b: Buffer? = cache.allocate(byteCount: 100)
    #expect(cache.memoryStatistics == MemoryStatistics(currentBytes: 8192 + 128, peakBytes: 8192 + 128, allocations: 2))
    a = nil
    #expect(cache.memoryStatistics.currentBytes == 128)
    #expect(cache.memoryStatistics.peakBytes == 8192 + 128)
    cache.resetPeak()
    #expect(cache.memoryStatistics.peakBytes == 128)
    b = nil
    cache.countDownload()
    #expect(cache.memoryStatistics == MemoryStatistics(currentBytes: 0, peakBytes: 128, allocations: 2, downloads: 1))
    _ = (a, b)
  }

  @Test func limitBoundsWhatIsKept() {
    let cache = BufferCache()
    var kept: Buffer? = cache.allocate(byteCount: 8192)
    kept = nil
    #expect(cache.cachedBytes == 8192)
    cache.limit = 8192
    var a: Buffer? = cache.allocate(byteCount: 100_000)
    a = nil
    #expect(cache.cachedBytes == 8192)  // over the limit: given back to the system, not cached
    _ = (kept, a)
  }

  /// Over the limit, the least recently used buckets make room for the buffer being freed.
  @Test func leastRecentlyUsedBucketsAreEvicted() {
    let cache = BufferCache()
    cache.limit = 3 * 8192
    var old: [Buffer]? = [cache.allocate(byteCount: 8192), cache.allocate(byteCount: 8192)]
    var recent: Buffer? = cache.allocate(byteCount: 6000)  // bucket 6144
    old = nil
    recent = nil
    #expect(cache.cachedBytes == 2 * 8192 + 6144)
    // A 16 KiB buffer freed now evicts the two 8 KiB ones (used first), not the 6 KiB one.
    var new: Buffer? = cache.allocate(byteCount: 16384)
    let address = new!.pointer
    new = nil
    #expect(cache.cachedBytes == 16384 + 6144)
    let again = cache.allocate(byteCount: 16384)
    #expect(again.pointer == address)
    #expect(cache.cachedBytes == 6144)
    _ = (old, recent, new, again)
  }
}
