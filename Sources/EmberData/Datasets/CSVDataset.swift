import EmberCore
import Foundation

/// Splits CSV text into records of fields (RFC 4180: quoted fields, `""` escapes, CR LF or LF
/// line ends, line breaks inside quotes). Each record keeps the line it starts on, counted from 1.
func parseCSV(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), file: String)
  throws(DataError) -> [(line: Int, fields: [String])]
{
  let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
  var records: [(line: Int, fields: [String])] = []
  var fields: [String] = []
  var field: [UInt8] = []
  var line = 1, recordLine = 1
  var inQuotes = false, wasQuoted = false
  var i = 0
  func endField() {
    fields.append(String(decoding: field, as: UTF8.self))
    field.removeAll(keepingCapacity: true)
    wasQuoted = false
  }
  while i < bytes.count {
    let c = bytes[i]
    if inQuotes {
      if c == quote {
        if i + 1 < bytes.count && bytes[i + 1] == quote {
          field.append(quote)
          i += 1
        } else {
          inQuotes = false
        }
      } else {
        if c == newline { line += 1 }
        field.append(c)
      }
    } else if c == quote && field.isEmpty && !wasQuoted {
      inQuotes = true
      wasQuoted = true
    } else if c == delimiter {
      endField()
    } else if c == newline || c == carriage {
      if c == carriage && i + 1 < bytes.count && bytes[i + 1] == newline { i += 1 }
      endField()
      if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
      fields.removeAll(keepingCapacity: true)
      line += 1
      recordLine = line
    } else {
      field.append(c)
    }
    i += 1
  }
  if inQuotes {
    throw .badCell(
      file: file, line: recordLine, column: "\(fields.count + 1)",
      reason: "quoted field is not closed before the end of the file")
  }
  if !field.isEmpty || !fields.isEmpty || wasQuoted {
    endField()
    records.append((recordLine, fields))
  }
  return records
}

/// Reads a file as bytes, decompressing it when it is gzip.
func readMaybeGzip(_ url: URL) throws(DataError) -> [UInt8] {
  let raw = try readBytes(of: url)
  return Gzip.isGzip(raw) ? try Gzip.decompress(raw, name: url.path) : raw
}

/// A table from a CSV file: numeric feature columns and one target column.
///
/// The first row names the columns. Every feature cell must be a number; the target is either
/// categorical (names mapped to class indices in sorted order, kept in `classNames`) or numeric
/// (for regression).
///
/// Shapes: `features` `[rows, featureNames.count]` float32; `targets` `[rows]`, int64 class
/// indices for a categorical target or float32 values for a numeric one.
///
/// ```swift
/// let table = try CSVDataset(contentsOf: url, target: "species")
/// let loader = DataLoader(table, batchSize: 16, shuffle: true)
/// ```
public struct CSVDataset: Dataset {
  /// How the target column is read.
  public enum TargetKind: Sendable {
    /// Class names (any text) mapped to class indices `0..<classNames.count`.
    case categorical
    /// Numbers, kept as float32 values to regress.
    case numeric
    /// Numeric when every target cell is a number, otherwise categorical.
    case automatic
  }

  /// The feature columns, `[rows, features]` float32.
  public let features: Tensor
  /// The targets: int64 class indices or float32 values, `[rows]`.
  public let targets: Tensor
  /// The names of the feature columns, in order.
  public let featureNames: [String]
  /// The name of the target column.
  public let targetName: String
  /// For a categorical target, the class name of each index (sorted); `nil` for a numeric one.
  public let classNames: [String]?

  /// Reads `url` (plain or gzip), with the column named `target` as the target.
  ///
  /// - Parameters:
  ///   - featureColumns: the columns to use as features (default: every column but the target).
  ///   - delimiter: the field separator (`,` by default; `\t` for TSV).
  /// - Throws: `DataError` naming the file, line and column of a non-numeric feature cell, a
  ///   row with the wrong number of fields, or an unknown column name.
  public init(
    contentsOf url: URL, target: String, targetKind: TargetKind = .automatic,
    featureColumns: [String]? = nil, delimiter: Character = ","
  ) throws(DataError) {
    guard let separator = delimiter.asciiValue else {
      throw .invalidArgument("CSVDataset: delimiter \(delimiter) is not ASCII")
    }
    let file = url.path
    let records = try parseCSV(try readMaybeGzip(url), delimiter: separator, file: file)
    guard let header = records.first else { throw .corrupt(file: file, reason: "no header row") }
    let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    guard let targetIndex = names.firstIndex(of: target) else {
      throw .invalidArgument(
        "CSVDataset: \(file) has no column '\(target)'; columns are "
          + names.joined(separator: ", "))
    }
    let featureNames = featureColumns ?? names.enumerated().filter { $0.offset != targetIndex }
      .map(\.element)
    var featureIndices: [Int] = []
    for name in featureNames {
      guard let index = names.firstIndex(of: name) else {
        throw .invalidArgument("CSVDataset: \(file) has no column '\(name)'")
      }
      featureIndices.append(index)
    }
    let rows = records.dropFirst()
    var values: [Float] = []
    values.reserveCapacity(rows.count * featureIndices.count)
    var targetCells: [String] = []
    for (line, fields) in rows {
      guard fields.count == names.count else {
        throw .badCell(
          file: file, line: line, column: "\(fields.count)",
          reason: "row has \(fields.count) fields, the header has \(names.count)")
      }
      for index in featureIndices {
        let cell = fields[index].trimmingCharacters(in: .whitespaces)
        guard let value = Float(cell) else {
          throw .badCell(
            file: file, line: line, column: "\(index + 1) (\(names[index]))",
            reason: "'\(cell)' is not a number")
        }
        values.append(value)
      }
      targetCells.append(fields[targetIndex].trimmingCharacters(in: .whitespaces))
    }
    var kind = targetKind
    if kind == .automatic {
      kind = targetCells.allSatisfy { Float($0) != nil } ? .numeric : .categorical
    }
    if kind == .numeric {
      var numbers: [Float] = []
      for (row, cell) in targetCells.enumerated() {
        guard let value = Float(cell) else {
          throw .badCell(
            file: file, line: rows[rows.startIndex + row].line,
            column: "\(targetIndex + 1) (\(target))", reason: "'\(cell)' is not a number")
        }
        numbers.append(value)
      }
      targets = Tensor(numbers, shape: [numbers.count])
      classNames = nil
    } else {
      let classes = Set(targetCells).sorted {
        // Numeric labels sort as numbers ("2" before "10"), other names as text.
        if let a = Double($0), let b = Double($1) { return a < b }
        return $0 < $1
      }
      let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
      targets = Tensor(targetCells.map { index[$0]! }, shape: [targetCells.count])
      classNames = classes
    }
    features = Tensor(values, shape: [rows.count, featureIndices.count])
    self.featureNames = featureNames
    targetName = target
  }

  /// The number of rows.
  public var count: Int { features.shape[0] }

  /// The rows at `indices`.
  public func batch(at indices: [Int]) -> Batch {
    TensorDataset(inputs: features, targets: targets).batch(at: indices)
  }

  /// The features and targets as a `TensorDataset` (to add a transform).
  public var dataset: TensorDataset { TensorDataset(inputs: features, targets: targets) }
}
