import EmberCore
import Foundation

/// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60,000 training and 10,000 test 28×28 grey images
/// of clothing in 10 classes, a drop-in replacement for MNIST.
///
/// Shapes: `images` `[N, 1, 28, 28]` (or `[N, 784]` when `flattened`), float32 in `[0, 1]`;
/// `labels` `[N]` int64.
public struct FashionMNIST {
  /// The official files, their SHA-256s and download mirror.
  public static let source = DatasetSource(
    name: "fashion-mnist",
    mirrors: [URL(string: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")!],
    files: [
      RemoteFile(
        "train-images-idx3-ubyte.gz",
        sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
      RemoteFile(
        "train-labels-idx1-ubyte.gz",
        sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
      RemoteFile(
        "t10k-images-idx3-ubyte.gz",
        sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
      RemoteFile(
        "t10k-labels-idx1-ubyte.gz",
        sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
    ])

  /// The class names, in label order.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
    "Ankle boot",
  ]

  /// The images, `[N, 1, 28, 28]` or `[N, 784]`, float32 in `[0, 1]`.
  public let images: Tensor
  /// The class of each image, `[N]` int64.
  public let labels: Tensor

  /// Loads one split, finding the files as `DataDirectory` describes (and downloading them when
  /// `download` is true and they are nowhere on disk).
  public init(
    split: DatasetSplit = .train, dataDirectory: URL? = nil, flattened: Bool = false,
    download: Bool = true, verifyChecksums: Bool = false
  ) throws(DataError) {
    (images, labels) = try loadIDXDataset(
      Self.source, split: split, dataDirectory: dataDirectory, flattened: flattened,
      download: download, verifyChecksums: verifyChecksums)
  }

  /// The number of images.
  public var count: Int { labels.count }

  /// The images and labels as a dataset of `(image, label)` examples.
  public var dataset: TensorDataset { TensorDataset(inputs: images, targets: labels) }
}
