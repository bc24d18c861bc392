import EmberCore
import Foundation
import Testing

@testable import EmberData

/// Every output mode on a small corpus, against values worked out by hand from Keras's rules.
@Suite struct TextVectorizationTests {
  static let corpus = ["The cat sat.", "The dog sat!", "A dog, the end"]

  @Test func intModePadsAndTruncates() {
    var vectorizer = TextVectorization(outputSequenceLength: 4)
    vectorizer.adapt(Self.corpus)
    // "", [UNK], the, sat, dog, cat, a, end
    let tokens = vectorizer(["the cat", "a dog the end sat zebra", "zebra"])
    #expect(tokens.shape == [3, 4] && tokens.dtype == .int64)
    #expect(tokens.doubles == [2, 5, 0, 0, 6, 4, 2, 7, 1, 0, 0, 0])
    #expect(vectorizer.lengths(of: ["the cat", "a dog the end sat zebra", "", "x"]) == [2, 4, 1, 1])
    #expect(vectorizer.decode([2, 5, 0, 0]) == "the cat")
    var unlimited = TextVectorization()
    unlimited.adapt(Self.corpus)
    #expect(unlimited(["dog", "the cat sat"]).shape == [2, 3])
  }

  @Test func oneHotMarksEachPosition() {
    var vectorizer = TextVectorization(tokenizer: .characters, outputMode: .oneHot, outputSequenceLength: 3)
    vectorizer.adapt(["abba"])
    // "", [UNK], a, b (a and b twice each; a first)
    #expect(vectorizer.vocabulary?.tokens == ["", "[UNK]", "a", "b"])
    let encoded = vectorizer("ba")
    #expect(encoded.shape == [3, 4])
    #expect(encoded.doubles == [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    #expect(vectorizer.decode(vectorizer.encode("abc")) == "ab[UNK]")
  }

  @Test func bagOfWordsModes() {
    // No padding token in these modes: [UNK], the, sat, dog, cat, a, end
    var multiHot = TextVectorization(outputMode: .multiHot)
    multiHot.adapt(Self.corpus)
    #expect(multiHot.vocabularySize == 7)
    #expect(multiHot(["the the zebra dog"]).doubles == [1, 1, 0, 1, 0, 0, 0])
    var count = TextVectorization(outputMode: .count)
    count.adapt(Self.corpus)
    #expect(count(["the the zebra dog"]).doubles == [1, 2, 0, 1, 0, 0, 0])
    var tfIdf = TextVectorization(outputMode: .tfIdf)
    tfIdf.adapt(Self.corpus)
    // idf = log(1 + 3 / (1 + df)); "the" is in all 3 documents, "dog" in 2, "cat" in 1.
    let the = log(1 + 3.0 / 4), dog = log(1 + 3.0 / 3), once = log(1 + 3.0 / 2)
    let unknown = (the + 2 * dog + 3 * once) / 6  // the mean of the, sat, dog, cat, a, end
    let expected = [unknown, 2 * the, 0, dog, 0, 0, 0]
    let values = tfIdf(["the the zebra dog"]).doubles
    #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    #expect(abs(tfIdf.idfWeights![2] - dog) < 1e-12)  // "sat" is in 2 documents
  }

  @Test func bigramsJoinTheVocabulary() {
    var vectorizer = TextVectorization(tokenizer: Tokenizer(ngrams: 2), outputMode: .multiHot, maxTokens: 5)
    vectorizer.adapt(["not good", "not bad", "good"])
    // [UNK], then by count: not 2, good 2, bad 1, "not good" 1 (first-appearance ties)
    #expect(vectorizer.vocabulary?.tokens == ["[UNK]", "not", "good", "not good", "bad"])
    #expect(vectorizer(["not good"]).doubles == [0, 1, 1, 1, 0])
  }

  @Test func savesAndRestoresAsJSON() throws {
    var vectorizer = TextVectorization(tokenizer: Tokenizer(ngrams: 2), outputMode: .tfIdf, maxTokens: 20)
    vectorizer.adapt(Self.corpus)
    let restored = try TextVectorization(jsonString: vectorizer.jsonString())
    #expect(restored == vectorizer)
    #expect(restored(["the dog sat"]).doubles == vectorizer(["the dog sat"]).doubles)
    #expect(throws: DataError.self) { try TextVectorization(jsonString: "{\"nope\": 1}") }
    let missingWeights = vectorizer.jsonString().replacingOccurrences(of: "\"idfWeights\"", with: "\"ignored\"")
    #expect(throws: DataError.self) { try TextVectorization(jsonString: missingWeights) }
  }
}
