import EmberData
import EmberOptim
import Testing

@testable import EmberTrain

@Suite struct LearningRateSchedulerTests {
  struct Halving: LearningRateSchedule {
    func learningRate(at step: Int) -> Double { 0.1 / Double(1 << step) }
  }

  @Test func setsTheRateEachEpochAndLogsIt() throws {
    let trainer = classifierTrainer()
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 30), epochs: 3,
      callbacks: [LearningRateScheduler(schedule: Halving())])
    #expect(history["lr"] == [0.1, 0.05, 0.025])
    #expect(trainer.optimizer.learningRate == 0.025)
  }

  @Test func perBatchFollowsTheOptimizerStep() throws {
    final class RateRecorder: Callback {
      var rates: [Double] = []
      func batchEnded(_ batch: Int, logs: inout BatchLogs, trainer: Trainer) {
        rates.append(trainer.optimizer.learningRate)
      }
    }
    let recorder = RateRecorder()
    let trainer = classifierTrainer()
    try trainer.fit(
      DataLoader(blobs(), batchSize: 30), epochs: 2,
      callbacks: [
        LearningRateScheduler(perBatch: true) { step in 0.01 * Double(step + 1) }, recorder,
      ])
    let expected = (1...6).map { 0.01 * Double($0) }
    #expect(recorder.rates == expected)
  }
}
