import EmberBackend

// Random tensors: each is one `Backend.random` kernel at a position reserved from a generator
// (the words each element reads are documented on `RandomDistribution`).

extension Tensor {
  /// A contiguous tensor of `shape` drawn from `distribution` by the device's backend, at the words
  /// that `reserve` hands out for it.
  private static func draw(
    _ distribution: RandomDistribution, _ shape: [Int], dtype: DType, device: Device, op: String,
    reserving reserve: (_ words: Int) -> PhiloxPosition
  ) -> Tensor {
    precondition(shape.allSatisfy { $0 >= 0 }, "\(op): negative size in shape \(shape)")
    // Float distributions into an integer dtype are drawn as float64 and converted.
    let floatOnly: Bool
    switch distribution {
    case .uniform, .normal, .truncatedNormal: floatOnly = true
    case .bernoulli, .integers, .permutation: floatOnly = false
    }
    let drawType = floatOnly && !dtype.isFloatingPoint ? DType.float64 : dtype
    let out = empty(shape, dtype: drawType, device: device)
    let position = reserve(distribution.wordCount(count: out.count, dtype: drawType))
    out.backend.random(distribution, at: position, to: out.operand)
    return drawType == dtype ? out : out.cast(to: dtype)
  }

  /// A tensor of `shape` drawn from `distribution` (any of `RandomDistribution`'s cases; a
  /// permutation needs a one-axis `int64` shape), using `generator`.
  public static func random(
    _ distribution: RandomDistribution, _ shape: [Int], dtype: DType = .float32,
    on device: Device = .default, using generator: inout RandomGenerator
  ) -> Tensor {
    draw(distribution, shape, dtype: dtype, device: device, op: "random") {
      generator.reserve(words: $0)
    }
  }

  /// A tensor of `shape` drawn from `distribution` and the default generator.
  public static func random(
    _ distribution: RandomDistribution, _ shape: [Int], dtype: DType = .float32,
    on device: Device = .default
  ) -> Tensor {
    draw(distribution, shape, dtype: dtype, device: device, op: "random", reserving: reserveShared)
  }

  /// Reserves words of the default generator; the kernel then runs outside its lock.
  private static func reserveShared(_ words: Int) -> PhiloxPosition {
    Random.withGenerator { $0.reserve(words: words) }
  }

  // MARK: Uniform

  private static func uniformDistribution(_ range: ClosedRange<Double>) -> RandomDistribution {
    .uniform(low: range.lowerBound, high: range.upperBound)
  }

  /// Uniform samples from `range`, like `torch.rand` scaled: `low + (high − low)·u` with `u` in
  /// `[0, 1)` of 24 (float32) or 53 (float64) random bits; `high` is reached only by rounding.
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Double> = 0...1, dtype: DType = .float32,
    on device: Device = .default, using generator: inout RandomGenerator
  ) -> Tensor {
    draw(uniformDistribution(range), shape, dtype: dtype, device: device, op: "uniform") {
      generator.reserve(words: $0)
    }
  }

  /// Uniform samples from `range`, drawn from the default generator.
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Double> = 0...1, dtype: DType = .float32,
    on device: Device = .default
  ) -> Tensor {
    draw(
      uniformDistribution(range), shape, dtype: dtype, device: device, op: "uniform",
      reserving: reserveShared)
  }

  /// Uniform samples from a `Float` range (`in: -bound...bound` with a `Float` bound).
  @_disfavoredOverload
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Float>, dtype: DType = .float32,
    on device: Device = .default,
    using generator: inout RandomGenerator
  ) -> Tensor {
    uniform(
      shape, in: Double(range.lowerBound)...Double(range.upperBound), dtype: dtype, on: device,
      using: &generator)
  }

  /// Uniform samples from a `Float` range, drawn from the default generator.
  @_disfavoredOverload
  public static func uniform(
    _ shape: [Int], in range: ClosedRange<Float>, dtype: DType = .float32,
    on device: Device = .default
  ) -> Tensor {
    uniform(
      shape, in: Double(range.lowerBound)...Double(range.upperBound), dtype: dtype, on: device)
  }

  // MARK: Normal

  private static func normalDistribution(_ mean: Double, _ standardDeviation: Double)
    -> RandomDistribution
  {
    precondition(
      standardDeviation >= 0, "normal: standardDeviation \(standardDeviation) is negative")
    return .normal(mean: mean, standardDeviation: standardDeviation)
  }

  /// Normal samples with `mean` and `standardDeviation`, like `torch.normal`: Box–Muller on pairs
  /// of elements (see `RandomDistribution.normal`).
  public static func normal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
    on device: Device = .default, using generator: inout RandomGenerator
  ) -> Tensor {
    draw(
      normalDistribution(mean, standardDeviation), shape, dtype: dtype, device: device, op: "normal"
    ) { generator.reserve(words: $0) }
  }

  /// Normal samples drawn from the default generator.
  public static func normal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
    on device: Device = .default
  ) -> Tensor {
    draw(
      normalDistribution(mean, standardDeviation), shape, dtype: dtype, device: device,
      op: "normal",
      reserving: reserveShared)
  }

  // MARK: Truncated normal

  private static func truncatedNormalDistribution(
    _ mean: Double, _ standardDeviation: Double, _ lower: Double?, _ upper: Double?
  ) -> RandomDistribution {
    precondition(
      standardDeviation > 0,
      "truncatedNormal: standardDeviation \(standardDeviation) must be positive")
    let low = lower ?? mean - 2 * standardDeviation
    let high = upper ?? mean + 2 * standardDeviation
    precondition(low < high, "truncatedNormal: lower bound \(low) is not below upper bound \(high)")
    return .truncatedNormal(mean: mean, standardDeviation: standardDeviation, low: low, high: high)
  }

  /// Normal samples restricted to `lower...upper` (absolute bounds, as PyTorch's `trunc_normal_`;
  /// they default to two standard deviations around the mean, as Keras's `TruncatedNormal`).
  ///
  /// Drawn by the inverse CDF, one uniform per element (see `RandomDistribution.truncatedNormal`);
  /// bounds far out in one tail (beyond about 8σ) lose precision, as in PyTorch.
  public static func truncatedNormal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, lower: Double? = nil,
    upper: Double? = nil, dtype: DType = .float32, on device: Device = .default,
    using generator: inout RandomGenerator
  ) -> Tensor {
    draw(
      truncatedNormalDistribution(mean, standardDeviation, lower, upper), shape, dtype: dtype,
      device: device, op: "truncatedNormal"
    ) { generator.reserve(words: $0) }
  }

  /// Truncated normal samples drawn from the default generator.
  public static func truncatedNormal(
    _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, lower: Double? = nil,
    upper: Double? = nil, dtype: DType = .float32, on device: Device = .default
  ) -> Tensor {
    draw(
      truncatedNormalDistribution(mean, standardDeviation, lower, upper), shape, dtype: dtype,
      device: device, op: "truncatedNormal", reserving: reserveShared)
  }

  // MARK: Bernoulli

  private static func bernoulliDistribution(_ probability: Double) -> RandomDistribution {
    precondition(
      (0...1).contains(probability), "bernoulli: probability \(probability) is not in 0...1")
    return .bernoulli(probability: probability)
  }

  /// 1 with `probability`, 0 otherwise (`true`/`false` for a `bool` dtype), like `torch.bernoulli`:
  /// element `e` is 1 when its word is below `⌊p·2³²⌋`, the test dropout's mask uses.
  public static func bernoulli(
    _ shape: [Int], probability: Double, dtype: DType = .float32, on device: Device = .default,
    using generator: inout RandomGenerator
  ) -> Tensor {
    draw(bernoulliDistribution(probability), shape, dtype: dtype, device: device, op: "bernoulli") {
      generator.reserve(words: $0)
    }
  }

  /// Bernoulli samples drawn from the default generator.
  public static func bernoulli(
    _ shape: [Int], probability: Double, dtype: DType = .float32, on device: Device = .default
  ) -> Tensor {
    draw(
      bernoulliDistribution(probability), shape, dtype: dtype, device: device, op: "bernoulli",
      reserving: reserveShared)
  }

  // MARK: Permutations and integers

  /// A random ordering of `0..<n` (`int64`), like `torch.randperm`: Fisher–Yates fed by two
  /// counter-based words per step (see `RandomDistribution.permutation`).
  public static func randomPermutation(
    _ n: Int, on device: Device = .default, using generator: inout RandomGenerator
  ) -> Tensor {
    precondition(n >= 0, "randomPermutation: n = \(n) is negative")
    return draw(.permutation, [n], dtype: .int64, device: device, op: "randomPermutation") {
      generator.reserve(words: $0)
    }
  }

  /// A random ordering of `0..<n` drawn from the default generator.
  public static func randomPermutation(_ n: Int, on device: Device = .default) -> Tensor {
    precondition(n >= 0, "randomPermutation: n = \(n) is negative")
    return draw(
      .permutation, [n], dtype: .int64, device: device, op: "randomPermutation",
      reserving: reserveShared)
  }

  private static func integersDistribution(_ range: Range<Int>, _ dtype: DType)
    -> RandomDistribution
  {
    precondition(!range.isEmpty, "randomIntegers: range \(range) is empty")
    precondition(
      dtype != .int32
        || (range.lowerBound >= Int(Int32.min) && range.upperBound <= Int(Int32.max) + 1),
      "randomIntegers: range \(range) does not fit int32")
    return .integers(
      low: Int64(range.lowerBound),
      width: UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound)))
  }

  /// Uniform integers from `range` (`int64` unless `dtype` says), like `torch.randint`: two words
  /// per element, multiply-shift (see `RandomDistribution.integers`).
  public static func randomIntegers(
    _ shape: [Int], in range: Range<Int>, dtype: DType = .int64, on device: Device = .default,
    using generator: inout RandomGenerator
  ) -> Tensor {
    draw(
      integersDistribution(range, dtype), shape, dtype: dtype, device: device, op: "randomIntegers"
    ) { generator.reserve(words: $0) }
  }

  /// Uniform integers from `range` drawn from the default generator.
  public static func randomIntegers(
    _ shape: [Int], in range: Range<Int>, dtype: DType = .int64, on device: Device = .default
  ) -> Tensor {
    draw(
      integersDistribution(range, dtype), shape, dtype: dtype, device: device,
      op: "randomIntegers", reserving: reserveShared)
  }
}
