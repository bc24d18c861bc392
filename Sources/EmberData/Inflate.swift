/// Why a DEFLATE stream could not be decoded, and the input byte offset where it was noticed.
public struct InflateError: Error, CustomStringConvertible, Equatable {
  /// What is wrong, in words.
  public var reason: String
  /// The offset in the compressed input where decoding stopped.
  public var offset: Int

  public var description: String { "\(reason) (at compressed byte \(offset))" }
}

/// A pure-Swift DEFLATE decoder (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// Huffman codes up to 10 bits long are decoded with one table lookup; longer (rare) codes fall
/// back to canonical decoding. All tables are allocated once per call; the hot loop reads input
/// and writes output through raw pointers.
public enum Inflate {
  /// Decompresses the raw DEFLATE stream at the start of `input`.
  ///
  /// - Parameter sizeHint: the expected output size, used to reserve memory up front.
  /// - Returns: the decompressed bytes and the number of input bytes consumed (rounded up to a
  ///   whole byte), so that a container format can read its trailer.
  public static func decompress(
    _ input: UnsafeBufferPointer<UInt8>, sizeHint: Int = 0
  ) throws(InflateError) -> (output: [UInt8], consumed: Int) {
    var decoder = Decoder(input: input, capacity: Swift.max(sizeHint, input.count * 3, 1024))
    defer { decoder.deallocate() }
    try decoder.run()
    let output = [UInt8](UnsafeBufferPointer(start: decoder.out, count: decoder.outCount))
    return (output, decoder.reader.consumedBytes)
  }

  /// Decompresses a raw DEFLATE stream held in an array.
  public static func decompress(_ input: [UInt8]) throws(InflateError) -> [UInt8] {
    try input.withUnsafeBufferPointer { (buffer) throws(InflateError) in
      try decompress(buffer).output
    }
  }
}

// MARK: Bits

/// Reads bits least-significant first from a byte buffer, 64 at a time.
struct BitReader {
  let base: UnsafePointer<UInt8>
  let count: Int
  var position = 0
  var buffer: UInt64 = 0
  var bitCount = 0

  init(_ input: UnsafeBufferPointer<UInt8>) {
    // An empty buffer may have no base address; point at a harmless byte instead.
    base = input.baseAddress ?? UnsafePointer(Self.empty)
    count = input.count
  }

  private static let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

  /// Bytes consumed so far, counting a partly read byte as consumed.
  var consumedBytes: Int { position - bitCount / 8 }

  /// Tops the buffer up to at least 56 bits while input remains.
  @inline(__always)
  mutating func refill() {
    if position + 8 <= count {
      let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
      buffer |= UInt64(littleEndian: word) << UInt64(bitCount)
      position += (63 - bitCount) >> 3
      bitCount |= 56
    } else {
      while bitCount <= 56 && position < count {
        buffer |= UInt64(base[position]) << UInt64(bitCount)
        position += 1
        bitCount += 8
      }
    }
  }

  /// The next `n` bits (`n <= 32`), or a truncation error.
  @inline(__always)
  mutating func bits(_ n: Int) throws(InflateError) -> Int {
    if bitCount < n {
      refill()
      if bitCount < n { throw InflateError(reason: "truncated DEFLATE data", offset: count) }
    }
    let value = Int(buffer & ((1 << UInt64(n)) - 1))
    buffer >>= UInt64(n)
    bitCount -= n
    return value
  }

  /// Drops the bits up to the next byte boundary.
  mutating func alignToByte() {
    let drop = bitCount & 7
    buffer >>= UInt64(drop)
    bitCount -= drop
  }
}

// MARK: Huffman tables

/// A canonical Huffman code: a 10-bit lookup table plus per-length counts for longer codes.
struct HuffmanTable {
  static let fastBits = 10
  /// `symbol << 4 | length` for codes of at most `fastBits` bits; 0 where the code is longer.
  let fast: UnsafeMutablePointer<UInt16>
  /// How many codes have each length 0...15.
  let counts: UnsafeMutablePointer<Int32>
  /// Symbols sorted by code.
  let symbols: UnsafeMutablePointer<UInt16>

  init() {
    fast = .allocate(capacity: 1 << Self.fastBits)
    counts = .allocate(capacity: 16)
    symbols = .allocate(capacity: 320)
  }

  func deallocate() {
    fast.deallocate()
    counts.deallocate()
    symbols.deallocate()
  }

  /// Builds the code from code lengths; over-subscribed codes are errors, incomplete ones allowed
  /// (RFC 1951 permits a single distance code).
  func build(
    _ lengths: UnsafePointer<UInt8>, count n: Int, offset: Int
  ) throws(InflateError) {
    for i in 0..<16 { counts[i] = 0 }
    for i in 0..<n { counts[Int(lengths[i])] += 1 }
    counts[0] = 0
    var left: Int32 = 1
    for length in 1..<16 {
      left <<= 1
      left -= counts[length]
      if left < 0 { throw InflateError(reason: "over-subscribed Huffman code", offset: offset) }
    }
    var offsets = [Int32](repeating: 0, count: 16)
    for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
    for i in 0..<n where lengths[i] != 0 {
      let length = Int(lengths[i])
      symbols[Int(offsets[length])] = UInt16(i)
      offsets[length] += 1
    }
    // Fill the fast table: codes are assigned in canonical order, stored bit-reversed.
    let size = 1 << Self.fastBits
    for i in 0..<size { fast[i] = 0 }
    var code = 0
    var index = 0
    for length in 1...Self.fastBits {
      for _ in 0..<Int(counts[length]) {
        let symbol = Int(symbols[index])
        var reversed = 0
        for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
        let entry = UInt16(symbol << 4 | length)
        var slot = reversed
        while slot < size {
          fast[slot] = entry
          slot += 1 << length
        }
        code += 1
        index += 1
      }
      code <<= 1
    }
  }

  /// Decodes one symbol.
  @inline(__always)
  func decode(_ reader: inout BitReader) throws(InflateError) -> Int {
    if reader.bitCount < 15 { reader.refill() }
    let entry = Int(fast[Int(reader.buffer & UInt64((1 << Self.fastBits) - 1))])
    let length = entry & 15
    if length != 0 && length <= reader.bitCount {
      reader.buffer >>= UInt64(length)
      reader.bitCount -= length
      return entry >> 4
    }
    return try slowDecode(&reader)
  }

  /// Canonical decoding one bit at a time (as in zlib's `puff`).
  func slowDecode(_ reader: inout BitReader) throws(InflateError) -> Int {
    var code = 0, first = 0, index = 0
    for length in 1..<16 {
      if reader.bitCount == 0 {
        throw InflateError(reason: "truncated DEFLATE data", offset: reader.count)
      }
      code |= Int(reader.buffer & 1)
      reader.buffer >>= 1
      reader.bitCount -= 1
      let count = Int(counts[length])
      if code - first < count { return Int(symbols[index + code - first]) }
      index += count
      first += count
      first <<= 1
      code <<= 1
    }
    throw InflateError(reason: "invalid Huffman code", offset: reader.consumedBytes)
  }
}

// MARK: Decoder

private let lengthBase: [Int] = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
]
private let lengthExtra: [Int] = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]
private let distanceBase: [Int] = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
]
private let distanceExtra: [Int] = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]
/// The order in which code-length code lengths are stored.
private let codeLengthOrder: [Int] = [
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
]

struct Decoder {
  var reader: BitReader
  var out: UnsafeMutablePointer<UInt8>
  var outCount = 0
  var outCapacity: Int
  let literals = HuffmanTable()
  let distances = HuffmanTable()
  let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: 320)

  init(input: UnsafeBufferPointer<UInt8>, capacity: Int) {
    reader = BitReader(input)
    outCapacity = capacity
    out = .allocate(capacity: capacity)
  }

  func deallocate() {
    out.deallocate()
    literals.deallocate()
    distances.deallocate()
    lengths.deallocate()
  }

  mutating func reserve(_ extra: Int) {
    if outCount + extra <= outCapacity { return }
    let newCapacity = Swift.max(outCapacity * 2, outCount + extra)
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    grown.update(from: out, count: outCount)
    out.deallocate()
    out = grown
    outCapacity = newCapacity
  }

  mutating func run() throws(InflateError) {
    var last = false
    while !last {
      last = try reader.bits(1) == 1
      switch try reader.bits(2) {
      case 0: try storedBlock()
      case 1:
        buildFixedTables()
        try huffmanBlock()
      case 2:
        try readDynamicTables()
        try huffmanBlock()
      default:
        throw InflateError(reason: "invalid block type 3", offset: reader.consumedBytes)
      }
    }
  }

  mutating func storedBlock() throws(InflateError) {
    reader.alignToByte()
    let length = try reader.bits(16)
    let complement = try reader.bits(16)
    if length != ~complement & 0xFFFF {
      throw InflateError(
        reason: "stored block length \(length) does not match its complement",
        offset: reader.consumedBytes)
    }
    reserve(length)
    // Bytes still in the bit buffer come first, then the rest straight from the input.
    var remaining = length
    while remaining > 0 && reader.bitCount >= 8 {
      out[outCount] = UInt8(truncatingIfNeeded: reader.buffer)
      outCount += 1
      reader.buffer >>= 8
      reader.bitCount -= 8
      remaining -= 1
    }
    if remaining > 0 {
      // NOTE: the fast refill may leave a copy of the byte at `position` above `bitCount`; it is
      // stale once `position` moves past the copied bytes, so clear it.
      reader.buffer = 0
      guard reader.position + remaining <= reader.count else {
        throw InflateError(reason: "truncated stored block", offset: reader.count)
      }
      (out + outCount).update(from: reader.base + reader.position, count: remaining)
      outCount += remaining
      reader.position += remaining
    }
  }

  func buildFixedTables() {
    for i in 0..<144 { lengths[i] = 8 }
    for i in 144..<256 { lengths[i] = 9 }
    for i in 256..<280 { lengths[i] = 7 }
    for i in 280..<288 { lengths[i] = 8 }
    try! literals.build(lengths, count: 288, offset: 0)
    for i in 0..<30 { lengths[i] = 5 }
    try! distances.build(lengths, count: 30, offset: 0)
  }

  mutating func readDynamicTables() throws(InflateError) {
    let literalCount = try reader.bits(5) + 257
    let distanceCount = try reader.bits(5) + 1
    let codeLengthCount = try reader.bits(4) + 4
    if literalCount > 286 || distanceCount > 30 {
      throw InflateError(
        reason: "bad code counts \(literalCount)/\(distanceCount)", offset: reader.consumedBytes)
    }
    for i in 0..<19 { lengths[i] = 0 }
    for i in 0..<codeLengthCount { lengths[codeLengthOrder[i]] = UInt8(try reader.bits(3)) }
    // The code-length code is decoded with the literal table's storage.
    try literals.build(lengths, count: 19, offset: reader.consumedBytes)
    let total = literalCount + distanceCount
    var index = 0
    while index < total {
      let symbol = try literals.decode(&reader)
      if symbol < 16 {
        lengths[index] = UInt8(symbol)
        index += 1
        continue
      }
      var value: UInt8 = 0
      var repeatCount: Int
      switch symbol {
      case 16:
        if index == 0 {
          throw InflateError(reason: "repeat with no previous length", offset: reader.consumedBytes)
        }
        value = lengths[index - 1]
        repeatCount = 3 + (try reader.bits(2))
      case 17: repeatCount = 3 + (try reader.bits(3))
      default: repeatCount = 11 + (try reader.bits(7))
      }
      if index + repeatCount > total {
        throw InflateError(reason: "code lengths overflow", offset: reader.consumedBytes)
      }
      for _ in 0..<repeatCount {
        lengths[index] = value
        index += 1
      }
    }
    if lengths[256] == 0 {
      throw InflateError(reason: "no end-of-block code", offset: reader.consumedBytes)
    }
    try literals.build(lengths, count: literalCount, offset: reader.consumedBytes)
    try distances.build(lengths + literalCount, count: distanceCount, offset: reader.consumedBytes)
  }

  mutating func huffmanBlock() throws(InflateError) {
    while true {
      let symbol = try literals.decode(&reader)
      if symbol < 256 {
        if outCount == outCapacity { reserve(1) }
        out[outCount] = UInt8(truncatingIfNeeded: symbol)
        outCount += 1
        continue
      }
      if symbol == 256 { return }
      let lengthIndex = symbol - 257
      guard lengthIndex < 29 else {
        throw InflateError(reason: "invalid length symbol \(symbol)", offset: reader.consumedBytes)
      }
      let length = lengthBase[lengthIndex] + (try reader.bits(lengthExtra[lengthIndex]))
      let distanceSymbol = try distances.decode(&reader)
      guard distanceSymbol < 30 else {
        throw InflateError(
          reason: "invalid distance symbol \(distanceSymbol)", offset: reader.consumedBytes)
      }
      let distance =
        distanceBase[distanceSymbol] + (try reader.bits(distanceExtra[distanceSymbol]))
      guard distance <= outCount else {
        throw InflateError(
          reason: "distance \(distance) reaches before the start of the output",
          offset: reader.consumedBytes)
      }
      reserve(length)
      let destination = out + outCount
      let source = destination - distance
      if distance >= length {
        destination.update(from: source, count: length)
      } else if distance == 1 {
        destination.update(repeating: source.pointee, count: length)
      } else {
        // Overlapping copy: the pattern of `distance` bytes repeats; copy it a period at a time.
        var copied = 0
        while copied < length {
          let chunk = Swift.min(length - copied, distance)
          (destination + copied).update(from: source + copied, count: chunk)
          copied += chunk
        }
      }
      outCount += length
    }
  }
}
