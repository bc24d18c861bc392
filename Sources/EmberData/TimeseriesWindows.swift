import EmberBackend
import EmberCore

/// Sliding windows over a time series, like Keras's `timeseries_dataset_from_array`: example `i`
/// is the `sequenceLength` rows `s, s + samplingRate, …` from `s = range.lowerBound +
/// i·sequenceStride`, and its target the row `s + targetOffset` of `targets`.
///
/// Only windows whose every row and whose target lie inside `range` are made, so windows over a
/// chronological split's training part never read its validation rows (Keras's `start_index`
/// and `end_index` bound the window only). A forecast `h` steps past a window's last row has
/// `targetOffset = (sequenceLength − 1)·samplingRate + h`.
///
/// Shapes: `data` `[N, features]` (or `[N]`) → inputs `[batch, sequenceLength, features]`
/// (or `[batch, sequenceLength]`); `targets` `[N, …]` → `[batch, …]`.
public struct TimeseriesWindows: Dataset {
  public let data: Tensor
  public let targets: Tensor
  public let sequenceLength: Int
  public let samplingRate: Int
  public let sequenceStride: Int
  public let targetOffset: Int
  /// The first row of each window.
  public let starts: [Int]
  /// Applied to the inputs of every batch, or `nil`.
  public var transform: (any Transform)?

  /// The windows over `data` inside `range` (all rows when `nil`).
  public init(
    data: Tensor, targets: Tensor, sequenceLength: Int, samplingRate: Int = 1, sequenceStride: Int = 1,
    targetOffset: Int = 0, range: Range<Int>? = nil, transform: (any Transform)? = nil
  ) {
    precondition(data.rank >= 1 && targets.rank >= 1 && data.shape[0] == targets.shape[0],
                 "TimeseriesWindows: data \(data.shape) and targets \(targets.shape) differ along axis 0")
    precondition(sequenceLength > 0 && samplingRate > 0 && sequenceStride > 0,
                 "TimeseriesWindows: sequenceLength \(sequenceLength), samplingRate \(samplingRate) and sequenceStride \(sequenceStride) must be positive")
    let rows = range ?? 0..<data.shape[0]
    precondition(rows.lowerBound >= 0 && rows.upperBound <= data.shape[0],
                 "TimeseriesWindows: range \(rows) is outside the \(data.shape[0]) rows")
    let span = (sequenceLength - 1) * samplingRate
    let last = Swift.max(span, targetOffset)  // the furthest row from a window's start
    let first = Swift.min(0, targetOffset)
    var starts: [Int] = []
    var s = rows.lowerBound - first
    while s + last < rows.upperBound {
      starts.append(s)
      s += sequenceStride
    }
    (self.data, self.targets, self.starts, self.transform) = (data, targets, starts, transform)
    (self.sequenceLength, self.samplingRate, self.sequenceStride, self.targetOffset)
      = (sequenceLength, samplingRate, sequenceStride, targetOffset)
  }

  public var count: Int { starts.count }

  public func batch(at indices: [Int]) -> Batch {
    var rows: [Int] = []
    rows.reserveCapacity(indices.count * sequenceLength)
    for i in indices {
      precondition(i >= 0 && i < starts.count, "TimeseriesWindows: index \(i) out of range 0..<\(starts.count)")
      for j in 0..<sequenceLength { rows.append(starts[i] + j * samplingRate) }
    }
    let windowIndex = Tensor(rows, shape: [rows.count], on: data.device)
    let selected = data.indexSelect(axis: 0, indices: windowIndex)
    var inputs = selected.reshaped([indices.count, sequenceLength] + Array(data.shape.dropFirst()))
    if let transform { inputs = transform(inputs) }
    let targetIndex = Tensor(indices.map { starts[$0] + targetOffset }, shape: [indices.count], on: targets.device)
    return Batch(inputs: inputs, targets: targets.indexSelect(axis: 0, indices: targetIndex))
  }
}

/// The rows `0..<count` split in time order into training, validation and test ranges of the
/// given fractions (the test part takes the rest), as a forecasting split must be: never shuffled.
public func chronologicalSplit(
  count: Int, training: Double, validation: Double
) -> (training: Range<Int>, validation: Range<Int>, test: Range<Int>) {
  precondition(training > 0 && validation >= 0 && training + validation <= 1,
               "chronologicalSplit: fractions \(training) and \(validation) must be positive and sum to at most 1")
  let a = Int((Double(count) * training).rounded(.down))
  let b = Swift.min(count, a + Int((Double(count) * validation).rounded(.down)))
  return (0..<a, a..<b, b..<count)
}
