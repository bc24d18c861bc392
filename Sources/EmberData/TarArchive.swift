import Foundation

/// The regular files of a tar archive (POSIX ustar and GNU long names), read from memory: a `.tar`
/// as it is, a `.tar.gz` after decompression. Each entry's header checksum is verified.
public struct TarArchive: Sendable {
  /// One file: its path inside the archive and where its bytes lie in `bytes`.
  public struct Entry: Sendable, Equatable {
    public let path: String
    public let range: Range<Int>
  }

  /// The archive's bytes (decompressed).
  public let bytes: [UInt8]
  /// The regular files, in archive order.
  public let entries: [Entry]

  /// Reads the archive at `url`, decompressing it first when it is gzip data.
  ///
  /// - Throws: `DataError.corrupt` naming the archive and the entry (a bad header checksum, a file
  ///   that runs past the end).
  public init(contentsOf url: URL) throws(DataError) {
    let raw = try readBytes(of: url)
    try self.init(bytes: Gzip.isGzip(raw) ? Gzip.decompress(raw, name: url.path) : raw, name: url.path)
  }

  /// Reads an archive held in memory; `name` is used in error messages.
  public init(bytes: [UInt8], name: String = "tar archive") throws(DataError) {
    self.bytes = bytes
    var entries: [Entry] = []
    var offset = 0
    var longName: String?
    while offset + 512 <= bytes.count {
      let header = bytes[offset..<(offset + 512)]
      if header.allSatisfy({ $0 == 0 }) { break }  // the end-of-archive blocks
      func field(_ start: Int, _ length: Int) -> ArraySlice<UInt8> {
        header[(offset + start)..<(offset + start + length)]
      }
      func text(_ start: Int, _ length: Int) -> String {
        let slice = field(start, length)
        return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
      }
      func octal(_ start: Int, _ length: Int) -> Int? {
        let digits = text(start, length).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        return digits.isEmpty ? 0 : Int(digits, radix: 8)
      }
      // The checksum counts its own 8 bytes as spaces.
      var sum = 0
      for (i, byte) in header.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
      let rawName = text(0, 100)
      guard let stored = octal(148, 8), stored == sum else {
        throw .corrupt(file: name, reason: "tar header at byte \(offset) (\(rawName)) has a bad checksum")
      }
      guard let size = octal(124, 12), size >= 0, offset + 512 + size <= bytes.count else {
        throw .corrupt(file: name, reason: "tar entry \(rawName) runs past the end of the archive")
      }
      let type = header[offset + 156]
      let data = (offset + 512)..<(offset + 512 + size)
      var path = rawName
      let prefix = text(345, 155)
      if text(257, 5) == "ustar" && !prefix.isEmpty { path = prefix + "/" + rawName }
      if let pending = longName { path = pending }
      switch type {
      case UInt8(ascii: "L"):  // GNU: the next entry's long name
        longName = String(decoding: bytes[data].prefix { $0 != 0 }, as: UTF8.self)
      case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
        entries.append(Entry(path: path.hasPrefix("./") ? String(path.dropFirst(2)) : path, range: data))
        longName = nil
      default:
        longName = nil
      }
      offset += 512 + (size + 511) / 512 * 512
    }
    if offset < bytes.count && offset + 512 > bytes.count {
      throw .corrupt(file: name, reason: "the archive ends inside a tar header at byte \(offset) (truncated?)")
    }
    self.entries = entries
  }

  /// The bytes of `entry`.
  public func contents(of entry: Entry) -> ArraySlice<UInt8> { bytes[entry.range] }
}
