import EmberCore

/// Batches of windows cut from one long token sequence for a language model: inputs are
/// `sequenceLength` tokens from a start drawn uniformly at random, targets the same window one
/// token later (the next token at every position), as `torch_char_lm.py` draws them.
///
/// A `Sequence` of `batchesPerPass` batches; each pass draws fresh starts from its own stream
/// (`seed`, then one more per pass), so the batches of a pass repeat when `reshuffles` is `false`
/// (a fixed validation set).
///
/// Shapes: inputs and targets `[batchSize, sequenceLength]` int64.
public final class LanguageModelWindows: Sequence {
  public let tokens: [Int]
  public let sequenceLength: Int
  public let batchSize: Int
  public let batchesPerPass: Int
  public let reshuffles: Bool
  public let seed: UInt64
  private var passes: UInt64 = 0

  public init(
    tokens: [Int], sequenceLength: Int, batchSize: Int, batchesPerPass: Int, seed: UInt64 = 0,
    reshuffles: Bool = true
  ) {
    precondition(tokens.count > sequenceLength + 1,
                 "LanguageModelWindows: \(tokens.count) tokens are too few for windows of \(sequenceLength)")
    precondition(batchSize > 0 && batchesPerPass > 0,
                 "LanguageModelWindows: batchSize \(batchSize) and batchesPerPass \(batchesPerPass) must be positive")
    (self.tokens, self.sequenceLength, self.batchSize, self.batchesPerPass, self.reshuffles)
      = (tokens, sequenceLength, batchSize, batchesPerPass, reshuffles)
    self.seed = seed
  }

  public var underestimatedCount: Int { batchesPerPass }

  /// The batch of windows starting at `starts`.
  public func batch(starts: [Int]) -> Batch {
    var inputs: [Int64] = [], targets: [Int64] = []
    inputs.reserveCapacity(starts.count * sequenceLength)
    targets.reserveCapacity(starts.count * sequenceLength)
    for start in starts {
      for t in start..<(start + sequenceLength) {
        inputs.append(Int64(tokens[t]))
        targets.append(Int64(tokens[t + 1]))
      }
    }
    let shape = [starts.count, sequenceLength]
    return Batch(inputs: Tensor(inputs, shape: shape), targets: Tensor(targets, shape: shape))
  }

  public func makeIterator() -> AnyIterator<Batch> {
    // Pass k draws from the stream of seed + k (Philox keys: independent streams).
    var pass = RandomGenerator(seed: seed &+ passes)
    if reshuffles { passes += 1 }
    var remaining = batchesPerPass
    let limit = UInt64(tokens.count - sequenceLength - 1)
    return AnyIterator { [self] in
      guard remaining > 0 else { return nil }
      remaining -= 1
      return batch(starts: (0..<batchSize).map { _ in Int(pass.nextInt(below: limit)) })
    }
  }
}
