import Ember
import Foundation

/// Peak memory and time of one forward and backward pass of `LSTM(32→128)` over 1,000 steps at
/// batch 32 (loss: the mean of every output), run whole and with `checkpoint` over chunks of 50
/// steps; the gradients of both runs are compared.
private func checkpointWorkload() -> JSONValue {
  Random.seed(0)
  let (steps, chunk, batch) = (1000, 50, 32)
  let lstm = LSTM(inputSize: 32, hiddenSize: 128)
  let x = Tensor.normal([steps, batch, 32])
  let backend = Backends.backend(for: .default)!
  func pass(checkpointed: Bool) -> (peak: Int, seconds: Double, gradients: Gradients) {
    let before = backend.memoryStatistics.currentBytes
    backend.resetPeakMemory()
    let start = DispatchTime.now().uptimeNanoseconds
    var state: LSTMState? = nil
    var total: Tensor? = nil
    for begin in stride(from: 0, to: steps, by: chunk) {
      let piece = x[begin ..< (begin + chunk)]
      let run: ([Tensor]) -> [Tensor] = { s in
        let (y, next) = lstm(piece, state: s.isEmpty ? nil : LSTMState(h: s[0], c: s[1]))
        return [y.sum(), next.h, next.c]
      }
      let inputs = state.map { [$0.h, $0.c] } ?? []
      let result = checkpointed ? checkpoint(inputs, run) : run(inputs)
      total = total.map { $0 + result[0] } ?? result[0]
      state = LSTMState(h: result[1], c: result[2])
    }
    let loss = total! / Double(steps * batch * 128)
    let gradients = loss.backward()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    return (backend.memoryStatistics.peakBytes - before, seconds, gradients)
  }
  _ = pass(checkpointed: false)  // warm the buffer cache
  let full = pass(checkpointed: false), chunked = pass(checkpointed: true)
  let difference = lstm.parameters.map { p in
    zip(full.gradients[p]!.doubles, chunked.gradients[p]!.doubles).map { abs($0 - $1) }.max()!
  }.max()!
  return .object([
    ("full_peak_bytes", .number(Double(full.peak))),
    ("checkpointed_peak_bytes", .number(Double(chunked.peak))),
    ("memory_ratio", .number(Double(full.peak) / Double(max(chunked.peak, 1)))),
    ("full_seconds", .number(full.seconds)),
    ("checkpointed_seconds", .number(chunked.seconds)),
    ("max_gradient_difference", .number(difference)),
  ])
}

extension BenchWorkload {
  static let checkpoint = BenchWorkload(
    name: "checkpoint",
    summary: "LSTM(32→128) over 1,000 steps, batch 32: peak memory and time whole vs checkpointed every 50 steps"
  ) { checkpointWorkload() }
}
