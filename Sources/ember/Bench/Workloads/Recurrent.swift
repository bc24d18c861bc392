import Ember

/// The recurrent model of `../shared/bench/README.md`: a batch-first `LSTM(14→32)` or `GRU(14→32)`
/// over 120 steps, the last step's output into `Linear(32→1)`.
private final class BenchRecurrent: Module {
  let lstm: LSTM?
  let gru: GRU?
  let head = Linear(32, 1)

  init(lstm: Bool) {
    self.lstm = lstm ? LSTM(inputSize: 14, hiddenSize: 32, batchFirst: true) : nil
    self.gru = lstm ? nil : GRU(inputSize: 14, hiddenSize: 32, batchFirst: true)
  }

  func callAsFunction(_ x: Tensor) -> Tensor {
    let y = lstm.map { $0(x).output } ?? gru!(x).output
    return head(y[0..., y.shape[1] - 1])
  }

  func visitParameters(_ visitor: inout ParameterVisitor) {
    visitor.visit("rnn", lstm)
    visitor.visit("rnn", gru)
    visitor.visit("head", head)
  }
}

/// Multiply-adds ×2 of one sample's forward pass (as `anchors.py` counts them).
private func recurrentForwardFlops(gates: Int) -> Double {
  2.0 * 120 * Double(gates) * Double(14 + 32) * 32 + 2 * 32
}

/// One RMSprop step (lr 1e-3, ρ 0.9) of the recurrent model on MSE at batch 256.
private func recurrentWorkload(lstm: Bool) -> JSONValue {
  Random.seed(0)
  let batchSize = 256
  let model = BenchRecurrent(lstm: lstm)
  let optimizer = RMSProp(learningRate: 1e-3, alpha: 0.9, epsilon: 1e-7)
  let pool = (0..<4).map { _ in (Tensor.normal([batchSize, 120, 14]), Tensor.normal([batchSize, 1])) }
  var step = 0
  let timing = Timing.measure(warmup: 10, minSamples: 30, minSeconds: 6) {
    let batch = pool[step % pool.count]
    step += 1
    withLearningPhase(.training) {
      let loss = meanSquaredError(model(batch.0), batch.1)
      optimizer.update(model, along: loss.backward())
    }
  }
  return .object(timing.stepMetrics(
    batchSize: batchSize, flopsPerSample: 3 * recurrentForwardFlops(gates: lstm ? 4 : 3)))
}

extension BenchWorkload {
  static let lstm = BenchWorkload(
    name: "lstm", summary: "LSTM(14→32) over 120 steps → Linear(32→1) train step, batch 256, RMSprop (samples/s)"
  ) { recurrentWorkload(lstm: true) }

  static let gru = BenchWorkload(
    name: "gru", summary: "GRU(14→32) over 120 steps → Linear(32→1) train step, batch 256, RMSprop (samples/s)"
  ) { recurrentWorkload(lstm: false) }
}
