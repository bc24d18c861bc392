import Ember
import Foundation

/// The tables of the tabular recipes, read with EmberData's loaders.
enum TabularData {
  /// `tabular/iris.csv`: 4 measurements, 3 species.
  static func iris(_ dataDirectory: URL?) throws -> TabularProblem.Table {
    let iris = try Iris(dataDirectory: dataDirectory, download: false)
    return TabularProblem.Table(
      features: iris.features, targets: iris.labels, featureNames: Iris.featureNames,
      classNames: iris.classNames)
  }

  /// `tabular/digits.csv.gz`: 64 pixels (0–16), digits 0–9.
  static func digits(_ dataDirectory: URL?) throws -> TabularProblem.Table {
    let digits = try Digits(dataDirectory: dataDirectory, download: false)
    return TabularProblem.Table(
      features: digits.images, targets: digits.labels,
      featureNames: (0..<64).map { "pixel_\($0 / 8)_\($0 % 8)" },
      classNames: (0..<10).map(String.init))
  }

  /// Any CSV file with a header row: every column but `target` is a numeric feature.
  ///
  /// - Parameter task: how to read the target (`nil`: numeric when every cell is a number).
  static func csv(
    _ url: URL, target: String, task: CheckpointInfo.Task? = nil
  ) throws -> TabularProblem.Table {
    let kind: CSVDataset.TargetKind =
      switch task {
      case .classification: .categorical
      case .regression: .numeric
      case nil: .automatic
      }
    let table = try CSVDataset(contentsOf: url, target: target, targetKind: kind)
    if let classNames = table.classNames, classNames.count < 2 {
      throw TrainingError.unusableData(
        file: url.path, reason: "the target '\(target)' has \(classNames.count) class; "
          + "a classifier needs at least 2")
    }
    guard table.count >= 5 else {
      throw TrainingError.unusableData(
        file: url.path, reason: "\(table.count) rows are too few to split into training and test")
    }
    return TabularProblem.Table(
      features: table.features, targets: table.targets, featureNames: table.featureNames,
      classNames: table.classNames)
  }
}
