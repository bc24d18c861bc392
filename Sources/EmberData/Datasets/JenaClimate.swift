import EmberCore
import Foundation

/// The Jena climate series in the layout of the Max Planck Institute's `jena_climate_2009_2016.csv`
/// (the Keras book's forecasting data): a `Date Time` column, then numeric columns (14 in the
/// original: pressure, temperature, …, wind direction) every ten minutes.
///
/// Shapes: `series` `[rows, columns]` float32, rows in time order; `timestamps` the `Date Time`
/// text of each row.
public struct JenaClimate {
  /// The numeric columns' names, in order (`"T (degC)"`, …).
  public let featureNames: [String]
  /// Every row's readings, `[rows, featureNames.count]` float32.
  public let series: Tensor
  /// The `Date Time` cell of each row.
  public let timestamps: [String]

  /// Loads a CSV (plain or gzip) whose first column is `Date Time` and whose others are numbers.
  ///
  /// - Throws: `DataError` naming the file, line and column of a cell that is not a number, a
  ///   row with the wrong number of fields, or a header that does not start with `Date Time`.
  public init(contentsOf url: URL) throws(DataError) {
    let file = url.path
    var records = try parseCSV(try readMaybeGzip(url), file: file)[...]
    guard let header = records.popFirst(), header.fields.first == "Date Time", header.fields.count >= 2 else {
      throw .corrupt(file: file, reason: "header does not start with 'Date Time' and a numeric column")
    }
    let names = Array(header.fields.dropFirst())
    var values: [Float] = []
    values.reserveCapacity(records.count * names.count)
    var timestamps: [String] = []
    for record in records {
      guard record.fields.count == header.fields.count else {
        throw .badCell(file: file, line: record.line, column: "\(record.fields.count)",
                       reason: "\(record.fields.count) fields, expected \(header.fields.count)")
      }
      timestamps.append(record.fields[0])
      for (k, cell) in record.fields.dropFirst().enumerated() {
        guard let v = Float(cell) else {
          throw .badCell(file: file, line: record.line, column: names[k], reason: "'\(cell)' is not a number")
        }
        values.append(v)
      }
    }
    guard !timestamps.isEmpty else { throw .corrupt(file: file, reason: "no rows") }
    featureNames = names
    series = Tensor(values, shape: [timestamps.count, names.count])
    self.timestamps = timestamps
  }

  /// The column index of `name`.
  public func column(_ name: String) -> Int? { featureNames.firstIndex(of: name) }
}
