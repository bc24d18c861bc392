/// Tokens and their indices, as a `TextVectorization` looks them up: optionally the padding token
/// `""` at index 0, then the out-of-vocabulary token (`[UNK]`), then the corpus's tokens from the
/// most to the least frequent (ties in the order of first appearance, as Keras's counter does).
///
/// A token not in the vocabulary maps to `unknownIndex`.
public struct Vocabulary: Equatable, Sendable {
  /// Every token, by index.
  public let tokens: [String]
  /// The index of the padding token `""`, when there is one (always 0).
  public let paddingIndex: Int?
  /// The index of the out-of-vocabulary token.
  public let unknownIndex: Int
  private let indices: [String: Int]

  /// A vocabulary of `tokens` in that order, after the padding token (when `padding`) and
  /// `unknownToken`; repeated tokens keep their first index.
  public init<Tokens: Sequence<String>>(tokens: Tokens, padding: Bool = true, unknownToken: String = "[UNK]") {
    var all: [String] = padding ? ["", unknownToken] : [unknownToken]
    var indices: [String: Int] = [:]
    for (index, token) in all.enumerated() { indices[token] = index }
    for token in tokens where indices[token] == nil {
      indices[token] = all.count
      all.append(token)
    }
    self.tokens = all
    self.indices = indices
    self.paddingIndex = padding ? 0 : nil
    self.unknownIndex = padding ? 1 : 0
  }

  /// The vocabulary of a tokenized corpus: its tokens seen at least `minFrequency` times, most
  /// frequent first, cut to `maxSize` entries in all (the padding and unknown tokens included, as
  /// Keras's `max_tokens`).
  public init<Documents: Sequence<[String]>>(
    counting documents: Documents, maxSize: Int? = nil, minFrequency: Int = 1,
    padding: Bool = true, unknownToken: String = "[UNK]"
  ) {
    let counts = TokenCounts(documents)
    let specials = padding ? 2 : 1
    precondition(maxSize.map { $0 > specials } ?? true,
                 "Vocabulary: maxSize \(maxSize!) leaves no room after the \(specials) special tokens")
    var ranked = counts.tokens.indices.filter { counts.frequencies[$0] >= minFrequency }
    // Equal counts keep their order of first appearance.
    ranked.sort { (counts.frequencies[$0], $1) > (counts.frequencies[$1], $0) }
    if let maxSize, ranked.count > maxSize - specials { ranked.removeLast(ranked.count - (maxSize - specials)) }
    self.init(tokens: ranked.map { counts.tokens[$0] }, padding: padding, unknownToken: unknownToken)
  }

  /// The number of tokens, the special ones included.
  public var count: Int { tokens.count }

  /// The index of `token`, or `unknownIndex`.
  public func index(of token: String) -> Int { indices[token] ?? unknownIndex }

  /// Whether `token` has an index of its own.
  public func contains(_ token: String) -> Bool { indices[token] != nil }

  /// The token at `index`.
  public subscript(index: Int) -> String { tokens[index] }
}

extension Vocabulary: Codable {
  private enum CodingKeys: String, CodingKey { case tokens, padding }

  public init(from decoder: Swift.Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let tokens = try container.decode([String].self, forKey: .tokens)
    let padding = try container.decode(Bool.self, forKey: .padding)
    let specials = padding ? 2 : 1
    guard tokens.count >= specials, !padding || tokens[0] == "" else {
      throw DecodingError.dataCorruptedError(
        forKey: .tokens, in: container,
        debugDescription: "a vocabulary needs its \(specials) special tokens first")
    }
    guard Set(tokens).count == tokens.count else {
      throw DecodingError.dataCorruptedError(
        forKey: .tokens, in: container, debugDescription: "a vocabulary lists a token twice")
    }
    self.init(tokens: tokens[specials...], padding: padding, unknownToken: tokens[specials - 1])
  }

  public func encode(to encoder: Swift.Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(tokens, forKey: .tokens)
    try container.encode(paddingIndex != nil, forKey: .padding)
  }
}

/// How often each token occurs in a corpus and in how many of its documents, in order of first
/// appearance.
struct TokenCounts {
  var tokens: [String] = []
  var frequencies: [Int] = []
  var documentFrequencies: [Int] = []
  var documents = 0
  var index: [String: Int] = [:]

  init<Documents: Sequence<[String]>>(_ corpus: Documents) {
    var lastDocument: [Int] = []
    for document in corpus {
      for token in document {
        let k: Int
        if let known = index[token] {
          k = known
        } else {
          k = tokens.count
          index[token] = k
          tokens.append(token)
          frequencies.append(0)
          documentFrequencies.append(0)
          lastDocument.append(-1)
        }
        frequencies[k] += 1
        if lastDocument[k] != documents {
          lastDocument[k] = documents
          documentFrequencies[k] += 1
        }
      }
      documents += 1
    }
  }
}
