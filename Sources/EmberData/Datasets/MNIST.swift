import EmberCore
import Foundation

/// The MNIST handwritten digits (LeCun, Cortes, Burges): 60,000 training and 10,000 test images
/// of 28×28 grey pixels, labelled 0–9.
///
/// Shapes: `images` `[N, 1, 28, 28]` (or `[N, 784]` when `flattened`), float32 in `[0, 1]`;
/// `labels` `[N]` int64.
///
/// ```swift
/// let train = try MNIST(split: .train, dataDirectory: dataDir)
/// let loader = DataLoader(train.dataset, batchSize: 64, shuffle: true)
/// ```
public struct MNIST {
  /// The official files, their SHA-256s and download mirrors.
  public static let source = DatasetSource(
    name: "mnist",
    mirrors: [
      URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
      URL(string: "https://storage.googleapis.com/cvdf-datasets/mnist/")!,
    ],
    files: [
      RemoteFile(
        "train-images-idx3-ubyte.gz",
        sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
      RemoteFile(
        "train-labels-idx1-ubyte.gz",
        sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
      RemoteFile(
        "t10k-images-idx3-ubyte.gz",
        sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
      RemoteFile(
        "t10k-labels-idx1-ubyte.gz",
        sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ])

  /// The class names, `"0"` to `"9"`.
  public static let classNames = (0..<10).map(String.init)

  /// The images, `[N, 1, 28, 28]` or `[N, 784]`, float32 in `[0, 1]`.
  public let images: Tensor
  /// The digit of each image, `[N]` int64.
  public let labels: Tensor

  /// Loads one split, finding the files as `DataDirectory` describes (and downloading them when
  /// `download` is true and they are nowhere on disk).
  ///
  /// - Parameters:
  ///   - dataDirectory: an explicit data root (`--data-dir`), searched before `EMBER_DATA`.
  ///   - flattened: images as `[N, 784]` rows instead of `[N, 1, 28, 28]`.
  ///   - verifyChecksums: check the files' SHA-256 against the official values (gzip's CRC-32
  ///     is always checked).
  public init(
    split: DatasetSplit = .train, dataDirectory: URL? = nil, flattened: Bool = false,
    download: Bool = true, verifyChecksums: Bool = false
  ) throws(DataError) {
    (images, labels) = try loadIDXDataset(
      Self.source, split: split, dataDirectory: dataDirectory, flattened: flattened,
      download: download, verifyChecksums: verifyChecksums)
  }

  /// Loads images and labels from two IDX files (gzip-compressed or not).
  public init(imagesFile: URL, labelsFile: URL, flattened: Bool = false) throws(DataError) {
    let set = try IDXImageSet(
      images: imagesFile, labels: labelsFile, classes: 10, flattened: flattened)
    (images, labels) = (set.images, set.labels)
  }

  /// The number of images.
  public var count: Int { labels.count }

  /// The images and labels as a dataset of `(image, label)` examples.
  public var dataset: TensorDataset { TensorDataset(inputs: images, targets: labels) }
}

/// Finds (or downloads) an MNIST-style dataset and loads one split.
func loadIDXDataset(
  _ source: DatasetSource, split: DatasetSplit, dataDirectory: URL?, flattened: Bool,
  download: Bool, verifyChecksums: Bool
) throws(DataError) -> (Tensor, Tensor) {
  let directory = try DataDirectory.locate(source, explicit: dataDirectory, download: download)
  let prefix = split == .train ? "train" : "t10k"
  let names = ["\(prefix)-images-idx3-ubyte.gz", "\(prefix)-labels-idx1-ubyte.gz"]
  let urls = names.map { directory.appendingPathComponent($0) }
  if verifyChecksums {
    for (name, url) in zip(names, urls) {
      if let file = source.files.first(where: { $0.name == name }) {
        try DataDirectory.verify(url, sha256: file.sha256)
      }
    }
  }
  let set = try IDXImageSet(images: urls[0], labels: urls[1], classes: 10, flattened: flattened)
  return (set.images, set.labels)
}
