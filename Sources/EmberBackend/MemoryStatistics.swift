/// What a backend's allocator has handed out: live and peak bytes, and the counts of allocations
/// and of downloads to the host (a training step should make none but its progress read).
///
/// Bytes are those of the buffers' rounded sizes (what the allocator really reserves), excluding
/// memory held idle in a cache.
public struct MemoryStatistics: Sendable, Equatable {
  /// Bytes in buffers that are alive now.
  public var currentBytes: Int
  /// The most `currentBytes` has been since the last `resetPeak()`.
  public var peakBytes: Int
  /// Buffers allocated since the backend started.
  public var allocations: Int
  /// Downloads to host memory since the backend started.
  public var downloads: Int

  public init(currentBytes: Int = 0, peakBytes: Int = 0, allocations: Int = 0, downloads: Int = 0) {
    (self.currentBytes, self.peakBytes) = (currentBytes, peakBytes)
    (self.allocations, self.downloads) = (allocations, downloads)
  }
}
