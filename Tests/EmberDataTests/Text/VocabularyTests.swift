import Foundation
import Testing

@testable import EmberData

/// Ordering by frequency (ties by first appearance), size and frequency limits, special tokens and
/// the JSON form.
@Suite struct VocabularyTests {
  static let corpus = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "dog", "the", "end"]]

  @Test func ranksByFrequencyThenFirstAppearance() {
    let vocabulary = Vocabulary(counting: Self.corpus)
    #expect(vocabulary.tokens == ["", "[UNK]", "the", "sat", "dog", "cat", "a", "end"])
    #expect(vocabulary.paddingIndex == 0 && vocabulary.unknownIndex == 1)
    #expect(vocabulary.index(of: "dog") == 4 && vocabulary.index(of: "zebra") == 1)
    #expect(vocabulary[2] == "the" && vocabulary.contains("cat") && !vocabulary.contains("zebra"))
  }

  @Test func limitsSizeAndFrequency() {
    let capped = Vocabulary(counting: Self.corpus, maxSize: 4)
    #expect(capped.tokens == ["", "[UNK]", "the", "sat"])
    let frequent = Vocabulary(counting: Self.corpus, minFrequency: 2, padding: false, unknownToken: "<unk>")
    #expect(frequent.tokens == ["<unk>", "the", "sat", "dog"])
    #expect(frequent.paddingIndex == nil && frequent.unknownIndex == 0 && frequent.index(of: "cat") == 0)
  }

  @Test func roundTripsThroughJSON() throws {
    let vocabulary = Vocabulary(counting: Self.corpus, padding: false)
    let data = try JSONEncoder().encode(vocabulary)
    #expect(try JSONDecoder().decode(Vocabulary.self, from: data) == vocabulary)
    let repeated = Data(#"{"tokens":["","[UNK]","a","a"],"padding":true}"#.utf8)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Vocabulary.self, from: repeated) }
    let noPadding = Data(#"{"tokens":["x","[UNK]"],"padding":true}"#.utf8)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Vocabulary.self, from: noPadding) }
  }
}
