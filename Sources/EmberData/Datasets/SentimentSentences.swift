import Foundation

/// UCI's Sentiment Labelled Sentences (Kotzias et al., KDD 2015): 1,000 review sentences from each
/// of Amazon, IMDb and Yelp, half negative (0), half positive (1), the `sentiment/
/// sentiment-labelled-sentences` data directory.
public struct SentimentSentences {
  /// The three sources, one file each.
  public enum Source: String, CaseIterable, Sendable {
    case amazon, imdb, yelp

    var fileName: String { rawValue + (self == .amazon ? "_cells_labelled.txt" : "_labelled.txt") }
  }

  /// The UCI files (the upstream archive is a zip, so they are not downloaded).
  public static let source = DatasetSource(
    name: "sentiment/sentiment-labelled-sentences", mirrors: [],
    files: [
      RemoteFile("amazon_cells_labelled.txt",
                 sha256: "47003fc0a0d4840b00e96e715b6189bad09e7443a3da41c4cbe12ffc79f86ae3"),
      RemoteFile("imdb_labelled.txt",
                 sha256: "aef2e49e3da25714d61175e3a6e68eeef74a20a2f914318dc3be9947ea86512d"),
      RemoteFile("yelp_labelled.txt",
                 sha256: "c76468b7b5c6e56a0804d728345c5f84aa2142ddb214420f61cc9cfd4c00d2ea"),
    ])

  public static let classNames = ["negative", "positive"]

  /// The sentences of the chosen sources, in file order, and which source each came from.
  public let data: LabelledTexts
  public let sources: [Source]

  /// Loads `sources` from the data directory (see `DataDirectory`), checking their SHA-256s.
  public init(sources: [Source] = Source.allCases, dataDirectory: URL? = nil) throws(DataError) {
    let directory = try DataDirectory.locate(Self.source, explicit: dataDirectory, download: false)
    var data = LabelledTexts(texts: [], labels: [], classNames: Self.classNames)
    var origins: [Source] = []
    for source in sources {
      let file = Self.source.files.first { $0.name == source.fileName }!
      let url = directory.appendingPathComponent(file.name)
      try DataDirectory.verify(url, sha256: file.sha256)
      let part = try Self.read(url)
      data = data.appending(part)
      origins += Array(repeating: source, count: part.count)
    }
    self.data = data
    self.sources = origins
  }

  /// Reads one file of `sentence<TAB>label` lines (the label after the last tab: 0 or 1).
  ///
  /// - Throws: `DataError` naming the file and line of a row without a tab or a label.
  public static func read(_ url: URL) throws(DataError) -> LabelledTexts {
    var texts: [String] = [], labels: [Int] = []
    for row in try tabSeparatedRows(url) {
      guard row.fields.count >= 2 else {
        throw .badCell(file: url.path, line: row.line, column: "label", reason: "no tab before a label")
      }
      let field = row.fields.last!.trimmingCharacters(in: .whitespaces)
      guard let label = Int(field), label == 0 || label == 1 else {
        throw .badCell(file: url.path, line: row.line, column: "label", reason: "'\(field)' is not 0 or 1")
      }
      texts.append(row.fields.dropLast().joined(separator: "\t").trimmingCharacters(in: .whitespaces))
      labels.append(label)
    }
    return LabelledTexts(texts: texts, labels: labels, classNames: classNames)
  }
}
