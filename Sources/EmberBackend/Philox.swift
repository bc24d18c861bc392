/// Philox 4×32-10 on the host, one block at a time (Salmon et al., "Parallel random numbers: as
/// easy as 1, 2, 3", SC 2011): for the few scalar draws made outside a kernel, and as the reference
/// that every backend's random kernel must agree with.
public enum Philox {
  /// The four words of the block with `counter` under `key` (Random123's `philox4x32`, 10 rounds).
  public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
    var (c0, c1, c2, c3) = (counter[0], counter[1], counter[2], counter[3])
    var (k0, k1) = (key[0], key[1])
    for _ in 0..<10 {
      let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
      let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
      (c0, c1, c2, c3) = (
        UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0, UInt32(truncatingIfNeeded: p1),
        UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1, UInt32(truncatingIfNeeded: p0)
      )
      k0 &+= 0x9E37_79B9
      k1 &+= 0xBB67_AE85
    }
    return SIMD4(c0, c1, c2, c3)
  }

  /// The block holding `position.word`: counter `(word / 4, stream)` under `key`, low words first.
  public static func block(containing position: PhiloxPosition) -> SIMD4<UInt32> {
    let block = position.word >> 2
    return Self.block(
      counter: SIMD4(
        UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32),
        UInt32(truncatingIfNeeded: position.stream),
        UInt32(truncatingIfNeeded: position.stream >> 32)),
      key: SIMD2(
        UInt32(truncatingIfNeeded: position.key), UInt32(truncatingIfNeeded: position.key >> 32)))
  }

  /// The word at `position` of its stream.
  public static func word(at position: PhiloxPosition) -> UInt32 {
    block(containing: position)[Int(position.word & 3)]
  }
}
