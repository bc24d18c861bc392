import Foundation

@testable import EmberData

/// The real datasets: `$EMBER_DATA`, else `../shared/data` next to the package root.
let realDataRoot: URL? = {
  var candidates: [URL] = []
  if let root = ProcessInfo.processInfo.environment["EMBER_DATA"], !root.isEmpty {
    candidates.append(URL(fileURLWithPath: root))
  }
  let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  candidates.append(packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data"))
  return candidates.first {
    FileManager.default.fileExists(
      atPath: $0.appendingPathComponent("mnist/train-labels-idx1-ubyte.gz").path)
  }
}()

/// Whether the real MNIST files are present.
let realDataAvailable = realDataRoot != nil

/// A fresh temporary directory, removed by `body`'s caller when done.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) rethrows -> Result {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("ember-data-tests-\(UUID().uuidString)")
  try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try body(url)
}

/// IDX bytes of unsigned bytes with `dimensions`.
func idxBytes(dimensions: [Int], data: [UInt8], magic: [UInt8]? = nil) -> [UInt8] {
  var bytes = magic ?? [0, 0, 0x08, UInt8(dimensions.count)]
  for d in dimensions {
    bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)]
  }
  return bytes + data
}

/// Gzip bytes of `data` in stored (uncompressed) blocks, a valid gzip file made without zlib.
func storedGzip(_ data: [UInt8]) -> [UInt8] {
  var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]
  var start = 0
  repeat {
    let n = min(65535, data.count - start)
    let last: UInt8 = start + n == data.count ? 1 : 0
    out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
    out += data[start..<start + n]
    start += n
  } while start < data.count
  let crc = CRC32.checksum(data)
  let size = UInt32(truncatingIfNeeded: data.count)
  for v in [crc, size] { out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
  return out
}

func write(_ bytes: [UInt8], to url: URL) {
  try! Data(bytes).write(to: url)
}
