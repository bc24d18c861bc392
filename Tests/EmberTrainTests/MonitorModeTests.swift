import Testing

@testable import EmberTrain

@Suite struct MonitorModeTests {
  @Test func autoResolvesFromTheName() {
    #expect(MonitorMode.auto.resolved(for: "val_loss") == .min)
    #expect(MonitorMode.auto.resolved(for: "val_accuracy") == .max)
    #expect(MonitorMode.auto.resolved(for: "f1") == .max)
    #expect(MonitorMode.auto.resolved(for: "mae") == .min)
    #expect(MonitorMode.min.resolved(for: "accuracy") == .min)
  }

  @Test func improvementRespectsTheDelta() {
    #expect(MonitorMode.min.isImprovement(0.5, over: nil, minDelta: 0))
    #expect(MonitorMode.min.isImprovement(0.5, over: 0.6, minDelta: 0.05))
    #expect(!MonitorMode.min.isImprovement(0.58, over: 0.6, minDelta: 0.05))
    #expect(MonitorMode.max.isImprovement(0.7, over: 0.6, minDelta: 0.05))
    #expect(!MonitorMode.max.isImprovement(0.6, over: 0.6, minDelta: 0))
    #expect(!MonitorMode.min.isImprovement(.nan, over: nil, minDelta: 0))
  }
}
