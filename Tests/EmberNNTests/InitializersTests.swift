import EmberBackend
import EmberCore
import Foundation
import EmberTestSupport
import Testing

@testable import EmberNN

@Suite struct InitializersTests {
  /// Mean and (population) standard deviation.
  func moments(_ t: Tensor) -> (mean: Double, std: Double) {
    let v = t.doubles
    let mean = v.reduce(0, +) / Double(v.count)
    let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)
    return (mean, variance.squareRoot())
  }

  func draw(_ initializer: Initializer, _ shape: [Int], seed: UInt64 = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return initializer(shape, using: &generator)
  }

  @Test func fansFollowPyTorch() {
    #expect(Initializer.fans([10, 20]) == (20, 10))
    #expect(Initializer.fans([16, 3, 5, 5]) == (75, 400))  // Conv2D [out, in, kh, kw]
    #expect(Initializer.fans([7]) == (7, 7))
  }

  @Test func uniformBoundsAndSpread() {
    // (initializer, shape, bound)
    let shape = [200, 300]
    let cases: [(String, Initializer, Double)] = [
      ("glorotUniform", .glorotUniform, (6.0 / 500).squareRoot()),
      ("glorotUniform(gain: 2)", .glorotUniform(gain: 2), 2 * (6.0 / 500).squareRoot()),
      ("heUniform", .heUniform, 2.0.squareRoot() * (3.0 / 300).squareRoot()),
      ("heUniform(fanOut)", .heUniform(mode: .fanOut), 2.0.squareRoot() * (3.0 / 200).squareRoot()),
      ("heUniform(a: √5)", .heUniform(negativeSlope: 5.0.squareRoot()), 1 / 300.0.squareRoot()),
      ("lecunUniform", .lecunUniform, (3.0 / 300).squareRoot()),
      ("uniform", .uniform(in: -0.3...0.3), 0.3),
    ]
    for (name, initializer, bound) in cases {
      let t = draw(initializer, shape)
      let v = t.doubles
      #expect(v.allSatisfy { abs($0) <= bound * (1 + 1e-6) }, "\(name): outside ±\(bound)")
      #expect(v.max()! > 0.99 * bound && v.min()! < -0.99 * bound, "\(name): does not reach ±\(bound)")
      let (mean, std) = moments(t)
      #expect(abs(mean) < 0.01 * bound * 10, "\(name): mean \(mean)")
      #expect(abs(std - bound / 3.0.squareRoot()) < 0.02 * bound, "\(name): std \(std)")
    }
  }

  @Test func normalStandardDeviations() {
    let shape = [200, 300]
    let cases: [(String, Initializer, Double)] = [
      ("glorotNormal", .glorotNormal, (2.0 / 500).squareRoot()),
      ("heNormal", .heNormal, (2.0 / 300).squareRoot()),
      ("heNormal(leaky 0.1, fanOut)", .heNormal(mode: .fanOut, negativeSlope: 0.1),
       (2 / 1.01 / 200).squareRoot()),
      ("lecunNormal", .lecunNormal, (1.0 / 300).squareRoot()),
      ("normal", .normal(mean: 0, standardDeviation: 0.02), 0.02),
      ("truncatedNormal", .truncatedNormal(standardDeviation: 0.5), 0.5 * 0.8796256610342398),
    ]
    for (name, initializer, expected) in cases {
      let (mean, std) = moments(draw(initializer, shape))
      #expect(abs(mean) < 0.02 * expected, "\(name): mean \(mean)")
      #expect(abs(std - expected) < 0.02 * expected, "\(name): std \(std), expected \(expected)")
    }
    let truncated = draw(.truncatedNormal(standardDeviation: 0.5), shape).doubles
    #expect(truncated.allSatisfy { abs($0) <= 1.0 })
  }

  @Test func constants() {
    #expect(draw(.zeros, [3, 4]).doubles == [Double](repeating: 0, count: 12))
    #expect(draw(.ones, [5]).doubles == [Double](repeating: 1, count: 5))
    #expect(draw(.constant(-2.5), [2, 2]).doubles == [-2.5, -2.5, -2.5, -2.5])
    var generator = RandomGenerator(seed: 3)
    #expect(Initializer.ones([2], dtype: .float64, using: &generator).dtype == .float64)
  }

  @Test(arguments: [[6, 6], [4, 10], [10, 4], [3, 2, 2, 2]])
  func orthogonalRowsOrColumns(_ shape: [Int]) {
    let gain = 1.5
    let q = draw(.orthogonal(gain: gain), shape, seed: 5).cast(to: .float64)
    let matrix = q.reshaped([shape[0], -1])
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    // Q·Qᵀ = gain²·I for wide matrices, Qᵀ·Q = gain²·I for tall ones.
    let gram = rows <= columns ? matrix.matmul(matrix.transposed()) : matrix.transposed().matmul(matrix)
    let n = Swift.min(rows, columns)
    expectClose(gram.doubles, Tensor.eye(n, dtype: .float64).doubles.map { $0 * gain * gain },
                tolerance: 1e-5, "orthogonal \(shape)")
  }

  @Test func drawsAreSeeded() {
    #expect(draw(.heNormal, [10, 10], seed: 4).doubles == draw(.heNormal, [10, 10], seed: 4).doubles)
    #expect(draw(.heNormal, [10, 10], seed: 4).doubles != draw(.heNormal, [10, 10], seed: 5).doubles)
    #expect(draw(.orthogonal, [8, 8], seed: 4).doubles == draw(.orthogonal, [8, 8], seed: 4).doubles)
  }
}
