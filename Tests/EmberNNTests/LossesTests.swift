import EmberBackend
import Foundation
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

/// The regression losses, binary cross-entropy, KL divergence and the weight penalties. Reference
/// values come from torch 2.15 (`torch.nn.functional`, float64) unless computed inline.
@Suite struct LossesTests {
  let prediction = Tensor([[0.5, -1.2, 2.0], [0.3, 0.8, -0.4]], dtype: .float64)
  let target = Tensor([[1.0, -1.0, 0.5], [0.0, 2.5, -0.4]], dtype: .float64)

  @Test func meanSquaredErrorValues() {
    // d = [−0.5, −0.2, 1.5, 0.3, −1.7, 0]: Σd² = 0.25 + 0.04 + 2.25 + 0.09 + 2.89 + 0 = 5.52.
    expectClose(meanSquaredError(prediction, target), 0.92)
    expectClose(meanSquaredError(prediction, target, reduction: .sum), 5.52)
    expectClose(meanSquaredError(prediction, target, reduction: .none).doubles,
                [0.25, 0.04, 2.25, 0.09, 2.89, 0])
  }

  @Test func meanAbsoluteErrorValues() {
    expectClose(meanAbsoluteError(prediction, target), 0.7)  // Σ|d| = 4.2
    expectClose(l1Loss(prediction, target, reduction: .sum), 4.2)
  }

  @Test func huberAndSmoothL1Values() {
    expectClose(huberLoss(prediction, target, reduction: .none).doubles,
                [0.125, 0.02, 1.0, 0.045, 1.2, 0.0])
    expectClose(huberLoss(prediction, target, delta: 0.5), 0.25666666666666665)
    expectClose(smoothL1Loss(prediction, target, beta: 0.5, reduction: .none).doubles,
                [0.25, 0.04, 1.25, 0.09, 1.45, 0.0])
    expectClose(smoothL1Loss(prediction, target, beta: 0), 0.7)
    // smoothL1(β) = huber(δ = β) / β.
    expectClose(smoothL1Loss(prediction, target, beta: 0.5).doubles,
                (huberLoss(prediction, target, delta: 0.5) / 0.5).doubles)
  }

  @Test func binaryCrossEntropyValues() {
    let p = Tensor([0.9, 0.2, 0.6, 0.01] as [Double])
    let t = Tensor([1, 0, 1, 0.5] as [Double])
    let w = Tensor([1, 2, 0.5, 1] as [Double])
    expectClose(binaryCrossEntropy(probabilities: p, targets: t), 0.7867349879147056)
    expectClose(binaryCrossEntropy(probabilities: p, targets: t, weights: w, reduction: .none).doubles,
                [0.10536051565782628, 0.44628710262841953, 0.25541281188299536, 2.307610260920796])
    expectClose(binaryCrossEntropy(probabilities: p, targets: t, weights: w), 0.7786676727725093)
  }

  @Test func binaryCrossEntropyClampsTheLogLikePyTorch() {
    let p = Tensor([0, 1, 0] as [Double]).requiringGradient()
    let loss = binaryCrossEntropy(
      probabilities: p, targets: Tensor([1, 0, 0] as [Double]), reduction: .sum)
    expectClose(loss, 200)  // −log 0 is clamped to 100, as in torch
    // torch: [-1000000003995.8029, 1000000003995.8029, 0.0] (its ε is a float32 1e-12).
    expectClose(loss.backward()[p]!.doubles, [-1e12, 1e12, 0], tolerance: 1e-8)
  }

  @Test func binaryCrossEntropyWithLogitsValues() {
    let x = Tensor([2.0, -1.0, 0.0, 30.0, -30.0] as [Double]).requiringGradient()
    let t = Tensor([1, 0, 1, 0, 0.3] as [Double])
    let loss = binaryCrossEntropy(logits: x, targets: t, reduction: .none)
    expectClose(loss.doubles, [0.1269280110429725, 0.3132616875182228, 0.6931471805599453,
                               30.000000000000092, 9.000000000000092], tolerance: 1e-12)
    // σ(x) − t, exact at x = 0 too.
    expectClose(loss.sum().backward()[x]!.doubles,
                [-0.11920292202211769, 0.2689414213699951, -0.5, 0.9999999999999065,
                 -0.2999999999999064], tolerance: 1e-12)
    let q = Tensor([2.0] as [Double])
    expectClose(binaryCrossEntropy(logits: x, targets: t, positiveWeight: q), 9.990682414144853)
    let w = Tensor([1, 2, 1, 0.5, 1] as [Double])
    expectClose(
      binaryCrossEntropy(logits: x, targets: t, weights: w, positiveWeight: q, reduction: .none)
        .doubles,
      [0.253856022085945, 0.6265233750364456, 1.3862943611198906, 15.000000000000046,
       18.00000000000012], tolerance: 1e-12)
    // Logits and probabilities agree.
    let moderate = Tensor([0.3, -1.1, 2.2] as [Double])
    let targets = Tensor([1, 0, 0.4] as [Double])
    expectClose(binaryCrossEntropy(logits: moderate, targets: targets).doubles,
                binaryCrossEntropy(probabilities: moderate.sigmoid(), targets: targets).doubles)
  }

  @Test func klDivergenceValues() {
    let input = Tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 1.0]], dtype: .float64).logSoftmax(axis: 1)
    let t = Tensor([[0.2, 0.3, 0.5], [0.0, 0.4, 0.6]], dtype: .float64)
    expectClose(klDivergence(logProbabilities: input, targets: t), 0.06655300879803228)
    expectClose(klDivergence(logProbabilities: input, targets: t, reduction: .batchMean),
                0.19965902639409683)
    expectClose(klDivergence(logProbabilities: input, targets: t, reduction: .none).doubles,
                [0.15963361040205604, 0.061089948035533304, -0.14277060805778244, 0.0,
                 0.1512344150173952, 0.17013068739099146])
    let logT = Tensor([[0.2, 0.3, 0.5], [0.1, 0.3, 0.6]], dtype: .float64).log()
    expectClose(klDivergence(logProbabilities: input, targets: logT, logTargets: true,
                             reduction: .sum), 0.17438399494067028)
  }

  @Test func weightPenalties() {
    let layer = Linear(2, 2)
    layer.weight.assign(Tensor([[1, -2], [0.5, 0]]))
    layer.bias!.assign(Tensor([-1, 3] as [Float]))
    expectClose(l1Penalty(parameters: layer.parameters), 7.5)  // 1 + 2 + 0.5 + 1 + 3
    expectClose(l2Penalty(parameters: layer.parameters), 15.25)  // 1 + 4 + 0.25 + 1 + 9
    expectClose(l2Penalty(parameters: []), 0)
    let grads = l2Penalty(parameters: layer.parameters).backward()
    expectClose(grads[layer.weight]!.doubles, [2, -4, 1, 0])  // d(Σw²) = 2w
    let l1Grads = l1Penalty(parameters: layer.parameters).backward()
    expectClose(l1Grads[layer.bias!]!.doubles, [-1, 1])  // d(Σ|w|) = sign(w)
  }

  // MARK: Gradients (Float64 central differences)

  @Test func regressionGradients() {
    let a = Tensor(testValues(12, in: -2...2, seed: 1), shape: [3, 4])
    let b = Tensor(testValues(12, in: -2...2, seed: 2), shape: [3, 4])
    for reduction in [Reduction.mean, .sum, .none] {
      checkGradients("mse \(reduction)", inputs: [a, b]) {
        meanSquaredError($0[0], $0[1], reduction: reduction)
      }
      checkGradients("mae \(reduction)", inputs: [a, b]) {
        meanAbsoluteError($0[0], $0[1], reduction: reduction)
      }
      checkGradients("huber \(reduction)", inputs: [a, b]) {
        huberLoss($0[0], $0[1], delta: 0.7, reduction: reduction)
      }
      checkGradients("smoothL1 \(reduction)", inputs: [a, b]) {
        smoothL1Loss($0[0], $0[1], beta: 0.7, reduction: reduction)
      }
    }
  }

  @Test func binaryCrossEntropyGradients() {
    let p = Tensor(testValues(6, in: 0.05...0.95, seed: 5), shape: [2, 3])
    let t = Tensor(testValues(6, in: 0...1, seed: 6), shape: [2, 3])
    let w = Tensor([0.5, 1, 2] as [Double])
    checkGradients("bce", inputs: [p]) {
      binaryCrossEntropy(probabilities: $0[0], targets: t, weights: w)
    }
    let x = Tensor(testValues(6, in: -4...4, seed: 7), shape: [2, 3])
    checkGradients("bce logits", inputs: [x]) {
      binaryCrossEntropy(logits: $0[0], targets: t, weights: w, reduction: .sum)
    }
    checkGradients("bce logits posWeight", inputs: [x]) {
      binaryCrossEntropy(logits: $0[0], targets: t, positiveWeight: Tensor([1.5, 2, 3] as [Double]))
    }
  }

  @Test func klDivergenceGradients() {
    let x = Tensor(testValues(8, in: -2...2, seed: 8), shape: [2, 4])
    // Away from t = 0, where t·log t has an infinite slope.
    let t = Tensor([[0.1, 0.2, 0.3, 0.4], [0.05, 0.45, 0.25, 0.25]], dtype: .float64)
    checkGradients("kl", inputs: [x, t]) {
      klDivergence(logProbabilities: $0[0].logSoftmax(axis: 1), targets: $0[1], reduction: .batchMean)
    }
    checkGradients("kl logTargets", inputs: [x, t.log()]) {
      klDivergence(logProbabilities: $0[0].logSoftmax(axis: 1), targets: $0[1], logTargets: true)
    }
  }

  /// The fused Huber and BCE-with-logits passes against their composed formulas (the oracles),
  /// values and gradients, float32 and float64.
  @Test(arguments: [DType.float32, .float64])
  func fusedLossesMatchComposedFormulas(dtype: DType) {
    let shape = [40, 3]
    func values(_ seed: UInt64, _ range: ClosedRange<Double>) -> Tensor {
      Tensor(testValues(120, in: range, seed: seed), shape: shape).cast(to: dtype)
    }
    let x = values(1, -30...30).requiringGradient(), t = values(2, 0...1)
    let w = values(3, 0.5...2), q = Tensor([1.5, 2, 3] as [Double]).cast(to: dtype)
    let tolerance = dtype == .float32 ? 1e-6 : 1e-12
    func check(_ name: String, _ fused: Tensor, _ composed: Tensor) {
      expectClose(fused.doubles, composed.doubles, tolerance: tolerance, name)
      let a = fused.sum().backward()[x]!, b = composed.sum().backward()[x]!
      expectClose(a.doubles, b.doubles, tolerance: tolerance, name + " gradient")
    }
    // BCE with logits: max(x, 0) − x·t + log(1 + e^−|x|), times w; with pos_weight
    // (1 − t)·x + (1 + (q − 1)·t)·(log(1 + e^−|x|) + max(−x, 0)).
    // (a fresh graph for each oracle: backward frees the graph it ran through)
    func softplus() -> Tensor { (-x.abs()).exp().log1p() }
    check("bce", binaryCrossEntropy(logits: x, targets: t, weights: w, reduction: .none),
          (x.maximum(0) - x * t + softplus()) * w)
    check("bce posWeight", binaryCrossEntropy(logits: x, targets: t, positiveWeight: q, reduction: .none),
          (1 - t) * x + (1 + (q - 1) * t) * (softplus() + (-x).maximum(0)))
    // Huber: |d| < δ ? ½d² : δ·(|d| − ½δ).
    let target = values(4, -3...3)
    let d = x / 10 - target, magnitude = d.abs()
    check("huber", huberLoss(x / 10, target, delta: 0.8, reduction: .none),
          Tensor.where(magnitude.less(0.8), d.squared() * 0.5, (magnitude - 0.4) * 0.8))
    _ = d
  }

  /// Second derivatives through the fused losses fall back to the recorded composed pullbacks.
  @Test func lossSecondDerivatives() {
    let x = Tensor([-1.5, 0.2, 0.7] as [Double]).requiringGradient()
    let t = Tensor([0, 1, 1] as [Double])
    let first = binaryCrossEntropy(logits: x, targets: t, reduction: .sum)
      .backward(createGraph: true)[x]!
    let second = first.sum().backward()[x]!.doubles
    let s = x.doubles.map { 1 / (1 + Foundation.exp(-$0)) }
    expectClose(second, s.map { $0 * (1 - $0) }, tolerance: 1e-12, "bce σ′")
    let firstHuber = huberLoss(x, t, delta: 1, reduction: .sum).backward(createGraph: true)[x]!
    let secondHuber = firstHuber.sum().backward()[x]!.doubles
    expectClose(secondHuber, [0, 1, 1], tolerance: 1e-12, "huber")  // |d| = 1.5, 0.8, 0.3
  }
}
