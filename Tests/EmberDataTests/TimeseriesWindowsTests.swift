import EmberBackend
import EmberCore
import Testing

@testable import EmberData

/// Windows as Keras's `timeseries_dataset_from_array` makes them, bounded by a split.
@Suite struct TimeseriesWindowsTests {
  /// Rows 0…19 of two features: row r is (r, 100 + r).
  static let data = Tensor((0..<20).flatMap { [Double($0), Double(100 + $0)] }, shape: [20, 2])
  static let targets = Tensor((0..<20).map { Double($0) }, shape: [20])

  /// Keras with `targets=data[5:]`, `sequence_length=3`, `sampling_rate=2`: windows 0,2,4 → 5, …
  @Test func windowsAndTargetsFollowKeras() {
    let windows = TimeseriesWindows(data: Self.data, targets: Self.targets, sequenceLength: 3, samplingRate: 2,
                                    targetOffset: 5, range: 0..<10)
    #expect(windows.starts == [0, 1, 2, 3, 4])
    let batch = windows.batch(at: [0, 4])
    #expect(batch.inputs.shape == [2, 3, 2])
    #expect(batch.inputs.doubles == [0, 100, 2, 102, 4, 104, 4, 104, 6, 106, 8, 108])
    #expect(batch.targets.doubles == [5, 9])
  }

  /// No window or target leaves its range; the stride skips starts.
  @Test func windowsStayInsideTheirSplit() {
    let (train, validation, test) = chronologicalSplit(count: 20, training: 0.5, validation: 0.25)
    #expect(train == 0..<10 && validation == 10..<15 && test == 15..<20)
    let windows = TimeseriesWindows(data: Self.data, targets: Self.targets, sequenceLength: 2, sequenceStride: 2,
                                    targetOffset: 2, range: validation)
    #expect(windows.starts == [10, 12])  // 12 + 2 = 14 is the last row in 10..<15
    for i in 0..<windows.count {
      let batch = windows.batch(at: [i])
      #expect(batch.inputs.doubles.enumerated().filter { $0.offset % 2 == 0 }.allSatisfy { validation.contains(Int($0.element)) })
      #expect(validation.contains(Int(batch.targets.doubles[0])))
    }
    // A one-feature series gives [batch, sequenceLength].
    let single = TimeseriesWindows(data: Self.targets, targets: Self.targets, sequenceLength: 4, range: test)
    #expect(single.count == 2 && single.batch(at: [1]).inputs.shape == [1, 4])
    #expect(single.batch(at: [1]).inputs.doubles == [16, 17, 18, 19])
  }
}
