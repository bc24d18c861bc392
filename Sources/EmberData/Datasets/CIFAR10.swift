import EmberBackend
import EmberCore
import Foundation

/// CIFAR-10 (Krizhevsky 2009): 60,000 32×32 colour images of ten classes, 50,000 for training and
/// 10,000 for testing. Read from either layout:
///
/// - `cifar10/cifar10-jpg.tar.gz`: JPEG files in `train/<class>/` and `test/<class>/` folders
///   (`../shared/data`'s copy; an `ImageFolder` inside the archive);
/// - the original binary release, `cifar10/cifar-10-batches-bin/` (`data_batch_1.bin` …
///   `data_batch_5.bin`, `test_batch.bin`: records of 1 label byte and 3,072 pixel bytes, the red,
///   green and blue planes).
///
/// Shapes: `images` `[N, 3, 32, 32]` float32 in `[0, 1]`, `labels` `[N]` int64.
public struct CIFAR10 {
  /// The class names, in label order (as the binary release's `batches.meta.txt`).
  public static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]
  /// The archive of JPEG folders.
  public static let archiveName = "cifar10-jpg.tar.gz"
  /// The folder of the binary release.
  public static let binaryFolder = "cifar-10-batches-bin"

  public let images: Tensor
  public let labels: Tensor

  /// Loads one split from the first data directory holding either layout (the binary one first).
  public init(split: DatasetSplit = .train, dataDirectory: URL? = nil) throws(DataError) {
    let binaryFiles = split == .train ? (1...5).map { "\(Self.binaryFolder)/data_batch_\($0).bin" }
      : ["\(Self.binaryFolder)/test_batch.bin"]
    if let root = try? DataDirectory.resolve(explicit: dataDirectory, dataset: "cifar10", files: binaryFiles) {
      try self.init(binaryFiles: binaryFiles.map { root.appendingPathComponent($0) })
      return
    }
    let root = try DataDirectory.resolve(explicit: dataDirectory, dataset: "cifar10", files: [Self.archiveName])
    try self.init(archive: root.appendingPathComponent(Self.archiveName), split: split)
  }

  /// Loads one split (`train/` or `test/`) of the JPEG-folder archive.
  public init(archive url: URL, split: DatasetSplit) throws(DataError) {
    let archive = try TarArchive(contentsOf: url)
    let folder = try ImageFolder(archive: archive, folder: split.rawValue, name: url.path)
    guard folder.classNames == Self.classNames, folder.imageShape == [3, 32, 32] else {
      throw .corrupt(file: url.path, reason: "expected \(split.rawValue)/<class> folders of 32×32 images of "
        + "\(Self.classNames.joined(separator: ", ")); found \(folder.classNames) of \(folder.imageShape)")
    }
    (images, labels) = folder.tensors
  }

  /// Loads the records of the binary release's `files`.
  public init(binaryFiles: [URL]) throws(DataError) {
    let record = 1 + 3 * 32 * 32
    var pixels: [Float] = [], labels: [Int64] = []
    for url in binaryFiles {
      let bytes = try readBytes(of: url)
      guard !bytes.isEmpty, bytes.count % record == 0 else {
        throw .corrupt(file: url.path, reason: "\(bytes.count) bytes is not a whole number of \(record)-byte records")
      }
      for start in stride(from: 0, to: bytes.count, by: record) {
        let label = Int64(bytes[start])
        guard label < 10 else { throw .corrupt(file: url.path, reason: "label \(label) at byte \(start) is not 0…9") }
        labels.append(label)
        pixels.append(contentsOf: bytes[(start + 1)..<(start + record)].map { Float($0) / 255 })
      }
    }
    images = Tensor(pixels, shape: [labels.count, 3, 32, 32])
    self.labels = Tensor(labels, shape: [labels.count])
  }

  public var count: Int { labels.count }

  /// The images and labels as a dataset of `(image, label)` examples.
  public var dataset: TensorDataset { TensorDataset(inputs: images, targets: labels) }
}
