import EmberData
import EmberNN
import Testing

@testable import EmberTrain

@Suite struct EarlyStoppingTests {
  @Test func stopsAfterPatienceAndRestoresTheBestWeights() throws {
    let trainer = classifierTrainer()
    // Best at epoch 1; epochs 2 and 3 do not improve by more than 0.05.
    let script = ScriptedLogs("score", [1.0, 0.5, 0.48, 0.6, 0.1, 0.1])
    let stopping = EarlyStopping(
      monitor: "score", minDelta: 0.05, patience: 2, restoreBestWeights: true)
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 30), epochs: 6, callbacks: [script, stopping])
    #expect(history.epochs == [0, 1, 2, 3])
    #expect(stopping.stoppedEpoch == 3)
    #expect(stopping.bestEpoch == 1)
    #expect(stopping.best == 0.5)
    expectEqualStates(trainer.model.stateDict(), script.states[1]!)
  }

  @Test func keepsTheLastWeightsWithoutRestore() throws {
    let trainer = classifierTrainer()
    let script = ScriptedLogs("val_accuracy", [0.5, 0.9, 0.8, 0.7])
    let stopping = EarlyStopping(monitor: "val_accuracy", patience: 1)
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 30), epochs: 4, callbacks: [script, stopping])
    #expect(history.epochs == [0, 1, 2])  // "accuracy" is maximized: 0.8 does not improve
    expectEqualStates(trainer.model.stateDict(), script.states[2]!)
  }

  @Test func runsToTheEndWhileImproving() throws {
    let script = ScriptedLogs("score", [3, 2, 1])
    let stopping = EarlyStopping(monitor: "score", patience: 0)
    let history = try classifierTrainer().fit(
      DataLoader(blobs(), batchSize: 45), epochs: 3, callbacks: [script, stopping])
    #expect(history.epochs == [0, 1, 2])
    #expect(stopping.stoppedEpoch == nil)
  }
}
