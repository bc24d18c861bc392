import EmberData
import Foundation
import Testing

@testable import EmberTrain

@Suite struct CSVLoggerTests {
  @Test func writesAHeaderAndOneRowPerEpoch() throws {
    let url = temporaryURL("log.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let trainer = classifierTrainer()
    let history = try trainer.fit(
      DataLoader(blobs(), batchSize: 30), epochs: 3,
      callbacks: [ScriptedLogs("score", [0.25, 0.5, 0.75]), CSVLogger(url: url)])
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[0] == "epoch,accuracy,loss,score")
    for epoch in 0..<3 {
      let fields = lines[epoch + 1].split(separator: ",").map(String.init)
      #expect(fields[0] == String(epoch))
      #expect(Double(fields[1]) == history["accuracy"][epoch])
      #expect(Double(fields[2]) == history["loss"][epoch])
      #expect(fields[3] == ["0.25", "0.5", "0.75"][epoch])
    }
  }

  @Test func appendKeepsEarlierRows() throws {
    let url = temporaryURL("log.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let trainer = classifierTrainer()
    let loader = DataLoader(blobs(), batchSize: 45)
    try trainer.fit(loader, epochs: 2, callbacks: [CSVLogger(url: url)])
    try trainer.fit(
      loader, epochs: 4, callbacks: [CSVLogger(url: url, append: true)], initialEpoch: 2)
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 5)
    #expect(lines[0] == "epoch,accuracy,loss")
    #expect(lines.dropFirst().map { $0.split(separator: ",")[0] } == ["0", "1", "2", "3"])
    // Without append, the file starts over.
    try trainer.fit(loader, epochs: 1, callbacks: [CSVLogger(url: url)])
    #expect(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count == 2)
  }
}
