import EmberBackend
import EmberCore
import Foundation
import EmberTestSupport
import Testing

@testable import EmberNN

/// Cross-entropy and negative log-likelihood. Reference values come from torch 2.15
/// (`torch.nn.functional.cross_entropy` / `nll_loss`, float64).
@Suite struct CrossEntropyTests {
  let logits = Tensor(
    [[1.0, 2.0, 0.5, -1.0], [0.1, 0.2, 0.3, 0.4], [-2.0, 1.0, 3.0, 0.0]], dtype: .float64)
  let labels = Tensor([1, 3, 2] as [Int64])
  let classWeights = Tensor([1, 2, 0.5, 1] as [Double])

  @Test func classIndices() {
    expectClose(crossEntropy(logits: logits, labels: labels), 0.6377442633859111)
    expectClose(crossEntropy(logits: logits, labels: labels, reduction: .sum), 1.9132327901577333)
    expectClose(crossEntropy(logits: logits, labels: labels, reduction: .none).doubles,
                [0.49518189808585605, 1.2425355294551628, 0.1755153626167145])
    expectClose(crossEntropy(logits: logits, labels: labels.cast(to: .int32)), 0.6377442633859111)
    // By hand for the first row: logsumexp(1, 2, 0.5, −1) − 2.
    let row = [1.0, 2.0, 0.5, -1.0]
    let first = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)) - 2
    expectClose([crossEntropy(logits: logits, labels: labels, reduction: .none).doubles[0]], [first])
  }

  @Test func classWeightsDivideByTheTargetsWeights() {
    expectClose(crossEntropy(logits: logits, labels: labels, classWeights: classWeights),
                0.6630448591243521)
    expectClose(crossEntropy(logits: logits, labels: labels, classWeights: classWeights,
                             reduction: .none).doubles,
                [0.9903637961717121, 1.2425355294551628, 0.08775768130835725])
  }

  @Test func labelSmoothing() {
    expectClose(crossEntropy(logits: logits, labels: labels, labelSmoothing: 0.1),
                0.7719109300525777)
    expectClose(crossEntropy(logits: logits, labels: labels, classWeights: classWeights,
                             labelSmoothing: 0.2), 0.9034294238096217)
    expectClose(crossEntropy(logits: logits, labels: labels, classWeights: classWeights,
                             labelSmoothing: 0.2, reduction: .none).doubles,
                [1.1412069640066873, 1.3110989176915417, 0.7096971016354465])
  }

  @Test func ignoreIndex() {
    let ignoring = Tensor([1, -100, 2] as [Int64])
    expectClose(crossEntropy(logits: logits, labels: ignoring), 0.33534863035128526)
    expectClose(crossEntropy(logits: logits, labels: ignoring, reduction: .none).doubles,
                [0.49518189808585605, 0.0, 0.1755153626167145])
    expectClose(crossEntropy(logits: logits, labels: ignoring, classWeights: classWeights,
                             labelSmoothing: 0.1), 0.5858051086244407)
  }

  @Test func classProbabilities() {
    let targets = Tensor(
      [[0.1, 0.6, 0.2, 0.1], [0.0, 0.0, 0.0, 1.0], [0.25, 0.25, 0.25, 0.25]], dtype: .float64)
    expectClose(crossEntropy(logits: logits, labels: targets), 1.7044109300525776)
    expectClose(crossEntropy(logits: logits, labels: targets, classWeights: classWeights,
                             labelSmoothing: 0.1), 1.9374085108225738)
    // One-hot probabilities equal the indices.
    let oneHot = Tensor.oneHot(labels, classes: 4, dtype: .float64)
    expectClose(crossEntropy(logits: logits, labels: oneHot).doubles,
                crossEntropy(logits: logits, labels: labels).doubles)
  }

  @Test func classesOnAxisOne() {
    let spatial = Tensor(
      [[[0.2, -0.5], [1.0, 0.3], [0.0, 2.0]], [[1.5, 0.1], [-1.0, 0.0], [0.4, 0.4]]],
      dtype: .float64)  // [N = 2, C = 3, d = 2]
    let spatialLabels = Tensor([2, 0, 0, 1] as [Int64], shape: [2, 2])
    expectClose(crossEntropy(logits: spatial, labels: spatialLabels, reduction: .none).doubles,
                [1.5973014802988987, 2.734889119409121, 0.3470984933852523, 1.2800989458406056])
    expectClose(crossEntropy(logits: spatial, labels: spatialLabels,
                             classWeights: Tensor([1, 2, 3] as [Double])), 1.4905842779103258)
    // A single sample of [C] logits.
    expectClose(crossEntropy(logits: Tensor([1, 2, 0.5] as [Double]), labels: Tensor([Int64(2)], shape: [])),
                1.964368784107945)
  }

  @Test func negativeLogLikelihoodValues() {
    let logProbabilities = logits.logSoftmax(axis: 1)
    expectClose(negativeLogLikelihood(logProbabilities: logProbabilities, labels: labels,
                                      classWeights: classWeights), 0.6630448591243521)
    expectClose(negativeLogLikelihood(logProbabilities: logProbabilities, labels: labels),
                0.6377442633859111)
  }

  @Test(arguments: [nil, 2] as [Int?]) func fusedMatchesComposed(ignoreIndex: Int?) {
    let x = Tensor(testValues(40, in: -3...3, seed: 21), shape: [8, 5])
    let y = Tensor([0, 4, 2, 2, 1, 3, 0, 4] as [Int64])
    let targets = ClassTargets(y, for: x, classWeights: nil, ignoreIndex: ignoreIndex, op: "test")
    for mean in [true, false] {
      let a = x.requiringGradient(), b = x.requiringGradient()
      let fused = fusedCrossEntropy(logits: a, labels: targets.labels, valid: targets.validMask, mean: mean)
      let composed = composedCrossEntropy(
        logits: b, targets: targets, classWeights: nil, labelSmoothing: 0,
        reduction: mean ? .mean : .sum)
      expectClose(fused.doubles, composed.doubles, tolerance: 1e-12)
      expectClose(fused.backward()[a]!.doubles, composed.backward()[b]!.doubles, tolerance: 1e-12)
    }
  }

  @Test func gradients() {
    let x = Tensor(testValues(12, in: -2...2, seed: 31), shape: [3, 4])
    checkGradients("crossEntropy fused", inputs: [x]) { crossEntropy(logits: $0[0], labels: labels) }
    checkGradients("crossEntropy weighted smoothed", inputs: [x]) {
      crossEntropy(logits: $0[0], labels: labels, classWeights: classWeights, labelSmoothing: 0.2)
    }
    checkGradients("crossEntropy ignore none", inputs: [x]) {
      crossEntropy(logits: $0[0], labels: Tensor([1, -100, 2] as [Int64]), reduction: .none)
    }
    let p = Tensor(testValues(12, in: 0.1...1, seed: 32), shape: [3, 4])
    checkGradients("crossEntropy probabilities", inputs: [x, p]) {
      crossEntropy(logits: $0[0], labels: $0[1], classWeights: classWeights, labelSmoothing: 0.1)
    }
    let spatial = Tensor(testValues(12, in: -2...2, seed: 33), shape: [2, 3, 2])
    checkGradients("crossEntropy spatial", inputs: [spatial]) {
      crossEntropy(logits: $0[0], labels: Tensor([2, 0, 0, 1] as [Int64], shape: [2, 2]))
    }
    checkGradients("negativeLogLikelihood", inputs: [x]) {
      negativeLogLikelihood(logProbabilities: $0[0], labels: labels, classWeights: classWeights)
    }
  }
}

/// A loss at an edge checked against PyTorch's values and gradients in
/// Tests/Fixtures/op_fixtures.json (the `nn.` cases): large float32 logits, and an `ignoreIndex`
/// that is a valid class.
struct LossEdgeCase: Sendable, CustomTestStringConvertible {
  let name: String
  let tolerance: Double
  let loss: @Sendable ([Tensor]) -> Tensor
  var testDescription: String { name }

  init(_ name: String, tolerance: Double = 1e-12, _ loss: @escaping @Sendable ([Tensor]) -> Tensor) {
    (self.name, self.tolerance, self.loss) = ("nn." + name, tolerance, loss)
  }
}

let lossEdgeCases: [LossEdgeCase] = [
  LossEdgeCase("crossEntropy large logits float32", tolerance: 5e-7) {
    crossEntropy(logits: $0[0], labels: $0[1])
  },
  LossEdgeCase("crossEntropy ignoreIndex 0 mean") {
    crossEntropy(logits: $0[0], labels: $0[1], ignoreIndex: 0)
  },
  LossEdgeCase("crossEntropy ignoreIndex 0 sum") {
    crossEntropy(logits: $0[0], labels: $0[1], ignoreIndex: 0, reduction: .sum)
  },
  LossEdgeCase("crossEntropy ignoreIndex 0 none") {
    crossEntropy(logits: $0[0], labels: $0[1], ignoreIndex: 0, reduction: .none)
  },
  LossEdgeCase("negativeLogLikelihood ignoreIndex 0 mean") {
    negativeLogLikelihood(logProbabilities: $0[0], labels: $0[1], ignoreIndex: 0)
  },
  LossEdgeCase("negativeLogLikelihood ignoreIndex 0 sum") {
    negativeLogLikelihood(logProbabilities: $0[0], labels: $0[1], ignoreIndex: 0, reduction: .sum)
  },
  LossEdgeCase("negativeLogLikelihood ignoreIndex 0 none") {
    negativeLogLikelihood(logProbabilities: $0[0], labels: $0[1], ignoreIndex: 0, reduction: .none)
  },
  LossEdgeCase("crossEntropy ignoreIndex 0 weights") {
    crossEntropy(logits: $0[0], labels: $0[1], classWeights: $0[2], ignoreIndex: 0)
  },
  LossEdgeCase("crossEntropy ignoreIndex 0 smoothing") {
    crossEntropy(logits: $0[0], labels: $0[1], labelSmoothing: 0.1, ignoreIndex: 0)
  },
  LossEdgeCase("crossEntropy ignoreIndex 0 weights smoothing") {
    crossEntropy(logits: $0[0], labels: $0[1], classWeights: $0[2], labelSmoothing: 0.1,
                 ignoreIndex: 0)
  },
  LossEdgeCase("crossEntropy ignoreIndex 2 spatial") {
    crossEntropy(logits: $0[0], labels: $0[1], ignoreIndex: 2)
  },
]

@Suite struct CrossEntropyPyTorchTests {
  @Test(arguments: lossEdgeCases, testDevices)
  func matchesPyTorch(_ c: LossEdgeCase, _ device: Device) throws {
    let fixture = try #require(OpFixture.shared.edgeCases[c.name], "\(c.name): no PyTorch reference")
    let inputs = fixture.inputs.enumerated().map { i, input in
      let x = input.tensor(on: device)
      return fixture.gradients?[i] == nil ? x : x.requiringGradient()
    }
    let out = c.loss(inputs)
    expectMatches(out, fixture.output, tolerance: c.tolerance, c.name)
    expectGradientsMatch(out, inputs: inputs, fixture, tolerance: c.tolerance, c.name)
  }

  /// Every `nn.` case of the fixture has a row here.
  @Test func fixtureCoversTheTable() {
    let losses = OpFixture.shared.edgeCases.keys.filter { $0.hasPrefix("nn.") }
    #expect(Set(losses) == Set(lossEdgeCases.map(\.name)))
  }
}
