import Foundation

/// GLUE's SST-2 (the Stanford Sentiment Treebank, binary): movie-review sentences and phrases
/// labelled negative (0) or positive (1), the `sentiment/sst2` data directory's `train.tsv`
/// (67,349 phrases) and `dev.tsv` (872 sentences); `test.tsv`'s 1,821 sentences are unlabelled.
///
/// The text is GLUE's: lowercased and tokenized (`it 's`, `does n't`), so a whitespace tokenizer
/// splits it as the treebank did.
public struct SST2 {
  /// The labelled splits.
  public enum Split: String, Sendable {
    case train, dev
  }

  /// The GLUE files. GLUE ships them only inside one zip (`SST-2.zip`), so they are not downloaded:
  /// unpack it into the data directory's `sentiment/sst2`.
  public static let source = DatasetSource(
    name: "sentiment/sst2", mirrors: [],
    files: [
      RemoteFile("train.tsv", sha256: "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1"),
      RemoteFile("dev.tsv", sha256: "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0"),
    ])

  public static let classNames = ["negative", "positive"]

  public let split: Split
  /// The sentences and their labels, in file order.
  public let data: LabelledTexts

  /// Loads `split` from the data directory (see `DataDirectory`), checking its SHA-256.
  public init(split: Split, dataDirectory: URL? = nil) throws(DataError) {
    let directory = try DataDirectory.locate(Self.source, explicit: dataDirectory, download: false)
    let file = Self.source.files.first { $0.name == split.rawValue + ".tsv" }!
    let url = directory.appendingPathComponent(file.name)
    try DataDirectory.verify(url, sha256: file.sha256)
    try self.init(split: split, contentsOf: url)
  }

  /// Loads a file in GLUE's layout: a `sentence<TAB>label` header, then one row per sentence.
  ///
  /// - Throws: `DataError` naming the file and line of a row without a tab or with a label other
  ///   than 0 or 1, or a missing header.
  public init(split: Split, contentsOf url: URL) throws(DataError) {
    self.split = split
    let file = url.path
    let rows = try tabSeparatedRows(url)
    guard let header = rows.first, header.fields == ["sentence", "label"] else {
      throw .corrupt(file: file, reason: "the header is not 'sentence<TAB>label'")
    }
    var texts: [String] = [], labels: [Int] = []
    for row in rows.dropFirst() {
      guard row.fields.count == 2 else {
        throw .badCell(file: file, line: row.line, column: "label",
                       reason: "\(row.fields.count) tab-separated fields, expected 2")
      }
      guard let label = Int(row.fields[1]), label == 0 || label == 1 else {
        throw .badCell(file: file, line: row.line, column: "label",
                       reason: "'\(row.fields[1])' is not 0 or 1")
      }
      texts.append(row.fields[0].trimmingCharacters(in: .whitespaces))
      labels.append(label)
    }
    data = LabelledTexts(texts: texts, labels: labels, classNames: Self.classNames)
  }
}

/// The non-empty lines of a UTF-8 text file split at tabs, with their 1-based line numbers. Lines
/// split at `\n` only (the UCI files hold U+0085, which other splitters treat as a line break).
func tabSeparatedRows(_ url: URL) throws(DataError) -> [(line: Int, fields: [String])] {
  let bytes = try readMaybeGzip(url)
  var rows: [(line: Int, fields: [String])] = []
  for (number, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
    let content = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    guard let text = String(validating: content, as: UTF8.self) else {
      throw .corrupt(file: url.path, reason: "line \(number + 1) is not UTF-8 text")
    }
    if text.allSatisfy(\.isWhitespace) { continue }
    rows.append((number + 1, text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
  }
  return rows
}
