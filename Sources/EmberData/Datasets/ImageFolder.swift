import EmberBackend
import EmberCore
import Foundation

/// Images sorted into one folder per class, like torchvision's `ImageFolder` and Keras's
/// `image_dataset_from_directory`: `root/<class>/<file>`, classes in sorted order, labeled by
/// their index. Read from a directory or from a `.tar`/`.tar.gz` archive (a folder inside it).
///
/// Every image is decoded once, at load, on all cores, into bytes (`[N, C, H, W]` `UInt8`);
/// batches become float32 in `[0, 1]`. The images must share one size, or be given one with
/// `size` (each resized with antialiased bilinear filtering as it is decoded).
public struct ImageFolder: Dataset {
  /// The class folder names, sorted; a label is an index into them.
  public let classNames: [String]
  /// The source path of each image (file path, or `archive:path` inside an archive).
  public let paths: [String]
  /// The label of each image.
  public let labels: [Int]
  /// `[channels, height, width]` of every image.
  public let imageShape: [Int]
  /// Files left out because they could not be decoded (with `skipCorrupt`), with the reason.
  public let skipped: [(path: String, reason: String)]
  private let pixels: [UInt8]
  /// Applied to the inputs of every batch (normalization, augmentation), or `nil`.
  public var transform: (any Transform)?

  /// The images under `directory` (one subfolder per class).
  ///
  /// - Parameters:
  ///   - channels: 3 (RGB) or 1 (gray).
  ///   - size: resize every image to this size (antialiased bilinear, as torchvision's `Resize`).
  ///   - skipCorrupt: leave out files that do not decode (listed in `skipped`, with a warning on
  ///     standard error) instead of throwing.
  /// - Throws: `DataError` naming the file that does not decode, or the folder that holds no classes.
  public init(
    directory: URL, channels: Int = 3, size: (width: Int, height: Int)? = nil, skipCorrupt: Bool = false
  ) throws(DataError) {
    let manager = FileManager.default
    guard let classes = try? manager.contentsOfDirectory(atPath: directory.path) else {
      throw .unreadable(file: directory.path, reason: "not a readable directory")
    }
    var files: [(path: String, className: String, load: () throws(DataError) -> [UInt8])] = []
    for className in classes.sorted() where !className.hasPrefix(".") {
      let folder = directory.appendingPathComponent(className)
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue,
            let names = try? manager.contentsOfDirectory(atPath: folder.path) else { continue }
      for name in names.sorted() where !name.hasPrefix(".") {
        let url = folder.appendingPathComponent(name)
        files.append((url.path, className, { () throws(DataError) in try readBytes(of: url) }))
      }
    }
    try self.init(files, source: directory.path, channels: channels, size: size, skipCorrupt: skipCorrupt)
  }

  /// The images under `folder` (`""` for the top) inside the archive: `folder/<class>/<file>`.
  public init(archive: TarArchive, folder: String = "", name: String = "archive", channels: Int = 3,
              size: (width: Int, height: Int)? = nil, skipCorrupt: Bool = false) throws(DataError) {
    let prefix = folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/"
    var files: [(path: String, className: String, load: () throws(DataError) -> [UInt8])] = []
    for entry in archive.entries where entry.path.hasPrefix(prefix) {
      let parts = entry.path.dropFirst(prefix.count).split(separator: "/")
      guard parts.count == 2, !parts[1].hasPrefix(".") else { continue }
      files.append(("\(name):\(entry.path)", String(parts[0]), { Array(archive.contents(of: entry)) }))
    }
    files.sort { ($0.className, $0.path) < ($1.className, $1.path) }
    try self.init(files, source: "\(name):\(prefix)", channels: channels, size: size, skipCorrupt: skipCorrupt)
  }

  private init(
    _ files: [(path: String, className: String, load: () throws(DataError) -> [UInt8])], source: String,
    channels: Int, size: (width: Int, height: Int)?, skipCorrupt: Bool
  ) throws(DataError) {
    let classNames = Array(Set(files.map(\.className))).sorted()
    guard !classNames.isEmpty else {
      throw .invalidArgument("\(source): no class folders with images (expected <class>/<image> inside)")
    }
    if let size {
      guard size.width > 0 && size.height > 0 else {
        throw .invalidArgument("\(source): image size \(size.width)×\(size.height) must be positive")
      }
    }
    // Decoded (and resized) on every core; gathered in file order below.
    let decoded = ConcurrentResults<Result<Image, DataError>>(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
      let file = files[i]
      decoded[i] = Result(catching: { () throws(DataError) -> Image in
        let image = try Image(decoding: file.load(), channels: channels, source: file.path)
        return size.map { image.resized(width: $0.width, height: $0.height) } ?? image
      })
    }
    let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
    var pixels: [UInt8] = [], paths: [String] = [], labels: [Int] = []
    var skipped: [(String, String)] = []
    var shape: [Int]?
    for (i, file) in files.enumerated() {
      do throws(DataError) {
        let image = try decoded[i]!.get()
        let imageShape = [channels, image.height, image.width]
        if let shape, shape != imageShape {
          throw .corrupt(file: file.path, reason: "is \(image.width)×\(image.height); the first image "
            + "is \(shape[2])×\(shape[1]) (give ImageFolder a size to resize them to)")
        }
        shape = imageShape
        // Interleaved to channels first.
        let plane = image.width * image.height
        let start = pixels.count
        pixels.append(contentsOf: repeatElement(0, count: image.pixels.count))
        image.pixels.withUnsafeBufferPointer { source in
          pixels.withUnsafeMutableBufferPointer { target in
            for p in 0..<plane {
              for c in 0..<channels { target[start + c * plane + p] = source[p * channels + c] }
            }
          }
        }
        paths.append(file.path)
        labels.append(index[file.className]!)
      } catch {
        guard skipCorrupt else { throw error }
        FileHandle.standardError.write(Data("warning: skipping \(error)\n".utf8))
        skipped.append((file.path, error.description))
      }
    }
    guard let shape else { throw .invalidArgument("\(source): none of \(files.count) images decoded") }
    (self.classNames, self.paths, self.labels, self.imageShape, self.pixels, self.skipped)
      = (classNames, paths, labels, shape, pixels, skipped)
  }

  public var count: Int { labels.count }

  /// Every image and label as tensors: `[N, C, H, W]` float32 in `[0, 1]` and `[N]` int64.
  public var tensors: (images: Tensor, labels: Tensor) {
    let batch = batch(at: Array(0..<count))
    return (batch.inputs, batch.targets)
  }

  public func batch(at indices: [Int]) -> Batch {
    let size = imageShape.reduce(1, *)
    var values = [Float](repeating: 0, count: indices.count * size)
    pixels.withUnsafeBufferPointer { source in
      values.withUnsafeMutableBufferPointer { target in
        for (row, index) in indices.enumerated() {
          let from = source.baseAddress! + index * size, to = target.baseAddress! + row * size
          for e in 0..<size { to[e] = Float(from[e]) * (1 / 255) }
        }
      }
    }
    let inputs = Tensor(values, shape: [indices.count] + imageShape)
    let targets = Tensor(indices.map { Int64(labels[$0]) }, shape: [indices.count])
    return Batch(inputs: transform.map { $0(inputs) } ?? inputs, targets: targets)
  }
}

/// Slots written by concurrent workers (each index by one worker) and read after they finish.
private final class ConcurrentResults<Value>: @unchecked Sendable {
  private var values: [Value?]
  private let lock = NSLock()

  init(count: Int) { values = Array(repeating: nil, count: count) }

  subscript(index: Int) -> Value? {
    get { lock.withLock { values[index] } }
    set { lock.withLock { values[index] = newValue } }
  }
}
