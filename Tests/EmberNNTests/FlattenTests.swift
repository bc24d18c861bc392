import EmberBackend
import EmberCore
import Testing

@testable import EmberNN

@Suite struct FlattenTests {
  @Test func harness() {
    checkLayer("Flatten", input: [2, 3, 4, 5], output: [2, 60], parameterNames: [],
               parameterCount: 0) { _ in Flatten() }
    checkLayer("Flatten(0, 1)", input: [2, 3, 4], output: [6, 4], parameterNames: [],
               parameterCount: 0) { _ in Flatten(startAxis: 0, endAxis: 1) }
  }

  @Test func keepsRowMajorOrder() {
    let x = Tensor.arange(0, 24, dtype: .float32).reshaped([2, 3, 4])
    #expect(Flatten()(x).doubles == x.doubles)
  }
}
