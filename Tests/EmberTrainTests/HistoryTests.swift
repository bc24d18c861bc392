import EmberData
import Testing

@testable import EmberTrain

@Suite struct HistoryTests {
  @Test func recordsEveryEpochAndResetsPerFit() throws {
    let trainer = classifierTrainer()
    let loader = DataLoader(blobs(), batchSize: 30)
    let first = try trainer.fit(loader, epochs: 3, callbacks: [ScriptedLogs("extra", [1, 2, 3])])
    #expect(first.epochs == [0, 1, 2])
    #expect(first["extra"] == [1, 2, 3])
    #expect(first.logs.count == 3)
    #expect(first.keys == ["accuracy", "extra", "loss"])
    let missing = first["missing"]
    #expect(missing.count == 3 && missing.allSatisfy { $0.isNaN })
    let second = try trainer.fit(loader, epochs: 1)
    #expect(second.epochs == [0])
    #expect(trainer.history === second)
  }
}
