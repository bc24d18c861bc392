import EmberCore
import Foundation

/// Fisher's Iris flowers: 150 examples of 4 measurements in 3 classes (50 each), from
/// scikit-learn's bundled `iris.csv`.
///
/// Shapes: `features` `[150, 4]` float32 (cm); `labels` `[150]` int64.
public struct Iris {
  /// scikit-learn's `iris.csv` and its SHA-256.
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
        "iris.csv", sha256: "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449")
    ])

  /// The measured features, in column order.
  public static let featureNames = [
    "sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)",
  ]

  /// The measurements, `[150, 4]` float32.
  public let features: Tensor
  /// The species index of each flower, `[150]` int64.
  public let labels: Tensor
  /// The species names, in label order (`setosa`, `versicolor`, `virginica`).
  public let classNames: [String]

  /// Loads `iris.csv` from the `tabular` data directory (see `DataDirectory`), checking its
  /// SHA-256.
  public init(dataDirectory: URL? = nil, download: Bool = true) throws(DataError) {
    let directory = try DataDirectory.locate(
      Self.source, explicit: dataDirectory, download: download)
    let url = directory.appendingPathComponent("iris.csv")
    try DataDirectory.verify(url, sha256: Self.source.files[0].sha256)
    try self.init(contentsOf: url)
  }

  /// Loads an `iris.csv` in scikit-learn's layout: a `150,4,<class names…>` header, then rows of
  /// four numbers and a class index.
  public init(contentsOf url: URL) throws(DataError) {
    let table = try readSklearnTable(url)
    (features, labels, classNames) = (table.features, table.labels, table.classNames)
  }

  /// The number of examples.
  public var count: Int { labels.count }

  /// The features and labels as a dataset.
  public var dataset: TensorDataset { TensorDataset(inputs: features, targets: labels) }
}

/// A scikit-learn bundled CSV: a header `n_samples,n_features[,class names…]` (or none), then rows
/// of features with the integer class last.
func readSklearnTable(_ url: URL, hasHeader: Bool = true, featureCount: Int? = nil)
  throws(DataError) -> (features: Tensor, labels: Tensor, classNames: [String])
{
  let file = url.path
  var records = try parseCSV(try readMaybeGzip(url), file: file)[...]
  var expectedRows: Int?
  var width = featureCount
  var classNames: [String] = []
  if hasHeader {
    guard let header = records.popFirst(), header.fields.count >= 2,
      let rows = Int(header.fields[0]), let columns = Int(header.fields[1])
    else {
      throw .corrupt(file: file, reason: "header is not 'n_samples,n_features,<class names…>'")
    }
    (expectedRows, width) = (rows, columns)
    classNames = Array(header.fields.dropFirst(2))
  }
  guard let width = width ?? records.first.map({ $0.fields.count - 1 }) else {
    throw .corrupt(file: file, reason: "no rows")
  }
  if let expectedRows, expectedRows != records.count {
    throw .corrupt(
      file: file, reason: "header says \(expectedRows) rows, file has \(records.count)")
  }
  var values: [Float] = []
  var labels: [Int] = []
  values.reserveCapacity(records.count * width)
  for (line, fields) in records {
    guard fields.count == width + 1 else {
      throw .badCell(
        file: file, line: line, column: "\(fields.count)",
        reason: "row has \(fields.count) fields, expected \(width + 1)")
    }
    for (column, cell) in fields.prefix(width).enumerated() {
      guard let value = Float(cell) else {
        throw .badCell(
          file: file, line: line, column: "\(column + 1)", reason: "'\(cell)' is not a number")
      }
      values.append(value)
    }
    guard let label = Int(fields[width]), label >= 0,
      classNames.isEmpty || label < classNames.count
    else {
      throw .badCell(
        file: file, line: line, column: "\(width + 1)",
        reason: "'\(fields[width])' is not a class index")
    }
    labels.append(label)
  }
  if classNames.isEmpty { classNames = (0...(labels.max() ?? 0)).map(String.init) }
  return (
    Tensor(values, shape: [labels.count, width]), Tensor(labels, shape: [labels.count]),
    classNames
  )
}
