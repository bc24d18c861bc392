import EmberCore
import Foundation

/// Which part of a dataset with a fixed train/test division to load.
public enum DatasetSplit: String, Sendable, CaseIterable {
  /// The training examples.
  case train
  /// The held-out test examples.
  case test
}

/// An array read from an IDX file (the format of MNIST): its dimensions and raw `uint8` data.
public struct IDXArray: Sendable {
  /// The sizes of the dimensions, outermost first.
  public var dimensions: [Int]
  /// The elements, row-major.
  public var bytes: [UInt8]

  /// Reads an IDX file of unsigned bytes, gzip-compressed or not.
  ///
  /// - Throws: `DataError.corrupt` naming the file when the magic number, the element type, the
  ///   dimensions or the data length are wrong, or the gzip stream is damaged.
  public init(contentsOf url: URL) throws(DataError) {
    var raw = try readBytes(of: url)
    if Gzip.isGzip(raw) { raw = try Gzip.decompress(raw, name: url.path) }
    try self.init(raw, name: url.path)
  }

  /// Parses IDX bytes; errors name `name`.
  public init(_ raw: [UInt8], name: String) throws(DataError) {
    guard raw.count >= 4 else {
      throw .corrupt(file: name, reason: "IDX header truncated: \(raw.count) bytes")
    }
    guard raw[0] == 0 && raw[1] == 0 else {
      let magic = raw[0..<4].map { String(format: "%02x", $0) }.joined()
      throw .corrupt(file: name, reason: "bad IDX magic number 0x\(magic)")
    }
    guard raw[2] == 0x08 else {
      throw .corrupt(
        file: name,
        reason: "IDX element type 0x\(String(format: "%02x", raw[2])) is not unsigned byte (0x08)")
    }
    let rank = Int(raw[3])
    let dataStart = 4 + 4 * rank
    guard rank > 0, raw.count >= dataStart else {
      throw .corrupt(file: name, reason: "IDX header with \(rank) dimensions truncated")
    }
    var dimensions: [Int] = []
    for axis in 0..<rank {
      let p = 4 + 4 * axis
      dimensions.append(
        Int(raw[p]) << 24 | Int(raw[p + 1]) << 16 | Int(raw[p + 2]) << 8 | Int(raw[p + 3]))
    }
    let expected = dimensions.reduce(1, *)
    let found = raw.count - dataStart
    guard found == expected else {
      throw .corrupt(
        file: name,
        reason: "IDX dimensions \(dimensions) need \(expected) data bytes, file has \(found)"
          + (found < expected ? " (truncated)" : ""))
    }
    self.dimensions = dimensions
    bytes = Array(raw[dataStart...])
  }
}

/// Images and labels of an MNIST-style dataset.
struct IDXImageSet {
  let images: Tensor
  let labels: Tensor

  /// Reads a pair of IDX files: `[N, rows, columns]` images scaled to `[0, 1]`, labels below
  /// `classes`.
  init(images imagesURL: URL, labels labelsURL: URL, classes: Int, flattened: Bool)
    throws(DataError)
  {
    let imageArray = try IDXArray(contentsOf: imagesURL)
    let labelArray = try IDXArray(contentsOf: labelsURL)
    guard imageArray.dimensions.count == 3 else {
      throw .corrupt(
        file: imagesURL.path,
        reason: "expected 3 dimensions (images, rows, columns), found \(imageArray.dimensions)")
    }
    guard labelArray.dimensions.count == 1 else {
      throw .corrupt(
        file: labelsURL.path,
        reason: "expected 1 dimension (labels), found \(labelArray.dimensions)")
    }
    let n = imageArray.dimensions[0]
    guard labelArray.dimensions[0] == n else {
      throw .corrupt(
        file: labelsURL.path,
        reason: "\(labelArray.dimensions[0]) labels for \(n) images in \(imagesURL.path)")
    }
    if let bad = labelArray.bytes.firstIndex(where: { Int($0) >= classes }) {
      throw .corrupt(
        file: labelsURL.path,
        reason: "label \(labelArray.bytes[bad]) at index \(bad) is not below \(classes)")
    }
    let (rows, columns) = (imageArray.dimensions[1], imageArray.dimensions[2])
    let pixels = imageArray.bytes
    // A table of byte / 255 gives exactly PyTorch's `x.float() / 255`, without a division each.
    let table = (0..<256).map { Float($0) / 255 }
    let scaled = [Float](unsafeUninitializedCapacity: pixels.count) { buffer, initialized in
      pixels.withUnsafeBufferPointer { source in
        table.withUnsafeBufferPointer { table in
          for i in 0..<source.count { buffer[i] = table[Int(source[i])] }
        }
      }
      initialized = pixels.count
    }
    images = Tensor(scaled, shape: flattened ? [n, rows * columns] : [n, 1, rows, columns])
    labels = Tensor(labelArray.bytes.map { Int64($0) }, shape: [n])
  }
}
