/// Splits text into tokens as Keras's `TextVectorization` does before it looks tokens up:
/// standardize (lowercase, strip punctuation), split (on whitespace, or into characters), then
/// optionally append n-grams.
///
/// ```swift
/// let tokenizer = Tokenizer(ngrams: 2)
/// tokenizer.tokens(in: "A fine, fine film!")  // ["a", "fine", "fine", "film", "a fine", "fine fine", "fine film"]
/// ```
public struct Tokenizer: Codable, Equatable, Sendable {
  /// How text is cut into tokens.
  public enum Split: String, Codable, Sendable {
    /// Runs of non-whitespace characters.
    case whitespace
    /// Every character (grapheme cluster), whitespace included: a character-level model's input.
    case character
  }

  /// The characters `stripsPunctuation` removes: ASCII punctuation, as Keras's default
  /// (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`).
  public static let punctuation: Set<Character> = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

  /// Lowercases the text first.
  public var lowercases: Bool
  /// Removes `Tokenizer.punctuation` before splitting.
  public var stripsPunctuation: Bool
  public var split: Split
  /// With `n > 1`, every run of 2…n consecutive tokens is appended, joined by a space, after the
  /// tokens themselves (Keras's `ngrams`). `1` gives the tokens alone.
  public var ngrams: Int

  public init(
    lowercases: Bool = true, stripsPunctuation: Bool = true, split: Split = .whitespace,
    ngrams: Int = 1
  ) {
    precondition(ngrams >= 1, "Tokenizer: ngrams \(ngrams) must be at least 1")
    self.lowercases = lowercases
    self.stripsPunctuation = stripsPunctuation
    self.split = split
    self.ngrams = ngrams
  }

  /// A character-level tokenizer: every character is a token, case and punctuation kept.
  public static let characters = Tokenizer(lowercases: false, stripsPunctuation: false, split: .character)

  /// `text` standardized: lowercased and stripped of punctuation as configured.
  public func standardize(_ text: String) -> String {
    var result = lowercases ? text.lowercased() : text
    if stripsPunctuation { result.removeAll { Self.punctuation.contains($0) } }
    return result
  }

  /// The tokens of `text`, then its n-grams.
  public func tokens(in text: String) -> [String] {
    let standardized = standardize(text)
    let words: [String]
    switch split {
    case .whitespace:
      words = standardized.split(whereSeparator: \.isWhitespace).map(String.init)
    case .character:
      words = standardized.map(String.init)
    }
    guard ngrams > 1, words.count > 1 else { return words }
    var result = words
    let joiner = split == .character ? "" : " "
    for n in 2...ngrams where n <= words.count {
      for start in 0...(words.count - n) {
        result.append(words[start..<(start + n)].joined(separator: joiner))
      }
    }
    return result
  }
}
