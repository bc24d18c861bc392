import Foundation
import Testing

@testable import EmberData

/// The SST-2, UCI sentences and aclImdb loaders on small files in their layouts, their errors, and
/// the real files when `EMBER_DATA` holds them.
@Suite struct SentimentTests {
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func readsGLUELayout() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("dev.tsv")
    try "sentence\tlabel\nit 's a charming journey . \t1\r\nunfunny and dull \t0\n\n".write(
      to: url, atomically: true, encoding: .utf8)
    let sst = try SST2(split: .dev, contentsOf: url)
    #expect(sst.data.texts == ["it 's a charming journey .", "unfunny and dull"])
    #expect(sst.data.labels == [1, 0] && sst.data.classCounts == [1, 1])
    try "sentence\tlabel\nfine\t2\n".write(to: url, atomically: true, encoding: .utf8)
    #expect(throws: DataError.badCell(file: url.path, line: 2, column: "label", reason: "'2' is not 0 or 1")) {
      try SST2(split: .dev, contentsOf: url)
    }
    try "text\tlabel\nfine\t1\n".write(to: url, atomically: true, encoding: .utf8)
    #expect(throws: DataError.self) { try SST2(split: .dev, contentsOf: url) }
  }

  @Test func readsUCISentencesSplittingOnlyAtNewlines() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("imdb_labelled.txt")
    try "A very\u{85}good film.  \t1\nBad.\t0\n".write(to: url, atomically: true, encoding: .utf8)
    let data = try SentimentSentences.read(url)
    #expect(data.texts == ["A very\u{85}good film.", "Bad."] && data.labels == [1, 0])
    try "No label here\n".write(to: url, atomically: true, encoding: .utf8)
    #expect(throws: DataError.self) { try SentimentSentences.read(url) }
  }

  @Test func readsTheACLImdbFolderLayout() throws {
    let root = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    for (folder, files) in [("train/pos", ["0_9.txt": "Great<br />fun"]),
                            ("train/neg", ["3_1.txt": "Awful", "1_2.txt": "Bad"])] {
      let directory = root.appendingPathComponent(folder)
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      for (name, text) in files {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
      }
    }
    let reviews = try IMDBReviews(split: .train, root: root)
    #expect(reviews.data.texts == ["Bad", "Awful", "Great fun"])
    #expect(reviews.data.labels == [0, 0, 1] && reviews.ratings == [2, 1, 9])
    #expect(throws: DataError.self) { try IMDBReviews(split: .test, root: root) }
  }

  @Test func realFilesWhenPresent() throws {
    guard ProcessInfo.processInfo.environment["EMBER_DATA"] != nil else { return }
    let train = try SST2(split: .train), dev = try SST2(split: .dev)
    #expect(train.data.count == 67_349 && train.data.classCounts == [29_780, 37_569])
    #expect(dev.data.count == 872 && dev.data.classCounts == [428, 444])
    let uci = try SentimentSentences()
    #expect(uci.data.count == 3_000 && uci.data.classCounts == [1_500, 1_500])
    #expect(uci.sources.filter { $0 == .imdb }.count == 1_000)
  }
}
