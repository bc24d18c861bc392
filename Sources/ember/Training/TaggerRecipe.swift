import Ember
import Foundation

/// `ember train tagger`: one label per token, a named-entity-style task on sentences generated in
/// code with a known rule, so the tagger's accuracy can be checked against the truth.
///
/// The rule (`TaggedSentences.tag`): a person's name is `PER` when "mr" comes before it or "said"
/// after it, a place is `LOC` when "in" comes before it or "city" after it; every other token —
/// the same names and places without their cue included — is `O`. A cue after the word makes a
/// reader (or a model) look ahead: a bidirectional layer is needed to tag it from the left.
///
/// Model: 64-wide embeddings → bidirectional GRU 64 over each sentence's valid steps → a linear
/// head on every step (`TaggerNetwork`). Reports token accuracy and each tag's precision, recall
/// and F1 on a held-out set drawn from another seed.
enum TaggerRecipe: Recipe {
  static let name = "tagger"
  static let summary = "bidirectional GRU tagging every token (O, PER, LOC) of generated sentences with a known rule"
  static let defaults = Hyperparameters(epochs: 6, batchSize: 64, learningRate: 3e-3, optimizer: .adam)

  static let trainCount = 8_000, testCount = 1_000

  static func vectorizer(for sentences: TaggedSentences) -> TextVectorization {
    var vectorizer = TextVectorization(tokenizer: Tokenizer(lowercases: false, stripsPunctuation: false), outputMode: .int)
    vectorizer.adapt(sentences.sentences.map { $0.joined(separator: " ") })
    return vectorizer
  }

  static func train(_ settings: TrainingSettings) throws {
    Random.seed(settings.seed)
    let hyperparameters = settings.hyperparameters
    let train = TaggedSentences(count: trainCount, seed: settings.seed &+ 1)
    let validation = TaggedSentences(count: testCount, seed: settings.seed &+ 2)
    let vectorizer = vectorizer(for: train)
    let network = TaggerNetwork(vocabularySize: vectorizer.vocabularySize, tags: TaggedSentences.tags.count)
    let model = network.build()
    var info = CheckpointInfo(recipe: name, task: .classification, layerSizes: [network.vocabularySize, network.tags],
                              classNames: TaggedSentences.tags, seed: settings.seed)
    info.architecture = .tagger(network)
    info.notes[textVectorizationKey] = vectorizer.jsonString()
    print("Generated tagging sets: \(TestReport.grouped(train.count)) training and \(TestReport.grouped(validation.count)) "
      + "test sentences, \(TestReport.grouped(train.tokenCount)) training tokens, tags \(TestReport.grouped(train.tagCounts[1])) PER, "
      + "\(TestReport.grouped(train.tagCounts[2])) LOC, \(TestReport.grouped(train.tagCounts[0])) O")
    print("\(network.summary): \(TestReport.grouped(model.parameterCount)) parameters")
    let kind = hyperparameters.optimizer ?? .adam
    print("\(kind.displayName), learning rate \(hyperparameters.learningRate), batch \(hyperparameters.batchSize), "
      + "\(hyperparameters.epochs) epochs, seed \(settings.seed)")
    try SupervisedTraining.createDirectory(settings.output)
    let trainer = Trainer(model: model, loss: loss, optimizer: kind.make(learningRate: hyperparameters.learningRate))
    let test = TaggedDataset(validation, vectorizer: vectorizer)
    try trainer.fit(
      DataLoader(TaggedDataset(train, vectorizer: vectorizer), batchSize: hyperparameters.batchSize, shuffle: true,
                 seed: settings.seed),
      epochs: hyperparameters.epochs, validation: DataLoader(test, batchSize: 500),
      callbacks: [ProgressBar(), CSVLogger(url: settings.historyURL)])
    print(report(model: model, test: test))
    try model.save(to: settings.checkpointURL, metadata: info.metadata)
    print("Saved \(settings.checkpointURL.path) and \(settings.historyURL.path)")
  }

  /// Cross-entropy over every token of `[B, T, tags]` logits; padding targets are -100 (ignored).
  static func loss(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    crossEntropy(logits: logits.reshaped([-1, logits.shape[2]]), labels: targets.reshaped([-1]))
  }

  /// Token accuracy and each tag's precision, recall and F1 over the tokens of `test` (padding left out).
  static func report(model: any TensorLayer, test: TaggedDataset) -> String {
    let tags = TaggedSentences.tags
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: tags.count), count: tags.count)
    withoutGradients {
      withLearningPhase(.inference) {
        for start in stride(from: 0, to: test.count, by: 500) {
          let batch = test.batch(at: Array(start..<min(start + 500, test.count)))
          let predicted = model(batch.inputs).argmax(axis: -1).doubles
          for (p, t) in zip(predicted, batch.targets.doubles) where t >= 0 { confusion[Int(t)][Int(p)] += 1 }
        }
      }
    }
    let total = confusion.joined().reduce(0, +)
    let correct = tags.indices.reduce(0) { $0 + confusion[$1][$1] }
    var lines = ["Test tokens: \(TestReport.grouped(total)) - token accuracy: \(TestReport.format(100 * Double(correct) / Double(total), 2))%",
                 "tag   precision   recall   f1      support"]
    var entityTP = 0, entityPredicted = 0, entityTrue = 0
    for (k, tag) in tags.enumerated() {
      let tp = confusion[k][k]
      let predicted = tags.indices.reduce(0) { $0 + confusion[$1][k] }
      let support = confusion[k].reduce(0, +)
      let precision = predicted > 0 ? Double(tp) / Double(predicted) : 0
      let recall = support > 0 ? Double(tp) / Double(support) : 0
      let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
      lines.append(tag.padding(toLength: 6, withPad: " ", startingAt: 0) + TestReport.format(precision, 3) + "       "
        + TestReport.format(recall, 3) + "    " + TestReport.format(f1, 3) + "   " + TestReport.grouped(support))
      if k > 0 { entityTP += tp; entityPredicted += predicted; entityTrue += support }
    }
    let p = Double(entityTP) / Double(max(entityPredicted, 1)), r = Double(entityTP) / Double(max(entityTrue, 1))
    lines.append("entity tokens (PER and LOC): precision \(TestReport.format(p, 3)), recall \(TestReport.format(r, 3)), "
      + "F1 \(TestReport.format(p + r > 0 ? 2 * p * r / (p + r) : 0, 3))")
    return lines.joined(separator: "\n")
  }

  static func evaluate(_ checkpoint: LoadedCheckpoint, settings: EvaluationSettings) throws {
    let file = checkpoint.url.path
    guard case .tagger(let network) = checkpoint.info.architecture else {
      throw TrainingError.invalidMetadata(key: CheckpointInfo.Key.architecture, value: checkpoint.info.architecture.name,
                                          file: file, reason: "not a tagger checkpoint")
    }
    let vectorizer = try checkpoint.info.storedVectorizer(file: file)
    let model = network.build()
    do { try model.load(stateDict: checkpoint.tensors) } catch {
      throw TrainingError.checkpointMismatch(file: file, reason: "\(error) (\(network.summary))")
    }
    print("Model: \(network.summary), \(TestReport.grouped(model.parameterCount)) parameters")
    let test = TaggedSentences(count: testCount, seed: checkpoint.info.seed &+ 2)
    print(report(model: model, test: TaggedDataset(test, vectorizer: vectorizer)))
  }
}

/// Sentences of generated words and their tags by `tag`'s rule (see `TaggerRecipe`).
struct TaggedSentences {
  static let tags = ["O", "PER", "LOC"]
  static let names = ["alice", "bruno", "chen", "dara", "emil", "fatima", "goran", "hana", "ivan", "jonas",
                      "kemal", "lena", "marco", "nadia", "oskar", "priya", "quinn", "rosa", "sami", "tariq"]
  static let places = ["paris", "lagos", "lima", "oslo", "cairo", "dublin", "hanoi", "quito", "riga", "seoul",
                       "tunis", "vienna", "zagreb", "kyoto", "perth", "porto"]
  static let fillers = ["the", "a", "of", "and", "to", "was", "is", "on", "for", "with", "his", "her", "they",
                        "we", "it", "that", "this", "from", "at", "by", "new", "old", "good", "long", "day",
                        "year", "time", "work", "house", "river", "road", "market", "train", "letter", "friend",
                        "went", "came", "saw", "met", "told", "wrote", "left", "found", "made", "took", "very",
                        "then", "there", "again", "never", "often", "after", "before", "under", "near", "quite"]

  var sentences: [[String]] = []
  var labels: [[Int]] = []

  /// `count` sentences of 5–16 words drawn from the stream of `seed`.
  init(count: Int, seed: UInt64) {
    var generator = RandomGenerator(seed: seed)
    func pick(_ words: [String]) -> String { words[Int(generator.nextInt(below: UInt64(words.count)))] }
    for _ in 0..<count {
      var words: [String] = []
      let length = 5 + Int(generator.nextInt(below: 12))
      while words.count < length {
        switch generator.nextInt(below: 10) {
        case 0: words += ["mr", pick(Self.names)]
        case 1: words += [pick(Self.names), "said"]
        case 2: words += ["in", pick(Self.places)]
        case 3: words += [pick(Self.places), "city"]
        case 4: words.append(generator.nextInt(below: 2) == 0 ? pick(Self.names) : pick(Self.places))  // no cue
        case 5: words.append(["mr", "said", "in", "city"][Int(generator.nextInt(below: 4))])  // a cue alone
        default: words.append(pick(Self.fillers))
        }
      }
      sentences.append(words)
      labels.append(Self.tag(words))
    }
  }

  /// The rule: `PER` for a name after "mr" or before "said", `LOC` for a place after "in" or before
  /// "city", `O` otherwise.
  static func tag(_ words: [String]) -> [Int] {
    let names = Set(Self.names), places = Set(Self.places)
    return words.indices.map { i in
      let before = i > 0 ? words[i - 1] : "", after = i + 1 < words.count ? words[i + 1] : ""
      if names.contains(words[i]), before == "mr" || after == "said" { return 1 }
      if places.contains(words[i]), before == "in" || after == "city" { return 2 }
      return 0
    }
  }

  var count: Int { sentences.count }
  var tokenCount: Int { labels.reduce(0) { $0 + $1.count } }
  var tagCounts: [Int] {
    labels.joined().reduce(into: [Int](repeating: 0, count: Self.tags.count)) { $0[$1] += 1 }
  }
}

/// Tagged sentences as batches: tokens `[B, T]` int64 padded with 0 to the batch's longest
/// sentence, tags `[B, T]` int64 with -100 (ignored by `crossEntropy`) on the padding.
struct TaggedDataset: Dataset {
  let tokens: [[Int]]
  let labels: [[Int]]

  init(_ sentences: TaggedSentences, vectorizer: TextVectorization) {
    tokens = sentences.sentences.map { vectorizer.encode($0.joined(separator: " ")) }
    labels = sentences.labels
    precondition(zip(tokens, labels).allSatisfy { $0.count == $1.count }, "TaggedDataset: the tokenizer split a word")
  }

  var count: Int { tokens.count }

  func batch(at indices: [Int]) -> Batch {
    let length = indices.map { tokens[$0].count }.max() ?? 1
    var x = [Int64](repeating: 0, count: indices.count * length), y = [Int64](repeating: -100, count: indices.count * length)
    for (row, index) in indices.enumerated() {
      for (t, token) in tokens[index].enumerated() {
        x[row * length + t] = Int64(token)
        y[row * length + t] = Int64(labels[index][t])
      }
    }
    return Batch(inputs: Tensor(x, shape: [indices.count, length]), targets: Tensor(y, shape: [indices.count, length]))
  }
}

/// `ember train tagger`'s model: `Embedding` (padding 0) → bidirectional GRU over each sentence's
/// valid steps → `Linear(2·hidden → tags)` on every step. Shapes: tokens `[B, T]` → `[B, T, tags]`.
struct TaggerNetwork: Codable, Equatable {
  var vocabularySize: Int
  var tags: Int
  var embeddingSize = 64
  var hiddenSize = 64

  var problem: String? {
    vocabularySize > 2 && tags >= 2 && embeddingSize > 0 && hiddenSize > 0 ? nil : "sizes must be positive"
  }

  var summary: String { "bidirectional GRU \(hiddenSize) tagger over \(embeddingSize)-wide embeddings of \(vocabularySize) tokens → \(tags) tags" }

  func build() -> TokenTagger { TokenTagger(self) }
}

final class TokenTagger: Layer {
  let embedding: Embedding
  let encoder: GRU
  let head: Linear

  init(_ network: TaggerNetwork) {
    embedding = Embedding(network.vocabularySize, network.embeddingSize, paddingIndex: 0)
    encoder = GRU(inputSize: network.embeddingSize, hiddenSize: network.hiddenSize, batchFirst: true, bidirectional: true)
    head = Linear(2 * network.hiddenSize, network.tags)
  }

  func callAsFunction(_ tokens: Tensor) -> Tensor {
    head(encoder(embedding(tokens), state: nil, lengths: paddedLengths(tokens)).output)
  }

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("embedding", embedding)
    visitor.visit("encoder", encoder)
    visitor.visit("head", head)
  }
}
