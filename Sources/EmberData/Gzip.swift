import Foundation

/// The CRC-32 of gzip, zip and PNG (polynomial `0xEDB88320`, reflected), slicing by 8 bytes.
public struct CRC32: Sendable {
  /// The checksum of the bytes added so far.
  public private(set) var value: UInt32 = 0

  private static let tables: [UInt32] = {
    var tables = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      tables[i] = c
    }
    for i in 0..<256 {
      for t in 1..<8 {
        let previous = tables[(t - 1) * 256 + i]
        tables[t * 256 + i] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
      }
    }
    return tables
  }()

  /// A checksum of no bytes.
  public init() {}

  /// The CRC-32 of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var crc = CRC32()
    bytes.withUnsafeBufferPointer { crc.update($0) }
    return crc.value
  }

  /// Adds the bytes in `buffer`.
  public mutating func update(_ buffer: UnsafeBufferPointer<UInt8>) {
    guard let base = buffer.baseAddress else { return }
    var c = ~value
    let n = buffer.count
    Self.tables.withUnsafeBufferPointer { t in
      var i = 0
      while i + 8 <= n {
        let word = UnsafeRawPointer(base + i)
        let low = c ^ UInt32(littleEndian: word.loadUnaligned(as: UInt32.self))
        let high = UInt32(littleEndian: word.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        c = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
          ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
        i += 8
      }
      while i < n {
        c = t[Int((c ^ UInt32(base[i])) & 0xFF)] ^ (c >> 8)
        i += 1
      }
    }
    value = ~c
  }
}

/// Reads gzip files (RFC 1952): header fields, DEFLATE body, CRC-32 and size trailer, and any
/// number of concatenated members.
public enum Gzip {
  /// Whether `bytes` starts with the gzip magic number `1f 8b`.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// Decompresses gzip data; errors name `name` (a file path) and say what is wrong.
  public static func decompress(_ bytes: [UInt8], name: String = "gzip data") throws(DataError)
    -> [UInt8]
  {
    do {
      return try bytes.withUnsafeBufferPointer { (input) throws(InflateError) in
        try decompressMembers(input)
      }
    } catch {
      throw .corrupt(file: name, reason: error.description)
    }
  }

  /// Reads and decompresses the gzip file at `url`.
  public static func decompress(contentsOf url: URL) throws(DataError) -> [UInt8] {
    try decompress(try readBytes(of: url), name: url.path)
  }

  private static func decompressMembers(_ input: UnsafeBufferPointer<UInt8>) throws(InflateError)
    -> [UInt8]
  {
    var output: [UInt8] = []
    var start = 0
    repeat {
      let member = UnsafeBufferPointer(rebasing: input[start...])
      let (bytes, used) = try decompressMember(member, at: start)
      if output.isEmpty { output = bytes } else { output.append(contentsOf: bytes) }
      start += used
      // Trailing zero padding after the last member is tolerated, as gzip(1) does.
    } while start < input.count && input[start...].contains(where: { $0 != 0 })
    return output
  }

  /// One member: returns its bytes and the input bytes it used.
  private static func decompressMember(_ input: UnsafeBufferPointer<UInt8>, at base: Int)
    throws(InflateError) -> ([UInt8], Int)
  {
    func fail(_ reason: String, _ offset: Int) -> InflateError {
      InflateError(reason: reason, offset: base + offset)
    }
    let n = input.count
    guard n >= 10 else { throw fail("truncated gzip header", n) }
    guard input[0] == 0x1F && input[1] == 0x8B else {
      throw fail("not gzip data (magic bytes are \(hex(input[0])) \(hex(input[1])))", 0)
    }
    guard input[2] == 8 else { throw fail("unknown compression method \(input[2])", 2) }
    let flags = input[3]
    if flags & 0xE0 != 0 { throw fail("reserved header flags set", 3) }
    var position = 10
    if flags & 0x04 != 0 {  // FEXTRA
      guard position + 2 <= n else { throw fail("truncated gzip header", n) }
      position += 2 + (Int(input[position]) | Int(input[position + 1]) << 8)
    }
    for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
      while position < n && input[position] != 0 { position += 1 }
      position += 1
    }
    if flags & 0x02 != 0 { position += 2 }  // FHCRC
    guard position < n else { throw fail("truncated gzip header", n) }
    // The size of the last member (mod 2³²) is a good reservation hint for the common case.
    let sizeHint = n >= 4 ? Int(readUInt32(input, n - 4)) : 0
    let body = UnsafeBufferPointer(rebasing: input[position...])
    let (output, consumed): ([UInt8], Int)
    do {
      (output, consumed) = try Inflate.decompress(body, sizeHint: sizeHint)
    } catch {
      throw fail(error.reason, position + error.offset)
    }
    let trailer = position + consumed
    guard trailer + 8 <= n else {
      throw fail("truncated gzip trailer (CRC-32 and size missing)", n)
    }
    let expectedCRC = readUInt32(input, trailer)
    let expectedSize = readUInt32(input, trailer + 4)
    let crc = output.withUnsafeBufferPointer { buffer in
      var crc = CRC32()
      crc.update(buffer)
      return crc.value
    }
    guard crc == expectedCRC else {
      throw fail(
        "CRC-32 mismatch: data has \(hex32(crc)), trailer says \(hex32(expectedCRC))", trailer)
    }
    guard UInt32(truncatingIfNeeded: output.count) == expectedSize else {
      throw fail("size mismatch: \(output.count) bytes, trailer says \(expectedSize)", trailer + 4)
    }
    return (output, trailer + 8)
  }

  private static func readUInt32(_ input: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
    UInt32(input[at]) | UInt32(input[at + 1]) << 8 | UInt32(input[at + 2]) << 16
      | UInt32(input[at + 3]) << 24
  }

  private static func hex(_ byte: UInt8) -> String { String(format: "%02x", byte) }
  private static func hex32(_ value: UInt32) -> String { String(format: "%08x", value) }
}
