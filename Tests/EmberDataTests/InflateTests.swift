import Testing

@testable import EmberData

/// Raw DEFLATE streams made once with python3's `zlib.compressobj(wbits=-15)` (see each test).
@Suite struct InflateTests {
  @Test func storedBlock() throws {
    // A stored block written by hand: BFINAL=1, BTYPE=00, LEN=5, NLEN=~5, "hello".
    let stream: [UInt8] = [0x01, 0x05, 0x00, 0xFA, 0xFF] + Array("hello".utf8)
    #expect(try Inflate.decompress(stream) == Array("hello".utf8))
  }

  @Test func fixedHuffmanBlock() throws {
    // zlib.compress(b"abracadabra abracadabra abracadabra", 9)[2:-4]: one fixed-Huffman block
    // with back-references.
    let stream: [UInt8] = [
      0x4b, 0x4c, 0x2a, 0x4a, 0x4c, 0x4e, 0x4c, 0x49, 0x04, 0x52, 0x0a, 0x89, 0xd8, 0xd9, 0x00,
    ]
    #expect((stream[0] >> 1) & 3 == 1)
    let out = try Inflate.decompress(stream)
    #expect(String(decoding: out, as: UTF8.self) == "abracadabra abracadabra abracadabra")
  }

  @Test func dynamicHuffmanBlock() throws {
    // The body of GzipTests.dynamic: a dynamic-Huffman block (BTYPE=10).
    let body = Array(GzipTests.dynamic[10..<(GzipTests.dynamic.count - 8)])
    #expect((body[0] >> 1) & 3 == 2)
    let out = try Inflate.decompress(body)
    #expect(out.count == 300)
    #expect(CRC32.checksum(out) == 2_912_610_559)
    #expect(String(decoding: out.prefix(20), as: UTF8.self) == "aaba d caa accadbaab")
  }

  @Test func overlappingCopiesRepeatThePattern() throws {
    // zlib.compressobj(9, wbits=-15) of b"xyz" * 100: a distance-3 copy longer than 3.
    let stream: [UInt8] = [0xab, 0xa8, 0xac, 0xaa, 0x18, 0x45, 0xc4, 0x21, 0x00]
    let out = try Inflate.decompress(stream)
    #expect(out == Array(String(repeating: "xyz", count: 100).utf8))
  }

  @Test func truncatedStreamThrows() {
    let stream: [UInt8] = [
      0x4b, 0x4c, 0x2a, 0x4a, 0x4c, 0x4e, 0x4c, 0x49, 0x04, 0x52, 0x0a, 0x89, 0xd8, 0xd9, 0x00,
    ]
    for cut in [0, 1, 5, 10, 14] {
      #expect(throws: InflateError.self) { try Inflate.decompress(Array(stream.prefix(cut))) }
    }
  }

  @Test func invalidBlockTypeThrows() {
    #expect(throws: InflateError.self) { try Inflate.decompress([0x07, 0x00]) }
  }

  @Test func badStoredLengthThrows() {
    let stream: [UInt8] = [0x01, 0x05, 0x00, 0x00, 0x00] + Array("hello".utf8)
    #expect {
      try Inflate.decompress(stream)
    } throws: { error in
      (error as? InflateError)?.reason.contains("complement") == true
    }
  }
}
