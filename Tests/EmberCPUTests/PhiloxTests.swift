import CEmberKernels
import Testing

@Suite struct PhiloxTests {
  /// Known-answer vectors of Random123 (kat_vectors, philox4x32_10).
  @Test(arguments: [
    ([0, 0, 0, 0] as [UInt32], [0, 0] as [UInt32], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8] as [UInt32]),
    ([0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff], [0xffff_ffff, 0xffff_ffff],
     [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]),
    ([0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0],
     [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]),
  ])
  func blockMatchesRandom123(counter: [UInt32], key: [UInt32], expected: [UInt32]) {
    var out = [UInt32](repeating: 0, count: 4)
    ember_philox4x32_10(counter, key, &out)
    #expect(out == expected)
  }

  @Test func streamWordsAreTheBlocksWordsFromAnyStart() {
    let key: UInt64 = 0x0123_4567_89ab_cdef, stream: UInt64 = 7
    var whole = [UInt32](repeating: 0, count: 103)
    ember_philox_u32(key, stream, 5, &whole, 103)
    for (i, value) in whole.enumerated() {
      let w = UInt64(5 + i)
      let block = w / 4
      var out = [UInt32](repeating: 0, count: 4)
      let counter = [UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32),
                     UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)]
      ember_philox4x32_10(counter, [UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)], &out)
      #expect(value == out[Int(w % 4)], "word \(w)")
    }
    // A piece starting mid-stream equals the same words of the whole.
    var piece = [UInt32](repeating: 0, count: 37)
    ember_philox_u32(key, stream, 5 + 50, &piece, 37)
    #expect(piece == Array(whole[50..<87]))
  }
}
