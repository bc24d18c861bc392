import EmberCore
import EmberData
import EmberNN
import EmberOptim
import Testing

@testable import EmberTrain

@Suite struct TerminateOnNaNTests {
  @Test func stopsAtTheFirstNaNLoss() throws {
    var calls = 0
    let trainer = Trainer(
      model: classifier(),
      loss: { logits, labels in
        calls += 1
        let loss = crossEntropy(logits: logits, labels: labels)
        return calls == 5 ? loss * Double.nan : loss
      },
      optimizer: SGD(learningRate: 0.01))
    let terminate = TerminateOnNaN()
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 10), epochs: 3, callbacks: [terminate])
    #expect(terminate.stoppedAt?.epoch == 0 && terminate.stoppedAt?.batch == 4)
    #expect(history.epochs == [0])
    #expect(history["loss"][0].isNaN)
    #expect(calls == 5)
  }

  @Test func finiteLossesTrainToTheEnd() throws {
    let terminate = TerminateOnNaN()
    let history = try classifierTrainer().fit(
      DataLoader(blobs(), batchSize: 30), epochs: 2, callbacks: [terminate])
    #expect(terminate.stoppedAt == nil)
    #expect(history.epochs == [0, 1])
  }
}
