import Ember
import Testing

@testable import ember

/// The text and forecasting models the sequence recipes store: their configurations round-trip
/// through a checkpoint's metadata and rebuild the same layers; a token model ignores padding.
@Suite struct SequenceRecipeTests {
  @Test func textNetworksRoundTripAndBuild() throws {
    let networks: [TextNetwork] = [
      SST2BagOfWordsRecipe.network(vocabularySize: 50), SST2LSTMRecipe.network(vocabularySize: 50),
      SST2BiGRURecipe.network(vocabularySize: 50), SST2ConvRecipe.network(vocabularySize: 50),
    ]
    for network in networks {
      var info = CheckpointInfo(recipe: "sst2", task: .classification, layerSizes: [50, 2],
                                classNames: SST2.classNames)
      info.architecture = .text(network)
      let decoded = try CheckpointInfo(metadata: info.metadata, file: "/tmp/x.safetensors")
      #expect(decoded == info && info.metadata["ember.architecture"] == "text")
      let model = decoded.makeModel()
      let tokens: [Int64] = [1, 7, 9, 0, 0, 4, 2, 3, 5, 8, 6, 0, 0, 0, 0]
      let input: Tensor = network.encoder == .bagOfWords ? Tensor.normal([3, 50]) : Tensor(tokens, shape: [3, 5])
      let output: Tensor = withLearningPhase(.inference) { model(input) }
      #expect(output.shape == [3, 2])
    }
    var wrong = CheckpointInfo(recipe: "sst2", task: .classification, layerSizes: [51, 2], classNames: SST2.classNames)
    wrong.architecture = .text(SST2LSTMRecipe.network(vocabularySize: 50))
    #expect(throws: TrainingError.self) { try CheckpointInfo(metadata: wrong.metadata, file: "/tmp/x.safetensors") }
  }

  /// Padding at the end changes neither a recurrent nor a convolutional classifier's logits.
  @Test func tokenModelsIgnorePadding() {
    let networks: [TextNetwork] = [SST2BiGRURecipe.network(vocabularySize: 20), SST2ConvRecipe.network(vocabularySize: 20)]
    for network in networks {
      let model = network.build()
      let shortTokens: [Int64] = [3, 5, 7, 0, 2, 4, 6, 8]
      let longTokens: [Int64] = [3, 5, 7, 0, 0, 0, 2, 4, 6, 8, 0, 0]
      let short = Tensor(shortTokens, shape: [2, 4]), long = Tensor(longTokens, shape: [2, 6])
      let a: Tensor = withLearningPhase(.inference) { model(short) }
      let b: Tensor = withLearningPhase(.inference) { model(long) }
      #expect(zip(a.doubles, b.doubles).allSatisfy { abs($0 - $1) < 1e-5 }, "\(network.encoder)")
    }
  }

  @Test func forecastNetworksRoundTripAndBuild() throws {
    for kind in ForecastNetwork.Kind.allCases {
      let network = ForecastNetwork(kind: kind, steps: 120, features: 11, targetMean: 12.5, targetStd: 11.8)
      var info = CheckpointInfo(recipe: "weather-forecast", task: .regression, layerSizes: [11, 1])
      info.architecture = .forecast(network)
      let decoded = try CheckpointInfo(metadata: info.metadata, file: "/tmp/x.safetensors")
      #expect(decoded == info && decoded.inputShape == [120, 11])
      let model = decoded.makeModel()
      let y: Tensor = withLearningPhase(.inference) { model(Tensor.normal([2, 120, 11])) }
      #expect(y.shape == [2, 1], "\(kind)")
    }
  }
}

/// The tagging set's rule and batches, and the tagger's checkpoint configuration.
@Suite struct TaggerRecipeTests {
  @Test func theRuleNeedsBothSidesOfAWord() {
    #expect(TaggedSentences.tag(["mr", "alice", "went", "in", "oslo"]) == [0, 1, 0, 0, 2])
    #expect(TaggedSentences.tag(["alice", "said", "lima", "city", "the", "alice"]) == [1, 0, 2, 0, 0, 0])
    #expect(TaggedSentences.tag(["in", "the", "mr", "said"]) == [0, 0, 0, 0])
    let data = TaggedSentences(count: 300, seed: 5)
    #expect(data.count == 300 && zip(data.sentences, data.labels).allSatisfy { TaggedSentences.tag($0) == $1 })
    #expect(data.tagCounts.allSatisfy { $0 > 20 }, "every tag occurs: \(data.tagCounts)")
    #expect(TaggedSentences(count: 10, seed: 5).sentences == Array(data.sentences.prefix(10)))
  }

  @Test func batchesPadTokensAndIgnoreTheirTags() throws {
    let data = TaggedSentences(count: 50, seed: 1)
    let vectorizer = TaggerRecipe.vectorizer(for: data)
    let dataset = TaggedDataset(data, vectorizer: vectorizer)
    let size = vectorizer.vocabularySize
    let batch = dataset.batch(at: [0, 1, 2])
    let length = (0..<3).map { data.sentences[$0].count }.max()!
    #expect(batch.inputs.shape == [3, length] && batch.targets.shape == [3, length])
    let tokens = batch.inputs.doubles, tags = batch.targets.doubles
    for (position, token) in tokens.enumerated() { #expect((token == 0) == (tags[position] == -100)) }
    var info = CheckpointInfo(recipe: "tagger", task: .classification, layerSizes: [size, 3], classNames: TaggedSentences.tags)
    info.architecture = .tagger(TaggerNetwork(vocabularySize: size, tags: 3))
    let decoded = try CheckpointInfo(metadata: info.metadata, file: "/tmp/t.safetensors")
    #expect(decoded == info)
    let model = info.makeModel()
    let logits: Tensor = withLearningPhase(.inference) { model(batch.inputs) }
    #expect(logits.shape == [3, length, 3])
  }
}
