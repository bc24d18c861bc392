import Ember

/// The forecasting models of `ember train weather-forecast`, after the ones Keras's users meet
/// first (Chollet, *Deep Learning with Python*, ch. 10), on windows `[batch, steps, features]` of
/// standardized readings, each ending in one output, a standardized forecast that a final
/// `Rescaling(scale: targetStd, offset: targetMean)` turns into the target's units:
/// - `dense`: `Flatten` → `Linear(→ 16)` → `ReLU` → `Linear(→ 1)`;
/// - `conv`: three `Conv1D` + `ReLU` of 8 channels (widths 24, 12, 6; `MaxPool1D(2)` between) →
///   global average → `Linear`;
/// - `lstm`: `LSTM(16)`, its last step → `Linear`;
/// - `lstmDropout`: `LSTM(32)` with recurrent dropout 0.25 → `Dropout(0.5)` → `Linear`;
/// - `stackedGRU`: two `GRU(32)` layers (dropout 0.2 between, recurrent dropout 0.25) →
///   `Dropout(0.5)` → `Linear`;
/// - `biLSTM`: `Bidirectional(LSTM(16))` (concatenated) → `Linear`.
///
/// Stored in a checkpoint as `ember.architecture` `forecast`, this value as JSON in
/// `ember.model_config`.
struct ForecastNetwork: Codable, Equatable {
  enum Kind: String, Codable, CaseIterable {
    case dense, conv, lstm, lstmDropout = "lstm-dropout", stackedGRU = "stacked-gru", biLSTM = "bilstm"

    /// The row label of the results table.
    var title: String {
      switch self {
      case .dense: return "dense"
      case .conv: return "Conv1D"
      case .lstm: return "LSTM 16"
      case .lstmDropout: return "LSTM 32, recurrent dropout 0.25"
      case .stackedGRU: return "2 × GRU 32, dropout"
      case .biLSTM: return "bidirectional LSTM 16"
      }
    }
  }

  var kind: Kind
  /// Time steps per window.
  var steps: Int
  /// Readings per step.
  var features: Int
  /// The target's training mean and standard deviation, which the last layer restores.
  var targetMean: Double
  var targetStd: Double

  /// `nil` when the sizes make a network, else what is wrong with them.
  var problem: String? {
    guard steps > 0, features > 0, targetStd > 0 else { return "steps, features and targetStd must be positive" }
    if kind == .conv, steps < 70 { return "the Conv1D model needs windows of at least 70 steps" }
    return nil
  }

  var summary: String { "\(kind.title) forecaster over \(steps) steps of \(features) readings" }

  /// The network, freshly initialized from the default generator.
  func build() -> Sequential {
    Sequential {
      body()
      Rescaling(scale: targetStd, offset: targetMean)
    }
  }

  private func body() -> Sequential {
    switch kind {
    case .dense:
      return Sequential {
        Flatten()
        Linear(steps * features, 16)
        ReLU()
        Linear(16, 1)
      }
    case .conv:
      return Sequential {
        Permute([0, 2, 1])  // [B, features, steps], as Conv1D reads
        Conv1D(features, 8, kernelSize: 24)
        ReLU()
        MaxPool1D(2)
        Conv1D(8, 8, kernelSize: 12)
        ReLU()
        MaxPool1D(2)
        Conv1D(8, 8, kernelSize: 6)
        ReLU()
        GlobalAveragePool()
        Linear(8, 1)
      }
    case .lstm:
      return Sequential {
        RecurrentSequence(LSTM(inputSize: features, hiddenSize: 16, batchFirst: true))
        Linear(16, 1)
      }
    case .lstmDropout:
      return Sequential {
        RecurrentSequence(LSTM(inputSize: features, hiddenSize: 32, batchFirst: true, recurrentDropout: 0.25))
        Dropout(probability: 0.5)
        Linear(32, 1)
      }
    case .stackedGRU:
      return Sequential {
        RecurrentSequence(GRU(
          inputSize: features, hiddenSize: 32, numLayers: 2, batchFirst: true, dropout: 0.2,
          recurrentDropout: 0.25))
        Dropout(probability: 0.5)
        Linear(32, 1)
      }
    case .biLSTM:
      return Sequential {
        RecurrentSequence(Bidirectional(LSTM(inputSize: features, hiddenSize: 16, batchFirst: true)))
        Linear(32, 1)
      }
    }
  }
}
