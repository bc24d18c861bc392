import Testing

@testable import EmberData

/// Keras's standardization and splitting, and n-grams.
@Suite struct TokenizerTests {
  @Test func lowercasesStripsPunctuationAndSplitsOnWhitespace() {
    let tokenizer = Tokenizer()
    #expect(tokenizer.tokens(in: "A fine,  FINE\tfilm! It's (truly) great.")
      == ["a", "fine", "fine", "film", "its", "truly", "great"])
    #expect(tokenizer.tokens(in: "  ...  ") == [])
  }

  @Test func keepsCaseAndPunctuationWhenAsked() {
    let tokenizer = Tokenizer(lowercases: false, stripsPunctuation: false)
    #expect(tokenizer.tokens(in: "Hello, World!") == ["Hello,", "World!"])
  }

  @Test func appendsNGramsAfterTheTokens() {
    let tokenizer = Tokenizer(ngrams: 3)
    #expect(tokenizer.tokens(in: "a b c d")
      == ["a", "b", "c", "d", "a b", "b c", "c d", "a b c", "b c d"])
    #expect(tokenizer.tokens(in: "solo") == ["solo"])
    #expect(Tokenizer(ngrams: 3).tokens(in: "x y") == ["x", "y", "x y"])
  }

  @Test func charactersKeepEverything() {
    #expect(Tokenizer.characters.tokens(in: "Hi, yo\n") == ["H", "i", ",", " ", "y", "o", "\n"])
    #expect(Tokenizer(split: .character).tokens(in: "A b!") == ["a", " ", "b"])
  }
}
