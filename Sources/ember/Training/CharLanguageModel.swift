import Ember
import Foundation

/// The character language model of `ember train char-lm`, the model of
/// `../shared/bench/torch_char_lm.py`: `Embedding(V, embeddingSize)` → `numLayers` stacked LSTM (or
/// GRU) layers of `hiddenSize` with dropout between them → `Linear(hiddenSize, V)`, the logits of
/// the next character at every position.
///
/// Stored in a checkpoint as `ember.architecture` `char-lm`, this value as JSON in
/// `ember.model_config`; the vocabulary travels as the recipe's `TextVectorization`.
///
/// Shapes: tokens `[batch, steps]` int64 → logits `[batch, steps, V]`.
struct CharLanguageModelConfig: Codable, Equatable {
  enum Cell: String, Codable { case lstm, gru }
  var cell: Cell = .lstm
  var vocabularySize: Int
  var embeddingSize: Int = 64
  var hiddenSize: Int = 256
  var numLayers: Int = 2
  var dropout: Double = 0.2

  var problem: String? {
    guard vocabularySize > 2, embeddingSize > 0, hiddenSize > 0, numLayers >= 1, (0..<1).contains(dropout)
    else { return "sizes must be positive and dropout in [0, 1)" }
    return nil
  }

  var summary: String {
    "\(numLayers)-layer \(cell.rawValue.uppercased()) of \(hiddenSize) over \(embeddingSize)-wide embeddings of \(vocabularySize) characters"
  }

  func build() -> CharLanguageModel { CharLanguageModel(self) }
}

/// `CharLanguageModelConfig`'s network, with a step-by-step interface for generation.
final class CharLanguageModel: Layer {
  let embedding: Embedding
  let lstm: LSTM?
  let gru: GRU?
  let head: Linear

  init(_ config: CharLanguageModelConfig) {
    embedding = Embedding(config.vocabularySize, config.embeddingSize)
    let dropout = config.numLayers > 1 ? config.dropout : 0
    switch config.cell {
    case .lstm:
      lstm = LSTM(inputSize: config.embeddingSize, hiddenSize: config.hiddenSize,
                  numLayers: config.numLayers, batchFirst: true, dropout: dropout)
      gru = nil
    case .gru:
      lstm = nil
      gru = GRU(inputSize: config.embeddingSize, hiddenSize: config.hiddenSize,
                numLayers: config.numLayers, batchFirst: true, dropout: dropout)
    }
    head = Linear(config.hiddenSize, config.vocabularySize)
  }

  /// The recurrent state carried between calls: `h` (and an LSTM's `c`).
  struct State { var h: Tensor; var c: Tensor? }

  func callAsFunction(_ tokens: Tensor) -> Tensor { run(tokens, state: nil).logits }

  /// The logits for `tokens` `[batch, steps]` from `state` (zeros when `nil`), and the state after them.
  func run(_ tokens: Tensor, state: State?) -> (logits: Tensor, state: State) {
    let x = embedding(tokens)
    if let lstm {
      let (y, next) = lstm(x, state: state.map { LSTMState(h: $0.h, c: $0.c!) })
      return (head(y), State(h: next.h, c: next.c))
    }
    let (y, h) = gru!(x, state: state?.h)
    return (head(y), State(h: h, c: nil))
  }

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("embedding", embedding)
    visitor.visit("rnn", lstm)
    visitor.visit("rnn", gru)
    visitor.visit("head", head)
  }
}

/// Draws the next token from `logits` `[V]`: softmax of `logits / temperature`, kept to the `topK`
/// most likely tokens when given; `temperature` 0 takes the most likely token.
func sampleToken(
  logits: [Double], temperature: Double, topK: Int?, using generator: inout RandomGenerator
) -> Int {
  let order = logits.indices.sorted { logits[$0] > logits[$1] }
  guard temperature > 0 else { return order[0] }
  let kept = Array(order.prefix(topK ?? order.count))
  let top = logits[kept[0]]
  let weights = kept.map { Foundation.exp((logits[$0] - top) / temperature) }
  var u = generator.nextUnitDouble() * weights.reduce(0, +)
  for (index, weight) in zip(kept, weights) {
    u -= weight
    if u <= 0 { return index }
  }
  return kept.last!
}
