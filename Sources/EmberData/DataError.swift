import Foundation

/// What went wrong while finding, downloading or reading a data file.
///
/// Every case names the file (or URL) and says what is wrong, so that a bad download or a
/// truncated archive reads as a message, never a crash.
public enum DataError: Error, CustomStringConvertible, Equatable {
  /// The file's content is damaged or not in the expected format.
  case corrupt(file: String, reason: String)
  /// A cell of a CSV file could not be read (`line` counts from 1).
  case badCell(file: String, line: Int, column: String, reason: String)
  /// A file could not be opened or read.
  case unreadable(file: String, reason: String)
  /// A file's SHA-256 differs from the published one.
  case checksumMismatch(file: String, expected: String, found: String)
  /// The dataset was not found in any of the `searched` directories and could not be downloaded.
  case notFound(dataset: String, searched: [String], reason: String)
  /// A download failed.
  case downloadFailed(url: String, reason: String)
  /// An argument is out of range (a missing column name, an empty target).
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .corrupt(let file, let reason): return "\(file): \(reason)"
    case .badCell(let file, let line, let column, let reason):
      return "\(file):\(line): column \(column): \(reason)"
    case .unreadable(let file, let reason): return "cannot read \(file): \(reason)"
    case .checksumMismatch(let file, let expected, let found):
      return "\(file): SHA-256 is \(found), expected \(expected)"
    case .notFound(let dataset, let searched, let reason):
      return "dataset '\(dataset)' not found; looked in "
        + searched.joined(separator: ", ") + ". " + reason
    case .downloadFailed(let url, let reason): return "download of \(url) failed: \(reason)"
    case .invalidArgument(let message): return message
    }
  }
}

extension DataError: LocalizedError {
  public var errorDescription: String? { description }
}

/// Reads a whole file, throwing `DataError.unreadable` naming it.
func readBytes(of url: URL) throws(DataError) -> [UInt8] {
  do {
    let data = try Data(contentsOf: url, options: .mappedIfSafe)
    return [UInt8](data)
  } catch {
    throw .unreadable(file: url.path, reason: error.localizedDescription)
  }
}
