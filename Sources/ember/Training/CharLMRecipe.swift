import Ember
import Foundation

/// `ember train char-lm [--text FILE] [--minutes M]`: `torch_char_lm.py`'s model and data — a
/// 2-layer LSTM of 256 over 64-wide character embeddings, random 128-character windows (batch 64)
/// from the first 90% of the text, validated on 20 fixed batches of the last 10% — trained with
/// Adam at 2e-3 on a cosine decay (over the epochs, or over the minutes of `--minutes`), gradients
/// clipped to norm 1, dropout 0.2 between the layers. An epoch is 200 steps; with `--minutes` the
/// time limit ends the run (the default epochs are the most it may take). The
/// checkpoint (written at each best validation loss) carries the character vocabulary, for
/// `ember generate`.
enum CharLMRecipe: Recipe {
  static let name = "char-lm"
  static let summary = "2-layer LSTM 256 character language model on --text (Tiny Shakespeare), for ember generate"
  static let defaults = Hyperparameters(epochs: 30, batchSize: 64, learningRate: 2e-3, optimizer: .adam)

  static let sequenceLength = 128, stepsPerEpoch = 200, validationBatches = 20

  /// The text file: `--text`, else `text/tinyshakespeare.txt` in the data directory.
  static func textFile(_ explicit: URL?, dataDirectory: URL?) throws -> URL {
    if let explicit { return explicit }
    let directory = try DataDirectory.resolve(explicit: dataDirectory, dataset: "text", files: ["tinyshakespeare.txt"])
    return directory.appendingPathComponent("tinyshakespeare.txt")
  }

  /// The text's characters, read as UTF-8.
  static func readText(_ url: URL) throws -> String {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw DataError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    guard let text = String(data: data, encoding: .utf8), text.count > 10 * sequenceLength else {
      throw DataError.corrupt(file: url.path, reason: "not UTF-8 text of more than \(10 * sequenceLength) characters")
    }
    return text
  }

  /// The training (first 90%) and validation (last 10%) token streams.
  static func split(_ tokens: [Int]) -> (train: [Int], validation: [Int]) {
    let cut = tokens.count * 9 / 10
    return (Array(tokens[..<cut]), Array(tokens[cut...]))
  }

  static func validationWindows(_ tokens: [Int], batchSize: Int) -> LanguageModelWindows {
    LanguageModelWindows(tokens: tokens, sequenceLength: sequenceLength, batchSize: batchSize,
                         batchesPerPass: validationBatches, seed: 1, reshuffles: false)
  }

  /// Cross-entropy over every position of `[B, T, V]` logits and `[B, T]` targets, in nats.
  static func loss(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    crossEntropy(logits: logits.reshaped([-1, logits.shape[2]]), labels: targets.reshaped([-1]))
  }

  static func train(_ settings: TrainingSettings) throws {
    Random.seed(settings.seed)
    let hyperparameters = settings.hyperparameters
    let url = try textFile(settings.text, dataDirectory: settings.dataDirectory)
    let text = try readText(url)
    var vectorizer = TextVectorization(tokenizer: .characters, outputMode: .int)
    vectorizer.adapt([String(text.prefix(text.count * 9 / 10))])  // the training part's characters
    let (train, validation) = split(vectorizer.encode(text))
    let config = CharLanguageModelConfig(vocabularySize: vectorizer.vocabularySize)
    let model = config.build()
    var info = CheckpointInfo(
      recipe: name, task: .classification, layerSizes: [config.vocabularySize, config.vocabularySize],
      classNames: vectorizer.vocabulary!.tokens, seed: settings.seed)
    info.architecture = .charLM(config)
    info.notes[textVectorizationKey] = vectorizer.jsonString()
    info.notes["ember.text_file"] = url.path
    print("\(url.lastPathComponent): \(TestReport.grouped(text.count)) characters, \(config.vocabularySize) "
      + "in the vocabulary; \(TestReport.grouped(train.count)) train, \(TestReport.grouped(validation.count)) validation")
    print("\(config.summary): \(TestReport.grouped(model.parameterCount)) parameters")
    let kind = hyperparameters.optimizer ?? .adam
    let budget = settings.minutes.map { ", at most \(TestReport.format($0, 1)) minutes" } ?? ""
    print("\(kind.displayName), learning rate \(hyperparameters.learningRate) (cosine decay over the \(settings.minutes == nil ? "epochs" : "minutes")), "
      + "windows of \(sequenceLength), batch \(hyperparameters.batchSize), \(hyperparameters.epochs) epochs of "
      + "\(stepsPerEpoch) steps\(budget), gradient norm clipped to 1, seed \(settings.seed)")
    try SupervisedTraining.createDirectory(settings.output)

    let windows = LanguageModelWindows(
      tokens: train, sequenceLength: sequenceLength, batchSize: hyperparameters.batchSize,
      batchesPerPass: stepsPerEpoch, seed: settings.seed)
    let trainer = Trainer(model: model, loss: loss, optimizer: kind.make(learningRate: hyperparameters.learningRate))
    trainer.gradientClipNorm = 1
    let timeLimit = settings.minutes.map { TimeLimit(seconds: $0 * 60) }
    let checkpoint = ModelCheckpoint(url: settings.checkpointURL, monitor: "val_loss", bestOnly: true,
                                     mode: .min, metadata: info.metadata)
    // A cosine decay over the epochs, or, under a time limit, over the minutes (set every step).
    let initial = hyperparameters.learningRate
    let schedule = timeLimit.map { limit in
      LearningRateScheduler(perBatch: true) { _ in
        initial * 0.5 * (1 + cos(Double.pi * min(1, limit.elapsed / limit.seconds)))
      }
    } ?? LearningRateScheduler(schedule: CosineDecay(initial: initial, totalSteps: hyperparameters.epochs))
    let callbacks: [any Callback] = (timeLimit.map { [$0] } ?? []) + [
      schedule, ProgressBar(), checkpoint, CSVLogger(url: settings.historyURL),
    ]
    let clock = ContinuousClock()
    let start = clock.now
    let history = try trainer.fit(windows, epochs: hyperparameters.epochs,
                                  validation: validationWindows(validation, batchSize: hyperparameters.batchSize),
                                  callbacks: callbacks)
    let elapsed = (clock.now - start).components
    let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    let best = history.logs.compactMap { $0["val_loss"] }.min() ?? .nan
    let characters = Double(trainer.step * hyperparameters.batchSize * sequenceLength)
    print("Trained \(trainer.step) steps in \(TestReport.format(seconds / 60, 1)) min "
      + "(\(TestReport.grouped(Int(characters / seconds))) characters/s)\(timeLimit?.reached == true ? ", stopped by the time limit" : "")")
    print("Best validation loss: \(TestReport.format(best, 4)) nats/char (\(TestReport.format(best / log(2), 4)) bits/char)")
    try model.load(from: settings.checkpointURL)
    print("Sample (prompt \"ROMEO:\", temperature 0.8):")
    var generator = RandomGenerator(seed: settings.seed)
    print("ROMEO:", terminator: "")
    generate(model: model, vectorizer: vectorizer, prompt: "ROMEO:", length: 300, temperature: 0.8, topK: nil,
             generator: &generator) { print($0, terminator: "") }
    print("\nSaved \(settings.checkpointURL.path) and \(settings.historyURL.path)")
  }

  /// Feeds `prompt` through `model`, then draws `length` characters one at a time, handing each
  /// to `emit` as it comes.
  static func generate(
    model: CharLanguageModel, vectorizer: TextVectorization, prompt: String, length: Int,
    temperature: Double, topK: Int?, generator: inout RandomGenerator, emit: (String) -> Void
  ) {
    withoutGradients {
      withLearningPhase(.inference) {
        var tokens = vectorizer.encode(prompt)
        if tokens.isEmpty { tokens = [vectorizer.vocabulary!.unknownIndex] }
        var (logits, state) = model.run(Tensor(tokens.map(Int64.init), shape: [1, tokens.count]), state: nil)
        for _ in 0..<length {
          let last = logits[0, logits.shape[1] - 1].doubles
          let next = sampleToken(logits: last, temperature: temperature, topK: topK, using: &generator)
          emit(vectorizer.decode([next]))
          (logits, state) = model.run(Tensor([Int64(next)], shape: [1, 1]), state: state)
        }
      }
    }
  }

  /// The model and vectorizer a `char-lm` checkpoint describes, its parameters loaded.
  static func load(_ checkpoint: LoadedCheckpoint) throws -> (CharLanguageModel, TextVectorization) {
    let file = checkpoint.url.path
    guard case .charLM(let config) = checkpoint.info.architecture else {
      throw TrainingError.invalidMetadata(key: CheckpointInfo.Key.architecture, value: checkpoint.info.architecture.name,
                                          file: file, reason: "not a char-lm checkpoint")
    }
    let vectorizer = try checkpoint.info.storedVectorizer(file: file)
    let model = config.build()
    do {
      try model.load(stateDict: checkpoint.tensors)
    } catch {
      throw TrainingError.checkpointMismatch(file: file, reason: "\(error) (\(config.summary))")
    }
    return (model, vectorizer)
  }

  static func evaluate(_ checkpoint: LoadedCheckpoint, settings: EvaluationSettings) throws {
    let (model, vectorizer) = try load(checkpoint)
    let stored = checkpoint.info.notes["ember.text_file"].map { URL(fileURLWithPath: $0) }
    let url = try textFile(settings.csv ?? stored, dataDirectory: settings.dataDirectory)
    let (_, validation) = split(vectorizer.encode(try readText(url)))
    let trainer = Trainer(model: model, loss: loss, optimizer: SGD(learningRate: 0))
    let nats = trainer.evaluate(validationWindows(validation, batchSize: 64))["loss"]!
    print("Model: \(checkpoint.info.modelSummary), \(TestReport.grouped(model.parameterCount)) parameters")
    print("Validation (last 10% of \(url.lastPathComponent)): \(TestReport.format(nats, 4)) nats/char, "
      + "\(TestReport.format(nats / log(2), 4)) bits/char")
  }
}
