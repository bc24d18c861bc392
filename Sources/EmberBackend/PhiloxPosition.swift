/// A place in a Philox 4×32-10 stream: the key (from the seed) and the first 32-bit word to use.
///
/// Random kernels are counter-based: element `e` of a draw is computed from the words at
/// `word + e` (float32, Bernoulli) or `word + 2e`, `word + 2e + 1` (float64), so any element can be
/// computed on its own and a seed gives the same numbers on any thread count and any device.
/// Word `w` is word `w % 4` of the block with counter `(w / 4, stream)` under `key`.
public struct PhiloxPosition: Hashable, Sendable {
  /// The 64-bit key (two 32-bit key words, low first).
  public var key: UInt64
  /// The high 64 bits of the counter, separating independent streams under one key.
  public var stream: UInt64
  /// The first word of the draw.
  public var word: UInt64

  public init(key: UInt64, stream: UInt64 = 0, word: UInt64 = 0) {
    (self.key, self.stream, self.word) = (key, stream, word)
  }
}
