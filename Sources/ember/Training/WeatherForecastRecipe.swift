import Ember
import Foundation

/// `ember train weather-forecast`: the temperature 24 hours ahead from the previous 5 days of the
/// Beijing series (hourly readings of all 11 columns), as Keras's users forecast Jena's weather:
/// the naive baseline (the last temperature) first, then each `ForecastNetwork` in turn, every one
/// saved by a checkpoint callback at its best validation epoch and re-evaluated from that file.
///
/// Split in time order: the first 50% of the hours train, the next 25% validate, the last 25% test;
/// no window crosses a boundary. Features are standardized with the training hours' mean and
/// standard deviation only; each model learns the standardized temperature and its last layer
/// scales it back, so predictions, losses and every MAE are in °C. Writes
/// `<output>/<model>.safetensors` and `<output>/<model>.csv` per model.
enum WeatherForecastRecipe: Recipe {
  static let name = "weather-forecast"
  static let summary = "temperature 24 h ahead from 5 days of Beijing weather: naive, dense, Conv1D, LSTM, GRU, BiLSTM"
  static let defaults = Hyperparameters(epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: .rmsprop)

  /// Hours per window (5 days) and hours from a window's last hour to its target.
  static let steps = 120, horizon = 24
  static let target = "TEMP"

  /// The series standardized, the temperature in °C, the split and the statistics.
  struct Prepared {
    var inputs: Tensor
    var temperature: Tensor
    var ranges: (training: Range<Int>, validation: Range<Int>, test: Range<Int>)
    var mean: [Double], std: [Double]
    /// The temperature column's statistics.
    var targetMean: Double { mean[BeijingAirQuality.column(target)!] }
    var targetStd: Double { std[BeijingAirQuality.column(target)!] }

    func windows(_ range: Range<Int>) -> TimeseriesWindows {
      TimeseriesWindows(
        data: inputs, targets: temperature, sequenceLength: steps,
        targetOffset: steps - 1 + horizon, range: range)
    }
  }

  /// Loads the series and standardizes it with the statistics of the training hours (computed here
  /// when `statistics` is `nil`).
  static func prepare(
    dataDirectory: URL?, download: Bool, statistics: (mean: [Double], std: [Double])? = nil
  ) throws -> Prepared {
    let data = try BeijingAirQuality(dataDirectory: dataDirectory, download: download)
    let series = data.series
    let ranges = chronologicalSplit(count: data.count, training: 0.5, validation: 0.25)
    let (mean, std): ([Double], [Double])
    if let statistics {
      (mean, std) = statistics
    } else {
      let training = series[ranges.training]
      mean = training.mean(axis: 0).doubles
      std = training.standardDeviation(axes: [0], correction: 0).doubles.map { $0 > 0 ? $0 : 1 }
    }
    let column = BeijingAirQuality.column(target)!
    let meanRow = Tensor(mean.map { Float($0) }, shape: [mean.count])
    let stdRow = Tensor(std.map { Float($0) }, shape: [std.count])
    let inputs = (series - meanRow) / stdRow
    return Prepared(inputs: inputs, temperature: series[0..., column ..< (column + 1)],
                    ranges: ranges, mean: mean, std: std)
  }

  /// The naive forecast's MAE over `windows`: the temperature 24 hours ahead is the last one read.
  static func naiveMAE(_ prepared: Prepared, _ windows: TimeseriesWindows) -> Double {
    let temperature = prepared.temperature.doubles
    let total = windows.starts.reduce(0.0) { sum, start in
      sum + abs(temperature[start + windows.targetOffset] - temperature[start + steps - 1])
    }
    return total / Double(windows.count)
  }

  static func train(_ settings: TrainingSettings) throws {
    Random.seed(settings.seed)
    let hyperparameters = settings.hyperparameters
    let prepared = try prepare(dataDirectory: settings.dataDirectory, download: settings.download)
    let (train, validation, test) = (
      prepared.windows(prepared.ranges.training), prepared.windows(prepared.ranges.validation),
      prepared.windows(prepared.ranges.test))
    let features = BeijingAirQuality.featureNames.count
    print("Beijing weather: \(TestReport.grouped(prepared.inputs.shape[0])) hours; windows of \(steps) hours "
      + "→ \(target) \(horizon) h after: \(TestReport.grouped(train.count)) training, "
      + "\(TestReport.grouped(validation.count)) validation, \(TestReport.grouped(test.count)) test")
    try SupervisedTraining.createDirectory(settings.output)
    let kind = hyperparameters.optimizer ?? .rmsprop
    print("\(kind.displayName), learning rate \(hyperparameters.learningRate), batch "
      + "\(hyperparameters.batchSize), \(hyperparameters.epochs) epochs per model, seed \(settings.seed)")

    var rows: [(String, Int, Double, Double, String)] = [
      ("naive (last temperature)", 0, naiveMAE(prepared, validation), naiveMAE(prepared, test), "–")
    ]
    print("Naive baseline: validation MAE \(TestReport.format(rows[0].2, 3)) °C, test MAE \(TestReport.format(rows[0].3, 3)) °C")
    let trainLoader = DataLoader(train, batchSize: hyperparameters.batchSize, shuffle: true, seed: settings.seed)
    let validationLoader = DataLoader(validation, batchSize: 1024)
    let clock = ContinuousClock()
    for model in ForecastNetwork.Kind.allCases {
      let network = ForecastNetwork(
        kind: model, steps: steps, features: features, targetMean: prepared.targetMean,
        targetStd: prepared.targetStd)
      let net = network.build()
      var info = CheckpointInfo(recipe: name, task: .regression, layerSizes: [features, 1], seed: settings.seed)
      info.architecture = .forecast(network)
      info.featureNames = BeijingAirQuality.featureNames
      info.featureMean = prepared.mean
      info.featureStd = prepared.std
      info.targetMean = 0
      info.targetStd = 1
      info.notes["ember.optimizer"] = kind.rawValue
      info.notes["ember.learning_rate"] = String(hyperparameters.learningRate)
      print("\n\(model.title): \(TestReport.grouped(net.parameterCount)) parameters")
      let url = settings.output.appendingPathComponent("\(model.rawValue).safetensors")
      let checkpoint = ModelCheckpoint(url: url, monitor: "val_mae", bestOnly: true, mode: .min, metadata: info.metadata)
      let trainer = Trainer(
        model: net, loss: { meanSquaredError($0, $1) },
        optimizer: kind.make(learningRate: hyperparameters.learningRate), metrics: [MeanAbsoluteError()])
      let start = clock.now
      try trainer.fit(
        trainLoader, epochs: hyperparameters.epochs, validation: validationLoader,
        callbacks: [ProgressBar(), checkpoint,
                    CSVLogger(url: settings.output.appendingPathComponent("\(model.rawValue).csv"))])
      let seconds = Double((clock.now - start).components.seconds)
      // The best epoch's weights, read back from the file the callback wrote.
      try net.load(from: url)
      let bestEpoch = checkpoint.savedEpochs.last.map { String($0 + 1) } ?? "?"
      let predict: (Tensor) -> Tensor = { net($0) }
      let validationMAE = TestReport.regression(test: validation, targetMean: 0, targetStd: 1, predict: predict).metrics["mae"]!
      let testMAE = TestReport.regression(test: test, targetMean: 0, targetStd: 1, predict: predict).metrics["mae"]!
      print("best epoch \(bestEpoch): validation MAE \(TestReport.format(validationMAE, 3)) °C, "
        + "test MAE \(TestReport.format(testMAE, 3)) °C (\(Int(seconds)) s; saved \(url.path))")
      rows.append((model.title, net.parameterCount, validationMAE, testMAE, bestEpoch))
    }

    print("\nTemperature 24 h ahead, MAE in °C (each model at its best validation epoch):")
    let width = rows.map(\.0.count).max()!
    print("model".padding(toLength: width, withPad: " ", startingAt: 0) + "   params   best epoch   validation   test")
    for row in rows {
      print(row.0.padding(toLength: width, withPad: " ", startingAt: 0)
        + String(repeating: " ", count: max(0, 9 - TestReport.grouped(row.1).count)) + TestReport.grouped(row.1)
        + String(repeating: " ", count: 13 - row.4.count) + row.4
        + "        " + TestReport.format(row.2, 3) + "   " + TestReport.format(row.3, 3))
    }
    let naive = rows[0].3
    let recurrent = rows.filter { ["LSTM", "GRU"].contains(where: $0.0.contains) }
    if let best = recurrent.min(by: { $0.2 < $1.2 }) {
      print("Best recurrent model by validation: \(best.0), test MAE \(TestReport.format(best.3, 3)) °C vs naive "
        + "\(TestReport.format(naive, 3)) °C (\(best.3 < naive ? "beats" : "does not beat") the baseline)")
    }
  }

  static func evaluate(_ checkpoint: LoadedCheckpoint, settings: EvaluationSettings) throws {
    let info = checkpoint.info
    let model = info.makeModel()
    do {
      try model.load(stateDict: checkpoint.tensors)
    } catch {
      throw TrainingError.checkpointMismatch(file: checkpoint.url.path, reason: "\(error) (\(info.modelSummary))")
    }
    guard let mean = info.featureMean, let std = info.featureStd else {
      throw TrainingError.missingMetadata(key: CheckpointInfo.Key.featureMean, file: checkpoint.url.path)
    }
    let prepared = try prepare(dataDirectory: settings.dataDirectory, download: settings.download,
                               statistics: (mean, std))
    let test = prepared.windows(prepared.ranges.test)
    print("Model: \(info.modelSummary), \(TestReport.grouped(model.parameterCount)) parameters")
    print(TestReport.regression(test: test, targetMean: 0, targetStd: 1, predict: { model($0) }).text
      + " (°C; naive baseline MAE \(TestReport.format(naiveMAE(prepared, test), 4)))")
  }
}
