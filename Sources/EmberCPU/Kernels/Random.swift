import CEmberKernels
import EmberBackend
import Foundation

/// Random draws from the Philox 4×32-10 stream (the conventions are in `RandomDistribution`).
///
/// The output is cut into fixed tiles of elements; each tile generates its words with the
/// vectorized `ember_philox_u32` into a scratch buffer and turns them into values. Tiles are spread
/// over threads, but an element's value depends only on the position and its index, so the result
/// is the same on any thread count.
enum RandomKernels {
  /// Elements per tile, even so that a normal pair never straddles two tiles.
  static let tileSize = 2048

  static func random(
    _ distribution: RandomDistribution, at position: PhiloxPosition, to out: Operand
  ) {
    precondition(
      out.layout.isContiguous,
      "random: the output must be contiguous, not strides \(out.layout.strides)")
    let count = out.count
    let dtype = out.dtype
    let cost: Int
    switch distribution {
    case .permutation:
      precondition(
        out.layout.rank == 1 && dtype == .int64,
        "random: a permutation needs a one-axis int64 output, not \(out.shape) \(dtype)")
      permutation(position, out)
      return
    case .uniform(let low, let high):
      precondition(dtype.isFloatingPoint, "random: uniform needs a float dtype, not \(dtype)")
      precondition(low <= high, "random: uniform bounds \(low) > \(high)")
      cost = 2
    case .normal(_, let standardDeviation):
      precondition(dtype.isFloatingPoint, "random: normal needs a float dtype, not \(dtype)")
      precondition(
        standardDeviation >= 0, "random: negative standard deviation \(standardDeviation)")
      cost = dtype == .float32 ? 4 : 40
    case .truncatedNormal(_, let standardDeviation, let low, let high):
      precondition(
        dtype.isFloatingPoint, "random: truncatedNormal needs a float dtype, not \(dtype)")
      precondition(
        standardDeviation > 0 && low < high,
        "random: truncatedNormal needs a positive standard deviation and low < high, got "
          + "\(standardDeviation), [\(low), \(high)]")
      cost = 40
    case .bernoulli(let probability):
      precondition(
        (0...1).contains(probability), "random: probability \(probability) is not in 0...1")
      cost = 1
    case .integers(_, let width):
      precondition(width > 0, "random: integers need a positive width")
      cost = 2
    }
    guard count > 0 else { return }
    let wordsPerElement = distribution.wordsPerElement(dtype: dtype)
    let tiles = (count + tileSize - 1) / tileSize
    let base = out.buffer.pointer + out.layout.offset * dtype.byteSize
    Parallel.forEachChunk(tiles, costPerItem: tileSize * cost) { range in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: wordsPerElement * tileSize) {
        words in
        for tile in range {
          let start = tile * tileSize
          let n = Swift.min(tileSize, count - start)
          // A normal of odd index reads its partner's words too; others read whole elements.
          let elementsRead: Int
          if case .normal = distribution { elementsRead = n + (n & 1) } else { elementsRead = n }
          ember_philox_u32(
            position.key, position.stream, position.word &+ UInt64(wordsPerElement * start),
            words.baseAddress!, wordsPerElement * elementsRead)
          fill(
            distribution, words: words.baseAddress!, count: n, dtype: dtype,
            out: base + start * dtype.byteSize)
        }
      }
    }
  }

  /// Values of `count` elements from their words (`wordsPerElement` each) into `out`.
  private static func fill(
    _ distribution: RandomDistribution, words w: UnsafeMutablePointer<UInt32>, count n: Int,
    dtype: DType, out: UnsafeMutableRawPointer
  ) {
    switch (distribution, dtype) {
    case (.uniform(let low, let high), .float32):
      let o = out.assumingMemoryBound(to: Float.self)
      let lo = Float(low)
      let width = Float(high - low)
      let hi = Float(high)
      for i in 0..<n {
        let x = lo + width * unitFloat(w[i])
        o[i] = x < hi ? x : hi
      }
    case (.uniform(let low, let high), _):
      let o = out.assumingMemoryBound(to: Double.self)
      let width = high - low
      for i in 0..<n {
        let x = low + width * unitDouble(w[2 &* i], w[2 &* i &+ 1])
        o[i] = x < high ? x : high
      }
    case (.normal(let mean, let standardDeviation), .float32):
      ember_normal_f32(
        w, out.assumingMemoryBound(to: Float.self), n, Float(mean), Float(standardDeviation), -1)
    case (.normal(let mean, let standardDeviation), _):
      let o = out.assumingMemoryBound(to: Double.self)
      var i = 0
      while i < n {
        let u1 = 1 - unitDouble(w[2 &* i], w[2 &* i &+ 1])
        let u2 = unitDouble(w[2 &* i &+ 2], w[2 &* i &+ 3])
        let r = (-2 * Foundation.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        o[i] = mean + standardDeviation * (r * Foundation.cos(theta))
        if i + 1 < n { o[i + 1] = mean + standardDeviation * (r * Foundation.sin(theta)) }
        i += 2
      }
    case (.truncatedNormal(let mean, let standardDeviation, let low, let high), _):
      let alpha = (low - mean) / standardDeviation
      let beta = (high - mean) / standardDeviation
      // An interval lying mostly above the mean is drawn in the mirrored lower tail, where
      // probabilities near 0 keep their precision: Φ⁻¹(p) = −Φ⁻¹(1 − p).
      let mirrored = alpha + beta > 0
      let pLow = mirrored ? normalCDF(-beta) : normalCDF(alpha)
      let mass = (mirrored ? normalCDF(-alpha) : normalCDF(beta)) - pLow
      @inline(__always) func value(_ v: Double) -> Double {
        let z =
          mirrored
          ? -inverseNormalCDF(pLow + mass * (1 - v)) : inverseNormalCDF(pLow + mass * v)
        return Swift.min(Swift.max(mean + standardDeviation * z, low), high)
      }
      if dtype == .float32 {
        let o = out.assumingMemoryBound(to: Float.self)
        for i in 0..<n { o[i] = Float(value((Double(w[i] >> 8) + 0.5) * 0x1p-24)) }
      } else {
        let o = out.assumingMemoryBound(to: Double.self)
        for i in 0..<n {
          let bits = UInt64(w[2 &* i &+ 1]) << 32 | UInt64(w[2 &* i])
          o[i] = value((Double(bits >> 11) + 0.5) * 0x1p-53)
        }
      }
    case (.bernoulli(let probability), _):
      let threshold = UInt64((probability * 4_294_967_296).rounded(.down))
      switch dtype {
      case .float32: bernoulli(w, n, threshold, out, Float(1), Float(0))
      case .float64: bernoulli(w, n, threshold, out, Double(1), Double(0))
      case .int32: bernoulli(w, n, threshold, out, Int32(1), Int32(0))
      case .int64: bernoulli(w, n, threshold, out, Int64(1), Int64(0))
      case .bool: bernoulli(w, n, threshold, out, UInt8(1), UInt8(0))
      }
    case (.integers(let low, let width), _):
      @inline(__always) func value(_ i: Int) -> Int64 {
        let bits = UInt64(w[2 &* i &+ 1]) << 32 | UInt64(w[2 &* i])
        return low &+ Int64(bitPattern: bits.multipliedFullWidth(by: width).high)
      }
      switch dtype {
      case .int64:
        let o = out.assumingMemoryBound(to: Int64.self)
        for i in 0..<n { o[i] = value(i) }
      case .int32:
        let o = out.assumingMemoryBound(to: Int32.self)
        for i in 0..<n { o[i] = Int32(truncatingIfNeeded: value(i)) }
      case .float32:
        let o = out.assumingMemoryBound(to: Float.self)
        for i in 0..<n { o[i] = Float(value(i)) }
      case .float64:
        let o = out.assumingMemoryBound(to: Double.self)
        for i in 0..<n { o[i] = Double(value(i)) }
      case .bool:
        let o = out.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n { o[i] = value(i) != 0 ? 1 : 0 }
      }
    case (.permutation, _):
      preconditionFailure("random: a permutation is not drawn by tiles")
    }
  }

  @inline(__always)
  private static func bernoulli<T>(
    _ w: UnsafeMutablePointer<UInt32>, _ n: Int, _ threshold: UInt64,
    _ out: UnsafeMutableRawPointer,
    _ one: T, _ zero: T
  ) {
    let o = out.assumingMemoryBound(to: T.self)
    for i in 0..<n { o[i] = UInt64(w[i]) < threshold ? one : zero }
  }

  /// `Float(w >> 8) · 2⁻²⁴`, in `[0, 1)`.
  @inline(__always)
  static func unitFloat(_ w: UInt32) -> Float {
    Float(Int32(bitPattern: w >> 8)) * 0x1p-24
  }

  /// `Double(((hi << 32) | lo) >> 11) · 2⁻⁵³`, in `[0, 1)`.
  @inline(__always)
  static func unitDouble(_ lo: UInt32, _ hi: UInt32) -> Double {
    Double(Int64(bitPattern: (UInt64(hi) << 32 | UInt64(lo)) >> 11)) * 0x1p-53
  }

  /// Fisher–Yates over `0..<n`, step `i` fed by words `2i`, `2i + 1`.
  private static func permutation(_ position: PhiloxPosition, _ out: Operand) {
    let n = out.count
    let o = elements(out, Int64.self) + out.layout.offset
    for i in 0..<n { o[i] = Int64(i) }
    guard n > 1 else { return }
    let wordCount = 2 * (n - 1)
    let words = UnsafeMutablePointer<UInt32>.allocate(capacity: wordCount)
    defer { words.deallocate() }
    let chunk = 1 << 14
    // Words come at about 1.4 G/s per core: below a million, a second thread costs more than it
    // saves (measured on the 60k shuffle).
    Parallel.forEachChunk((wordCount + chunk - 1) / chunk, costPerItem: chunk, threshold: 1 << 20) {
      range in
      for c in range {
        let start = c * chunk
        ember_philox_u32(
          position.key, position.stream, position.word &+ UInt64(start), words + start,
          Swift.min(chunk, wordCount - start))
      }
    }
    for i in 0..<(n - 1) {
      let bits = UInt64(words[2 &* i &+ 1]) << 32 | UInt64(words[2 &* i])
      let j = i &+ Int(truncatingIfNeeded: bits.multipliedFullWidth(by: UInt64(n &- i)).high)
      let t = o[i]
      o[i] = o[j]
      o[j] = t
    }
  }

  /// `Φ(x) = erfc(−x/√2) / 2`, the standard normal CDF.
  static func normalCDF(_ x: Double) -> Double {
    0.5 * Foundation.erfc(-x * 0.707_106_781_186_547_524_4)
  }

  /// `Φ⁻¹(p)` for `p` in `(0, 1)` by Wichura's AS241 (PPND16), about 1e-16 relative.
  static func inverseNormalCDF(_ p: Double) -> Double {
    let q = p - 0.5
    if Swift.abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      var num = 2.509_080_928_730_122_672_7e+3
      num = num * r + 3.343_057_558_358_812_810_5e+4
      num = num * r + 6.726_577_092_700_870_085_3e+4
      num = num * r + 4.592_195_393_154_987_145_7e+4
      num = num * r + 1.373_169_376_550_946_112_5e+4
      num = num * r + 1.971_590_950_306_551_442_7e+3
      num = num * r + 1.331_416_678_917_843_774_5e+2
      num = num * r + 3.387_132_872_796_366_608_0e+0
      var den = 5.226_495_278_852_854_561_0e+3
      den = den * r + 2.872_908_573_572_194_267_4e+4
      den = den * r + 3.930_789_580_009_271_061_0e+4
      den = den * r + 2.121_379_430_158_659_586_7e+4
      den = den * r + 5.394_196_021_424_751_107_7e+3
      den = den * r + 6.871_870_074_920_579_083_0e+2
      den = den * r + 4.231_333_070_160_091_125_2e+1
      den = den * r + 1.0
      return q * num / den
    }
    var r = (-Foundation.log(q <= 0 ? p : 1 - p)).squareRoot()
    var num: Double
    var den: Double
    if r <= 5 {
      r -= 1.6
      num = 7.745_450_142_783_414_076_40e-4
      num = num * r + 2.272_384_498_926_918_458_33e-2
      num = num * r + 2.417_807_251_774_506_117_70e-1
      num = num * r + 1.270_458_252_452_368_382_58e+0
      num = num * r + 3.647_848_324_763_204_605_04e+0
      num = num * r + 5.769_497_221_460_691_405_50e+0
      num = num * r + 4.630_337_846_156_545_295_90e+0
      num = num * r + 1.423_437_110_749_683_577_34e+0
      den = 1.050_750_071_644_416_843_24e-9
      den = den * r + 5.475_938_084_995_344_946_00e-4
      den = den * r + 1.519_866_656_361_645_719_66e-2
      den = den * r + 1.481_039_764_274_800_745_90e-1
      den = den * r + 6.897_673_349_851_000_045_50e-1
      den = den * r + 1.676_384_830_183_803_849_40e+0
      den = den * r + 2.053_191_626_637_758_821_87e+0
      den = den * r + 1.0
    } else {
      r -= 5
      num = 2.010_334_399_292_288_132_65e-7
      num = num * r + 2.711_555_568_743_487_578_15e-5
      num = num * r + 1.242_660_947_388_078_438_60e-3
      num = num * r + 2.653_218_952_657_612_309_30e-2
      num = num * r + 2.965_605_718_285_048_912_30e-1
      num = num * r + 1.784_826_539_917_291_335_80e+0
      num = num * r + 5.463_784_911_164_114_369_90e+0
      num = num * r + 6.657_904_643_501_103_777_20e+0
      den = 2.044_263_103_389_939_785_64e-15
      den = den * r + 1.421_511_758_316_445_888_70e-7
      den = den * r + 1.846_318_317_510_054_681_80e-5
      den = den * r + 7.868_691_311_456_132_591_00e-4
      den = den * r + 1.487_536_129_085_061_485_25e-2
      den = den * r + 1.369_298_809_227_358_053_10e-1
      den = den * r + 5.998_322_065_558_879_376_90e-1
      den = den * r + 1.0
    }
    let x = num / den
    return q < 0 ? -x : x
  }
}
