import CEmberKernels
import EmberBackend
import Foundation
import Testing

@testable import EmberCPU

/// Runs `body` with `Parallel.threadCount` set to `threads`, restoring it afterwards.
private let threadLock = NSLock()
private func withThreads<T>(_ threads: Int, _ body: () -> T) -> T {
  threadLock.lock()
  defer { threadLock.unlock() }
  let saved = Parallel.threadCount
  Parallel.threadCount = threads
  defer { Parallel.threadCount = saved }
  return body()
}

/// A fresh `[count]` operand of `dtype` drawn from `distribution` at `position`.
private func draw(
  _ distribution: RandomDistribution, _ count: Int, _ dtype: DType, key: UInt64, word: UInt64 = 0
) -> Operand {
  let out = TestSupport.empty([count], dtype)
  CPUBackend.shared.random(distribution, at: PhiloxPosition(key: key, word: word), to: out)
  return out
}

private func bytes(_ operand: Operand) -> [UInt8] {
  let p = operand.buffer.pointer.assumingMemoryBound(to: UInt8.self)
  return Array(UnsafeBufferPointer(start: p, count: operand.count * operand.dtype.byteSize))
}

private func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
  let mean = values.reduce(0, +) / Double(values.count)
  let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
  return (mean, variance)
}

/// The Kolmogorov–Smirnov distance between `values` and the continuous CDF `cdf`.
private func ksDistance(_ values: [Double], _ cdf: (Double) -> Double) -> Double {
  let sorted = values.sorted()
  let n = Double(sorted.count)
  var distance = 0.0
  for (i, x) in sorted.enumerated() {
    let f = cdf(x)
    distance = Swift.max(distance, Swift.abs(f - Double(i) / n), Swift.abs(Double(i + 1) / n - f))
  }
  return distance
}

private let everyDistribution: [(RandomDistribution, [DType])] = [
  (.uniform(low: -1, high: 2), [.float32, .float64]),
  (.normal(mean: 0.5, standardDeviation: 2), [.float32, .float64]),
  (.truncatedNormal(mean: 0, standardDeviation: 1, low: -1, high: 1.5), [.float32, .float64]),
  (.bernoulli(probability: 0.25), [.float32, .float64, .int32, .int64, .bool]),
  (.integers(low: -5, width: 1000), [.int64, .int32, .float32, .float64]),
]

@Suite struct RandomKernelTests {
  // MARK: Independent reference (Tests/Fixtures/philox_random.py, Python 3.11.7)

  @Test func wordsMatchTheReference() {
    var words = [UInt32](repeating: 0, count: 6)
    ember_philox_u32(42, 0, 0, &words, 6)
    #expect(
      words == [
        2_632_642_643, 2_012_563_771, 314_527_917, 1_463_989_207, 4_242_219_303, 1_404_726_525,
      ])
    #expect((0..<6).map { Philox.word(at: PhiloxPosition(key: 42, word: UInt64($0))) } == words)
  }

  @Test func uniformMatchesTheReferenceExactly() {
    let f = TestSupport.values(
      draw(.uniform(low: -2, high: 3), 8, .float32, key: 42, word: 8), as: Float.self)
    let expected: [Float] = [
      2.129333972930908, 1.2915773391723633, 1.0137195587158203, 1.8679232597351074,
      1.647996187210083, 1.3531990051269531, 0.9320015907287598, -0.1043698787689209,
    ]
    #expect(f == expected)
    let d = TestSupport.values(
      draw(.uniform(low: 0, high: 1), 4, .float64, key: 7), as: Double.self)
    #expect(d == [0.7501522221031126, 0.0856578653012815, 0.7952840373401903, 0.9578541904156558])
  }

  @Test func normalMatchesTheReference() {
    let f = TestSupport.values(
      draw(.normal(mean: 1, standardDeviation: 2), 9, .float32, key: 42, word: 4), as: Float.self)
    let expected = [
      -1.7617088534225287, 6.250747209658136, -1.303966504825869, 1.680122345886557,
      -1.0370016935816646, -2.1359373383478792, 1.4012414049762094, -1.6878241676852568,
      -0.5468851030476183,
    ]
    for (value, reference) in zip(f, expected) {
      #expect(Swift.abs(Double(value) - reference) < 4e-6, "\(value) vs \(reference)")
    }
    let d = TestSupport.values(
      draw(.normal(mean: 0, standardDeviation: 1), 5, .float64, key: 3), as: Double.self)
    let expected64 = [
      0.047628626395761944, -0.49618204607703703, -0.9872574646421438, -0.7931984901691149,
      -1.1258488165750455,
    ]
    for (value, reference) in zip(d, expected64) {
      #expect(Swift.abs(value - reference) < 1e-14, "\(value) vs \(reference)")
    }
  }

  @Test func truncatedNormalMatchesTheReference() {
    let f = TestSupport.values(
      draw(.truncatedNormal(mean: 0, standardDeviation: 1, low: -2, high: 2), 6, .float32, key: 11),
      as: Float.self)
    let expected = [
      1.1651837646100043, 1.5374774250792353, -0.35746826804842025, -0.4062756841506146,
      -0.25242554407158585, 0.4806143209551204,
    ]
    for (value, reference) in zip(f, expected) {
      #expect(
        Swift.abs(Double(value) - reference) < 2e-7 * Swift.abs(reference),
        "\(value) vs \(reference)")
    }
    let d = TestSupport.values(
      draw(
        .truncatedNormal(mean: 1, standardDeviation: 0.5, low: 0.2, high: 3), 6, .float64, key: 11,
        word: 12),
      as: Double.self)
    let expected64 = [
      1.4486896381550194, 1.0947340934876488, 0.5975900001488927, 1.4239551296110062,
      0.8942598983972342, 0.8193632230108172,
    ]
    for (value, reference) in zip(d, expected64) {
      #expect(Swift.abs(value - reference) < 1e-14, "\(value) vs \(reference)")
    }
    // Far in the upper tail (drawn in the mirrored lower tail).
    let tail = TestSupport.values(
      draw(.truncatedNormal(mean: 0, standardDeviation: 1, low: 8, high: 9), 3, .float64, key: 11),
      as: Double.self)
    for (value, reference) in zip(tail, [8.383232397786868, 8.050024758633592, 8.144256332258536]) {
      #expect(Swift.abs(value - reference) < 1e-12, "\(value) vs \(reference)")
    }
  }

  @Test func discreteDrawsMatchTheReferenceExactly() {
    #expect(
      TestSupport.values(draw(.bernoulli(probability: 0.3), 16, .int64, key: 5), as: Int64.self)
        == [0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0])
    #expect(
      TestSupport.values(draw(.integers(low: -3, width: 7), 8, .int64, key: 9), as: Int64.self)
        == [0, 2, 0, 0, 0, -1, 2, -1])
    #expect(
      TestSupport.values(draw(.permutation, 10, .int64, key: 1), as: Int64.self)
        == [8, 7, 0, 1, 3, 9, 6, 4, 5, 2])
  }

  // MARK: Counter-based: thread counts, offsets, variants

  @Test func sameValuesOnOneAndTwoThreads() {
    // 5 and 2047 stay on one tile; 100_003 (odd) spreads over both threads.
    for (distribution, dtypes) in everyDistribution {
      for dtype in dtypes {
        for count in [5, 2047, 2049, 100_003] {
          let one = withThreads(1) { bytes(draw(distribution, count, dtype, key: 77, word: 12)) }
          let two = withThreads(2) { bytes(draw(distribution, count, dtype, key: 77, word: 12)) }
          #expect(one == two, "\(distribution) \(dtype) × \(count)")
        }
      }
    }
    for n in [7, 100_003, 600_001] {  // the words of the last are made on two threads
      let one = withThreads(1) { bytes(draw(.permutation, n, .int64, key: 3)) }
      let two = withThreads(2) { bytes(draw(.permutation, n, .int64, key: 3)) }
      #expect(one == two, "permutation of \(n)")
    }
  }

  @Test func anElementDependsOnlyOnItsPositionAndIndex() {
    // Drawing from a later word gives the tail of the longer draw.
    for (distribution, dtypes) in everyDistribution {
      for dtype in dtypes {
        let k = distribution.wordsPerElement(dtype: dtype)
        let whole = bytes(draw(distribution, 5000, dtype, key: 9, word: 8))
        let skip = 2050  // even, so normal pairs line up
        let tail = bytes(draw(distribution, 5000 - skip, dtype, key: 9, word: 8 + UInt64(k * skip)))
        #expect(Array(whole[(skip * dtype.byteSize)...]) == tail, "\(distribution) \(dtype)")
      }
    }
  }

  @Test func float32NormalVariantsAgreeBitForBit() {
    let count = 4099
    var words = [UInt32](repeating: 0, count: count + 1)
    ember_philox_u32(123, 0, 0, &words, count + 1)
    words[0] = 0  // u₁ = 1: r = 0
    words[2] = 0xFFFF_FFFF  // the smallest u₁: r = √(48 ln 2)
    var portable = [Float](repeating: 0, count: count)
    ember_normal_f32(words, &portable, count, 0, 1, 0)
    #expect(portable[0] == 0 && portable[1] == 0)
    #expect(
      Swift.abs(
        Double(Foundation.hypot(portable[2], portable[3])) - (48 * Foundation.log(2.0)).squareRoot()
      ) < 1e-5)
    #expect(portable.allSatisfy { $0.isFinite })
    let features = ember_cpu_features()
    for variant in [1, 2] where features & Int32(variant) != 0 {
      var other = [Float](repeating: 0, count: count)
      ember_normal_f32(words, &other, count, 0, 1, Int32(variant))
      #expect(other.map(\.bitPattern) == portable.map(\.bitPattern), "variant \(variant)")
    }
  }

  // MARK: Distributions (10⁶ samples; bounds are about 5 standard errors)

  @Test func uniformMoments() {
    let n = 1_000_000
    for dtype in [DType.float32, .float64] {
      let out = draw(.uniform(low: -1, high: 3), n, dtype, key: 1)
      let values =
        dtype == .float32
        ? TestSupport.values(out, as: Float.self).map(Double.init)
        : TestSupport.values(out, as: Double.self)
      #expect(values.allSatisfy { $0 >= -1 && $0 < 3 })
      let (mean, variance) = moments(values)
      #expect(Swift.abs(mean - 1) < 0.006, "\(dtype) mean \(mean)")  // σ/√n = 1.15e-3
      #expect(Swift.abs(variance - 16.0 / 12) < 0.006, "\(dtype) variance \(variance)")
      #expect(ksDistance(values) { Swift.min(Swift.max(($0 + 1) / 4, 0), 1) } < 0.0025)
    }
  }

  @Test func normalMoments() {
    let n = 1_000_000
    for dtype in [DType.float32, .float64] {
      let out = draw(.normal(mean: 2, standardDeviation: 3), n, dtype, key: 2)
      let values =
        dtype == .float32
        ? TestSupport.values(out, as: Float.self).map(Double.init)
        : TestSupport.values(out, as: Double.self)
      let (mean, variance) = moments(values)
      #expect(Swift.abs(mean - 2) < 0.015, "\(dtype) mean \(mean)")  // σ/√n = 3e-3
      #expect(Swift.abs(variance - 9) < 0.065, "\(dtype) variance \(variance)")  // 9·√(2/n): 0.013
      let z = values.map { ($0 - 2) / 3 }
      let skew = z.reduce(0) { $0 + $1 * $1 * $1 } / Double(n)
      let kurtosis = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
      #expect(Swift.abs(skew) < 0.015 && Swift.abs(kurtosis - 3) < 0.05, "\(skew), \(kurtosis)")
      #expect(ksDistance(z) { 0.5 * erfc(-$0 / 2.0.squareRoot()) } < 0.0025, "\(dtype)")
      // Pairs share a radius but not a direction: neighbours are uncorrelated.
      var products = 0.0
      for j in stride(from: 0, to: n, by: 2) { products += z[j] * z[j + 1] }
      #expect(Swift.abs(products / Double(n / 2)) < 0.01)
    }
  }

  @Test func truncatedNormalMomentsAndRange() {
    let n = 1_000_000
    let (low, high) = (-1.0, 2.0)
    let phi = { (x: Double) in Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
    let cdf = { (x: Double) in 0.5 * erfc(-x / 2.0.squareRoot()) }
    let mass = cdf(high) - cdf(low)
    let expectedMean = (phi(low) - phi(high)) / mass
    let expectedVariance =
      1 + (low * phi(low) - high * phi(high)) / mass - expectedMean * expectedMean
    for dtype in [DType.float32, .float64] {
      let out = draw(
        .truncatedNormal(mean: 0, standardDeviation: 1, low: low, high: high), n, dtype, key: 3)
      let values =
        dtype == .float32
        ? TestSupport.values(out, as: Float.self).map(Double.init)
        : TestSupport.values(out, as: Double.self)
      #expect(values.allSatisfy { $0 >= low && $0 <= high })
      let (mean, variance) = moments(values)
      #expect(Swift.abs(mean - expectedMean) < 0.004, "\(dtype) mean \(mean) vs \(expectedMean)")
      #expect(Swift.abs(variance - expectedVariance) < 0.004, "\(dtype) variance \(variance)")
      #expect(
        ksDistance(values) { (cdf(Swift.min(Swift.max($0, low), high)) - cdf(low)) / mass } < 0.0025
      )
    }
    // Bounds far from the mean still give values inside them.
    let tail = TestSupport.values(
      draw(
        .truncatedNormal(mean: 0, standardDeviation: 1, low: 3, high: 3.5), 10_000, .float32, key: 4
      ),
      as: Float.self)
    #expect(tail.allSatisfy { $0 >= 3 && $0 <= 3.5 })
  }

  @Test func bernoulliAndIntegerFrequencies() {
    let n = 1_000_000
    let ones = TestSupport.values(
      draw(.bernoulli(probability: 0.3), n, .bool, key: 5), as: UInt8.self)
    #expect(ones.allSatisfy { $0 <= 1 })
    let share = Double(ones.reduce(0) { $0 + Int($1) }) / Double(n)
    #expect(Swift.abs(share - 0.3) < 0.00255, "\(share)")  // σ = 4.6e-4
    #expect(
      TestSupport.values(draw(.bernoulli(probability: 1), 100, .int32, key: 5), as: Int32.self)
        .allSatisfy { $0 == 1 })
    #expect(
      TestSupport.values(draw(.bernoulli(probability: 0), 100, .int32, key: 5), as: Int32.self)
        .allSatisfy { $0 == 0 })

    let values = TestSupport.values(
      draw(.integers(low: -3, width: 7), n, .int64, key: 6), as: Int64.self)
    var counts = [Int](repeating: 0, count: 7)
    for v in values { counts[Int(v + 3)] += 1 }
    let expected = Double(n) / 7
    let chiSquare = counts.reduce(0) {
      $0 + (Double($1) - expected) * (Double($1) - expected) / expected
    }
    #expect(chiSquare < 22.5, "\(counts)")  // 6 degrees of freedom, p = 0.001
    let wide = TestSupport.values(
      draw(.integers(low: Int64.min, width: UInt64.max), 1000, .int64, key: 6), as: Int64.self)
    #expect(Set(wide).count == 1000)
  }

  @Test func permutationsAreValidAndUniform() {
    let big = TestSupport.values(draw(.permutation, 60_000, .int64, key: 7), as: Int64.self)
    #expect(big.sorted() == (0..<60_000).map(Int64.init))
    #expect(TestSupport.values(draw(.permutation, 1, .int64, key: 7), as: Int64.self) == [0])
    #expect(draw(.permutation, 0, .int64, key: 7).count == 0)
    // All 24 orderings of 4 elements, equally often.
    var counts: [[Int64]: Int] = [:]
    let trials = 24_000
    for trial in 0..<trials {
      let p = TestSupport.values(
        draw(.permutation, 4, .int64, key: 8, word: UInt64(8 * trial)), as: Int64.self)
      counts[p, default: 0] += 1
    }
    #expect(counts.count == 24)
    let chiSquare = counts.values.reduce(0.0) { $0 + Double(($1 - 1000) * ($1 - 1000)) / 1000 }
    #expect(chiSquare < 49.7, "\(counts)")  // 23 degrees of freedom, p = 0.001
  }

  @Test func wordCountsCoverWhatElementsRead() {
    #expect(RandomDistribution.uniform(low: 0, high: 1).wordCount(count: 5, dtype: .float32) == 5)
    #expect(RandomDistribution.uniform(low: 0, high: 1).wordCount(count: 5, dtype: .float64) == 10)
    #expect(
      RandomDistribution.normal(mean: 0, standardDeviation: 1).wordCount(count: 5, dtype: .float32)
        == 6)
    #expect(
      RandomDistribution.normal(mean: 0, standardDeviation: 1).wordCount(count: 5, dtype: .float64)
        == 12)
    #expect(
      RandomDistribution.bernoulli(probability: 0.5).wordCount(count: 5, dtype: .float64) == 5)
    #expect(RandomDistribution.integers(low: 0, width: 3).wordCount(count: 5, dtype: .int32) == 10)
    #expect(RandomDistribution.permutation.wordCount(count: 5, dtype: .int64) == 10)
  }

  @Test func hostPhiloxMatchesTheKernel() {
    var words = [UInt32](repeating: 0, count: 41)
    ember_philox_u32(0xDEAD_BEEF_0123_4567, 5, 3, &words, 41)
    #expect(
      (0..<41).map {
        Philox.word(at: PhiloxPosition(key: 0xDEAD_BEEF_0123_4567, stream: 5, word: 3 + UInt64($0)))
      }
        == words)
    #expect(
      Philox.block(
        counter: SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
        key: SIMD2(0xa409_3822, 0x299f_31d0))
        == SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
  }
}
