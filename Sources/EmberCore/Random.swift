import EmberBackend
import Foundation

/// A seedable pseudo-random generator: xoshiro256** with its 256-bit state seeded by SplitMix64.
///
/// The same seed gives the same numbers on every machine, run and thread count. Its `state` can be
/// saved in a checkpoint and assigned back to continue the stream exactly.
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let x = Tensor.normal([3, 4], using: &generator)
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  /// A generator whose state is expanded from `seed` with SplitMix64.
  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    (s0, s1, s2, s3) = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// A generator continuing from a saved `state` (four words, not all zero).
  public init(state: [UInt64]) {
    (s0, s1, s2, s3) = (0, 0, 0, 0)
    self.state = state
  }

  /// The four words of the generator's state, for checkpoints.
  public var state: [UInt64] {
    get { [s0, s1, s2, s3] }
    set {
      precondition(
        newValue.count == 4 && newValue.contains { $0 != 0 },
        "RandomGenerator: state must be four words, not all zero; got \(newValue)")
      (s0, s1, s2, s3) = (newValue[0], newValue[1], newValue[2], newValue[3])
    }
  }

  /// The next 64 random bits.
  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotate(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotate(s3, 45)
    return result
  }

  @inline(__always)
  private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// A uniform `Double` in `[0, 1)` with 53 random bits.
  @inline(__always)
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A uniform `Float` in `[0, 1)` with 24 random bits.
  @inline(__always)
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

  /// Two independent standard normal samples: Box–Muller in Marsaglia's polar form (a point drawn
  /// in the unit disc replaces the sine and cosine), computed in `Double`.
  @inline(__always)
  mutating func nextNormalPair() -> (Double, Double) {
    var u = 0.0
    var v = 0.0
    var radiusSquared = 0.0
    repeat {
      u = 2 * nextUnitDouble() - 1
      v = 2 * nextUnitDouble() - 1
      radiusSquared = u * u + v * v
    } while radiusSquared >= 1 || radiusSquared == 0
    let factor = (-2 * Foundation.log(radiusSquared) / radiusSquared).squareRoot()
    return (u * factor, v * factor)
  }
}

/// The process-wide default generator that the tensor creation functions without `using:` draw
/// from. It starts from seed 0, so programs are reproducible unless seeded otherwise.
public enum Random {
  nonisolated(unsafe) private static var shared = RandomGenerator(seed: 0)
  private static let lock = NSLock()

  /// Reseeds the default generator (like `torch.manual_seed`).
  public static func seed(_ seed: UInt64) {
    lock.lock()
    defer { lock.unlock() }
    shared = RandomGenerator(seed: seed)
  }

  /// The default generator's current value; assigning it restores a saved stream.
  public static var generator: RandomGenerator {
    get {
      lock.lock()
      defer { lock.unlock() }
      return shared
    }
    set {
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
    lock.lock()
    defer { lock.unlock() }
    return try body(&shared)
  }
}

// MARK: Random tensors

extension Tensor {
  /// A tensor of `count` host-generated values (`next` called serially), stored as `dtype`.
  private static func generated(
    _ shape: [Int], dtype: DType, device: Device, op: String,
    using generator: inout RandomGenerator, _ next: (inout RandomGenerator) -> Double
  ) -> Tensor {
    precondition(shape.allSatisfy { $0 >= 0 }, "\(op): negative size in shape \(shape)")
    let count = shape.reduce(1, *)
    switch dtype {
    case .float32:
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count { buffer[i] = Float(next(&generator)) }
        initialized = count
      }
      return Tensor(values, shape: shape, on: device)
    default:
      let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count { buffer[i] = next(&generator) }
        initialized = count
      }
      return Tensor(values, shape: shape, on: device).cast(to: dtype)
    }
  }

  /// Normal samples, drawn in pairs, keeping those inside `bounds` (serially, in order).
  private static func normalSamples(
    _ shape: [Int], mean: Double, standardDeviation: Double, within bounds: ClosedRange<Double>,
    dtype: DType, device: Device, using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(shape.allSatisfy { $0 >= 0 }, "normal: negative size in shape \(shape)")
    let count = shape.reduce(1, *)
    func fill<Scalar: BinaryFloatingPoint & TensorScalar>(_: Scalar.Type) -> [Scalar] {
      [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
        var i = 0
        while i < count {
          let (z0, z1) = generator.nextNormalPair()
          let x0 = mean + standardDeviation * z0
          let x1 = mean + standardDeviation * z1
          if bounds.contains(x0) {
            buffer[i] = Scalar(x0)
            i += 1
          }
          if i < count && bounds.contains(x1) {
            buffer[i] = Scalar(x1)
            i += 1
          }
        }
        initialized = count
      }
    }
    if dtype == .float32 { return Tensor(fill(Float.self), shape: shape, on: device) }
    return Tensor(fill(Double.self), shape: shape, on: device).cast(to: dtype)
  }

  /// Uniform samples from `range` (like `torch.rand` scaled; the upper bound is not drawn except
  /// by rounding).
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Double> = 0...1, dtype: DType = .float32,
    on device: Device = .cpu, using generator: inout RandomGenerator
  ) -> Tensor {
    let low = range.lowerBound
    let width = range.upperBound - range.lowerBound
    if dtype == .float32 && low == 0 && width == 1 {
      // The common case: 24 random bits per float, no Double arithmetic.
      let count = shape.reduce(1, *)
      precondition(shape.allSatisfy { $0 >= 0 }, "uniform: negative size in shape \(shape)")
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count { buffer[i] = generator.nextUnitFloat() }
        initialized = count
      }
      return Tensor(values, shape: shape, on: device)
    }
    return generated(shape, dtype: dtype, device: device, op: "uniform", using: &generator) {
      Swift.min(low + width * $0.nextUnitDouble(), range.upperBound)
    }
  }

  /// Uniform samples from `range`, drawn from the default generator.
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Double> = 0...1, dtype: DType = .float32,
    on device: Device = .cpu
  ) -> Tensor {
    Random.withGenerator { uniform(shape, in: range, dtype: dtype, on: device, using: &$0) }
  }

  /// Uniform samples from a `Float` range (`in: -bound...bound` with a `Float` bound).
  @_disfavoredOverload
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Float>, dtype: DType = .float32, on device: Device = .cpu,
    using generator: inout RandomGenerator
  ) -> Tensor {
    uniform(
      shape, in: Double(range.lowerBound)...Double(range.upperBound), dtype: dtype, on: device,
      using: &generator)
  }

  /// Uniform samples from a `Float` range, drawn from the default generator.
  @_disfavoredOverload
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Float>, dtype: DType = .float32, on device: Device = .cpu
  ) -> Tensor {
    uniform(
      shape, in: Double(range.lowerBound)...Double(range.upperBound), dtype: dtype, on: device)
  }

  /// Normal samples with `mean` and `standardDeviation` (Box–Muller in its polar form, computed in
  /// `Double`), like `torch.normal`.
  public static func normal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
    on device: Device = .cpu, using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(
      standardDeviation >= 0, "normal: standardDeviation \(standardDeviation) is negative")
    return normalSamples(
      shape, mean: mean, standardDeviation: standardDeviation, within: -.infinity...(.infinity),
      dtype: dtype, device: device, using: &generator)
  }

  /// Normal samples drawn from the default generator.
  public static func normal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
    on device: Device = .cpu
  ) -> Tensor {
    Random.withGenerator {
      normal(
        shape, mean: mean, standardDeviation: standardDeviation, dtype: dtype, on: device,
        using: &$0)
    }
  }

  /// Normal samples redrawn until they fall in `lower...upper` (Keras's `TruncatedNormal`); the
  /// bounds default to two standard deviations around the mean.
  public static func truncatedNormal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, lower: Double? = nil,
    upper: Double? = nil, dtype: DType = .float32, on device: Device = .cpu,
    using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(
      standardDeviation > 0,
      "truncatedNormal: standardDeviation \(standardDeviation) must be positive")
    let low = lower ?? mean - 2 * standardDeviation
    let high = upper ?? mean + 2 * standardDeviation
    precondition(low < high, "truncatedNormal: lower bound \(low) is not below upper bound \(high)")
    // NOTE: redrawing only ends when the bounds hold a reasonable share of the distribution.
    let cdf = { (x: Double) in
      0.5 * Foundation.erfc(-(x - mean) / (standardDeviation * 2.0.squareRoot()))
    }
    let mass = cdf(high) - cdf(low)
    precondition(
      mass > 1e-4,
      "truncatedNormal: [\(low), \(high)] holds only \(mass) of N(\(mean), \(standardDeviation)²)")
    return normalSamples(
      shape, mean: mean, standardDeviation: standardDeviation, within: low...high, dtype: dtype,
      device: device, using: &generator)
  }

  /// Truncated normal samples drawn from the default generator.
  public static func truncatedNormal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, lower: Double? = nil,
    upper: Double? = nil, dtype: DType = .float32, on device: Device = .cpu
  ) -> Tensor {
    Random.withGenerator {
      truncatedNormal(
        shape, mean: mean, standardDeviation: standardDeviation, lower: lower, upper: upper,
        dtype: dtype, on: device, using: &$0)
    }
  }

  /// 1 with `probability`, 0 otherwise (`true`/`false` for a `bool` dtype), like `torch.bernoulli`.
  public static func bernoulli(
    _ shape: [Int], probability: Double, dtype: DType = .float32, on device: Device = .cpu,
    using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(
      (0...1).contains(probability), "bernoulli: probability \(probability) is not in 0...1")
    return generated(shape, dtype: dtype, device: device, op: "bernoulli", using: &generator) {
      $0.nextUnitDouble() < probability ? 1 : 0
    }
  }

  /// Bernoulli samples drawn from the default generator.
  public static func bernoulli(
    _ shape: [Int], probability: Double, dtype: DType = .float32, on device: Device = .cpu
  ) -> Tensor {
    Random.withGenerator {
      bernoulli(shape, probability: probability, dtype: dtype, on: device, using: &$0)
    }
  }

  /// A random ordering of `0..<n` (`int64`, Fisher–Yates), like `torch.randperm`.
  public static func randomPermutation(
    _ n: Int, on device: Device = .cpu, using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(n >= 0, "randomPermutation: n = \(n) is negative")
    var values = [Int64](unsafeUninitializedCapacity: n) { buffer, initialized in
      for i in 0..<n { buffer[i] = Int64(i) }
      initialized = n
    }
    var i = n - 1
    while i > 0 {
      let j = Int(generator.nextInt(below: UInt64(i + 1)))
      values.swapAt(i, j)
      i -= 1
    }
    return Tensor(values, shape: [n], on: device)
  }

  /// A random ordering of `0..<n` drawn from the default generator.
  public static func randomPermutation(_ n: Int, on device: Device = .cpu) -> Tensor {
    Random.withGenerator { randomPermutation(n, on: device, using: &$0) }
  }

  /// Uniform integers from `range` (`int64` unless `dtype` says), like `torch.randint`.
  public static func randomIntegers(
    _ shape: [Int], in range: Range<Int>, dtype: DType = .int64, on device: Device = .cpu,
    using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(!range.isEmpty, "randomIntegers: range \(range) is empty")
    precondition(shape.allSatisfy { $0 >= 0 }, "randomIntegers: negative size in shape \(shape)")
    let count = shape.reduce(1, *)
    let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
    let low = Int64(range.lowerBound)
    let values = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
      for i in 0..<count {
        buffer[i] = low &+ Int64(bitPattern: generator.nextInt(below: width))
      }
      initialized = count
    }
    return Tensor(values, shape: shape, on: device).cast(to: dtype)
  }

  /// Uniform integers from `range` drawn from the default generator.
  public static func randomIntegers(
    _ shape: [Int], in range: Range<Int>, dtype: DType = .int64, on device: Device = .cpu
  ) -> Tensor {
    Random.withGenerator { randomIntegers(shape, in: range, dtype: dtype, on: device, using: &$0) }
  }
}
