import EmberBackend
import Foundation

/// A seedable, counter-based pseudo-random generator: a place in a Philox 4×32-10 stream.
///
/// Its state is the key (the seed itself, as in PyTorch and cuRAND) and the offset of the next
/// unused 32-bit word. Every draw reserves the words it reads, rounded up to whole four-word blocks
/// (as PyTorch's Philox offset advances), and hands the backend the position where they start; the
/// backend computes each element from that position and its index alone. So a seed gives the same
/// numbers on every machine, run and thread count, and `state` — two words — can be saved in a
/// checkpoint and assigned back to continue the stream exactly.
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let x = Tensor.normal([3, 4], using: &generator)           // words 0..<12 (three blocks)
/// let position = generator.reserve(words: 100)               // a custom kernel's draw
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
  /// The Philox key: the seed.
  public private(set) var key: UInt64
  /// The next unused word of the stream, always a multiple of 4.
  public private(set) var offset: UInt64

  /// A generator at the start of the stream keyed by `seed`.
  public init(seed: UInt64) {
    (key, offset) = (seed, 0)
  }

  /// A generator continuing from a saved `state` (`[key, offset]`).
  public init(state: [UInt64]) {
    (key, offset) = (0, 0)
    self.state = state
  }

  /// `[key, offset]`, for checkpoints.
  public var state: [UInt64] {
    get { [key, offset] }
    set {
      precondition(
        Self.isValidState(newValue),
        "RandomGenerator: state must be [key, offset], the offset a multiple of 4; got \(newValue)")
      (key, offset) = (newValue[0], newValue[1])
    }
  }

  /// Whether `state` can be assigned: two words, the offset a multiple of 4.
  public static func isValidState(_ state: [UInt64]) -> Bool {
    state.count == 2 && state[1] & 3 == 0
  }

  /// Reserves the next `words` words of the stream (rounded up to whole four-word blocks) and
  /// returns where they start, for a kernel to draw from (`Backend.random`, or one's own).
  public mutating func reserve(words: Int) -> PhiloxPosition {
    precondition(words >= 0, "RandomGenerator: cannot reserve \(words) words")
    let position = PhiloxPosition(key: key, word: offset)
    offset &+= (UInt64(words) &+ 3) & ~3
    return position
  }

  /// The next 64 random bits, computed on the host: words 0 (low) and 1 (high) of a freshly
  /// reserved block.
  public mutating func next() -> UInt64 {
    let words = Philox.block(containing: reserve(words: 4))
    return UInt64(words[1]) << 32 | UInt64(words[0])
  }

  /// A uniform `Double` in `[0, 1)` with 53 random bits (one block).
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A uniform `Float` in `[0, 1)` with 24 random bits (one block).
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A uniform integer in `0..<bound` without modulo bias (Lemire's method); `bound > 0`.
  public mutating func nextInt(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "RandomGenerator: bound must be positive")
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return product.high
  }
}

/// The process-wide default generator that the tensor creation functions without `using:` draw
/// from. It starts from seed 0, so programs are reproducible unless seeded otherwise.
public enum Random {
  nonisolated(unsafe) private static var shared = RandomGenerator(seed: 0)
  private static let lock = NSLock()

  /// A generator that stands in for the default one inside `withGenerator(replacedBy:_:)`.
  final class Replacement: @unchecked Sendable {
    var generator: RandomGenerator
    init(_ generator: RandomGenerator) { self.generator = generator }
  }
  @TaskLocal static var replacement: Replacement? = nil

  /// Runs `body` with `generator` standing in for the default generator in this task (what
  /// `checkpoint`'s recomputation uses to redraw its dropout masks without touching the shared
  /// stream), and returns the replacement's final state too.
  static func withGenerator<Result>(
    replacedBy generator: RandomGenerator, _ body: () throws -> Result
  ) rethrows -> (result: Result, generator: RandomGenerator) {
    let replacement = Replacement(generator)
    let result = try $replacement.withValue(replacement, operation: body)
    return (result, replacement.generator)
  }

  /// Reseeds the default generator (like `torch.manual_seed`).
  public static func seed(_ seed: UInt64) {
    lock.lock()
    defer { lock.unlock() }
    shared = RandomGenerator(seed: seed)
  }

  /// The default generator's current value; assigning it restores a saved stream.
  public static var generator: RandomGenerator {
    get {
      if let replacement { return replacement.generator }
      lock.lock()
      defer { lock.unlock() }
      return shared
    }
    set {
      if let replacement { replacement.generator = newValue; return }
      lock.lock()
      defer { lock.unlock() }
      shared = newValue
    }
  }

  /// Runs `body` with exclusive access to the default generator.
  ///
  /// NOTE: `body` must not call functions that draw from the default generator themselves
  /// (those without `using:`): the lock is not recursive.
  public static func withGenerator<Result>(_ body: (inout RandomGenerator) throws -> Result)
    rethrows
    -> Result
  {
    if let replacement { return try body(&replacement.generator) }
    lock.lock()
    defer { lock.unlock() }
    return try body(&shared)
  }
}
