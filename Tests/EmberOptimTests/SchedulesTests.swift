import EmberCore
import EmberNN
import Testing

@testable import EmberOptim

/// Checks `schedule` at steps 0, 1, … against `expected` (from `torch.optim.lr_scheduler`).
func expectRates(
  _ schedule: some LearningRateSchedule, _ expected: [Double],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let got = expected.indices.map { schedule.learningRate(at: $0) }
  let close = zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
  #expect(close, "got \(got), expected \(expected)", sourceLocation: sourceLocation)
}

// Reference values below come from torch.optim.lr_scheduler (torch 2.x), stepped once per entry.
@Suite struct SchedulesTests {
  @Test func stepDecay() {
    expectRates(
      StepDecay(initial: 0.1, stepSize: 3, gamma: 0.5),
      [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025])
  }

  @Test func multiStepDecay() {
    expectRates(
      MultiStepDecay(initial: 0.1, milestones: [5, 2], gamma: 0.1),
      [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001])
  }

  @Test func exponentialDecay() {
    expectRates(ExponentialDecay(initial: 0.1, gamma: 0.9), [0.1, 0.09, 0.081, 0.0729])
    // Keras's form: 0.1 · 0.5^(t/2), and its staircase.
    expectRates(
      ExponentialDecay(initial: 0.1, decayRate: 0.5, decaySteps: 2),
      [0.1, 0.1 * 0.5.squareRoot(), 0.05])
    expectRates(
      ExponentialDecay(initial: 0.1, decayRate: 0.5, decaySteps: 2, staircase: true),
      [0.1, 0.1, 0.05, 0.05, 0.025])
  }

  @Test func inverseTimeDecay() {
    // 0.1 / (1 + 0.5·t/2)
    expectRates(
      InverseTimeDecay(initial: 0.1, decayRate: 0.5, decaySteps: 2),
      [0.1, 0.1 / 1.25, 0.1 / 1.5, 0.1 / 1.75])
    expectRates(
      InverseTimeDecay(initial: 0.1, decayRate: 0.5, decaySteps: 2, staircase: true),
      [0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5, 0.05])
  }

  @Test func cosineDecay() {
    let schedule = CosineDecay(initial: 0.1, totalSteps: 10, minimum: 0.01)
    expectRates(
      schedule,
      [0.1, 0.09779754323328192, 0.09140576474687263, 0.08145033635316129, 0.06890576474687264,
       0.05500000000000001, 0.04109423525312737, 0.028549663646838717, 0.01859423525312737,
       0.012202456766718092, 0.01])
    #expect(schedule.learningRate(at: 15) == 0.01)  // stays at the minimum
  }

  @Test func cosineDecayWithWarmRestarts() {
    expectRates(
      CosineDecayWithWarmRestarts(initial: 0.1, firstPeriod: 3, periodMultiplier: 2, minimum: 0.01),
      [0.1, 0.0775, 0.032500000000000015, 0.1, 0.09397114317029975, 0.0775, 0.05500000000000001,
       0.032500000000000015, 0.01602885682970026, 0.1, 0.09846666218300808, 0.09397114317029975])
    expectRates(
      CosineDecayWithWarmRestarts(initial: 0.1, firstPeriod: 2),
      [0.1, 0.05, 0.1, 0.05])
  }

  @Test func linearWarmup() {
    // LinearLR(start_factor 0.25, total_iters 4), then the wrapped constant-ish schedule.
    let schedule = LinearWarmup(
      wrapping: StepDecay(initial: 0.1, stepSize: 2, gamma: 0.5), warmupSteps: 4, startFactor: 0.25)
    expectRates(schedule, [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.05])
  }

  @Test func oneCycle() {
    expectRates(
      OneCycle(maxLearningRate: 1, totalSteps: 10),
      [0.040000000000000036, 0.52, 1.0, 0.9504846320134737, 0.8117456539497631,
       0.6112620219362893, 0.38874197806371075, 0.18825834605023697, 0.049519367986526286, 4e-06])
  }

  @Test func oneCycleMomentumMatchesTorch() {
    // OneCycleLR(max_lr 0.2, total_steps 20, pct_start 0.25) over SGD: rate and cycled momentum.
    let schedule = OneCycle(maxLearningRate: 0.2, totalSteps: 20, pctStart: 0.25)
    let torch: [(Int, Double, Double)] = [
      (0, 0.008000000000000007, 0.95), (2, 0.10400000000000001, 0.8999999999999999), (4, 0.2, 0.85),
      (5, 0.1978147688143403, 0.8510926199633096), (10, 0.130901975830697, 0.8845491502812526),
      (19, 8e-07, 0.95),
    ]
    for (step, rate, momentum) in torch {
      #expect(Swift.abs(schedule.learningRate(at: step) - rate) < 1e-12, "rate at \(step)")
      #expect(Swift.abs(schedule.momentum(at: step) - momentum) < 1e-12, "momentum at \(step)")
    }
  }

  @Test func reduceOnPlateauMatchesTorch() {
    // ReduceLROnPlateau(factor 0.5, patience 2, threshold 1e-4, threshold_mode "abs", cooldown 1).
    let optimizer = SGD(learningRate: 1)
    let plateau = ReduceOnPlateau(factor: 0.5, patience: 2, minDelta: 1e-4, cooldown: 1)
    let metrics = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85]
    let expected = [1.0, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]
    var got: [Double] = []
    for metric in metrics {
      plateau.step(metric: metric, optimizer: optimizer)
      got.append(optimizer.learningRate)
    }
    #expect(got == expected)
  }

  @Test func reduceOnPlateauMaxModeAndFloor() {
    let optimizer = SGD(learningRate: 1)
    let plateau = ReduceOnPlateau(
      factor: 0.1, patience: 0, mode: .max, minimumLearningRate: 0.05)
    plateau.step(metric: 0.5, optimizer: optimizer)  // improves on −∞
    #expect(optimizer.learningRate == 1)
    plateau.step(metric: 0.6, optimizer: optimizer)  // improves
    #expect(optimizer.learningRate == 1)
    plateau.step(metric: 0.6, optimizer: optimizer)  // no improvement, patience 0: cut
    #expect(abs(optimizer.learningRate - 0.1) < 1e-15)
    plateau.step(metric: 0.4, optimizer: optimizer)  // cut again, floored
    #expect(optimizer.learningRate == 0.05)
    #expect(plateau.best == 0.6)
  }
}
