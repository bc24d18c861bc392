import EmberCore
import Testing

@testable import EmberData

@Suite struct TransformsTests {
  @Test func normalizePerChannel() {
    let x = Tensor([Float](repeating: 1, count: 2 * 2 * 3), shape: [2, 2, 3])
    let y = Normalize(mean: [1, 0], std: [1, 0.5])(x)
    #expect(y.floats == [0, 0, 0, 2, 2, 2, 0, 0, 0, 2, 2, 2])
  }

  @Test func standardizerFitsOnTrainAndApplies() {
    let train = Tensor([[1, 10], [3, 10], [5, 10]] as [[Double]])
    let scaler = Standardizer(fittedOn: train)
    #expect(scaler.mean == [3, 10])
    #expect(abs(scaler.std[0] - (8.0 / 3).squareRoot()) < 1e-9)
    #expect(scaler.std[1] == 1)  // a constant feature is left unscaled
    let scaled = scaler(train)
    #expect(abs(scaled.mean(axis: 0).doubles[0]) < 1e-6)
    let test = scaler(Tensor([[3, 12]] as [[Double]]))
    #expect(test.floats == [0, 2])
    let back = scaler.inverse(scaled).floats
    #expect(zip(back, [1, 10, 3, 10, 5, 10] as [Float]).allSatisfy { abs($0 - $1) < 1e-5 })
  }

  @Test func minMaxScalesToRange() {
    let train = Tensor([[0, -1], [10, 1], [5, 0]] as [[Double]])
    let scaler = MinMaxScaler(fittedOn: train)
    #expect(scaler.minimum == [0, -1] && scaler.maximum == [10, 1])
    #expect(scaler(train).floats == [0, 0, 1, 1, 0.5, 0.5])
    let wide = MinMaxScaler(fittedOn: train, range: -1...1)
    #expect(wide(train).floats == [-1, -1, 1, 1, 0, 0])
  }
}
