import EmberCore
import Foundation

/// The UCI optical-recognition handwritten digits as scikit-learn bundles them: 1,797 images of
/// 8×8 pixels with values 0–16, labelled 0–9.
///
/// Shapes: `images` `[1797, 64]` float32, or `[1797, 1, 8, 8]` with `asImages`; values in
/// `0...16`, or `[0, 1]` when `scaled`; `labels` `[1797]` int64.
public struct Digits {
  /// scikit-learn's `digits.csv.gz` and its SHA-256.
  public static let source = DatasetSource(
    name: "tabular",
    mirrors: [
      URL(
        string:
          "https://raw.githubusercontent.com/scikit-learn/scikit-learn/1.5.2/sklearn/datasets/data/"
      )!
    ],
    files: [
      RemoteFile(
        "digits.csv.gz",
        sha256: "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22")
    ])

  /// The pixels, `[1797, 64]` or `[1797, 1, 8, 8]`.
  public let images: Tensor
  /// The digit of each image, `[1797]` int64.
  public let labels: Tensor

  /// Loads `digits.csv.gz` from the `tabular` data directory (see `DataDirectory`), checking its
  /// SHA-256.
  ///
  /// - Parameters:
  ///   - asImages: shape the pixels `[N, 1, 8, 8]` instead of `[N, 64]`.
  ///   - scaled: divide the pixels by 16 so they lie in `[0, 1]`.
  public init(
    dataDirectory: URL? = nil, asImages: Bool = false, scaled: Bool = false,
    download: Bool = true
  ) throws(DataError) {
    let directory = try DataDirectory.locate(
      Self.source, explicit: dataDirectory, download: download)
    let url = directory.appendingPathComponent("digits.csv.gz")
    try DataDirectory.verify(url, sha256: Self.source.files[0].sha256)
    try self.init(contentsOf: url, asImages: asImages, scaled: scaled)
  }

  /// Loads a digits CSV (plain or gzip) in scikit-learn's layout: no header, 64 pixel values and
  /// the digit per row.
  public init(contentsOf url: URL, asImages: Bool = false, scaled: Bool = false)
    throws(DataError)
  {
    let table = try readSklearnTable(url, hasHeader: false, featureCount: 64)
    if let bad = table.labels.scalars(as: Int.self).firstIndex(where: { $0 > 9 }) {
      throw .corrupt(file: url.path, reason: "row \(bad + 1) has a label above 9")
    }
    var pixels = scaled ? table.features / 16 : table.features
    if asImages { pixels = pixels.reshaped([-1, 1, 8, 8]) }
    (images, labels) = (pixels, table.labels)
  }

  /// The number of images.
  public var count: Int { labels.count }

  /// The images and labels as a dataset.
  public var dataset: TensorDataset { TensorDataset(inputs: images, targets: labels) }
}
