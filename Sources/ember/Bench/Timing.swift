import Dispatch

/// Median, fastest and slowest of a set of timed runs, in seconds.
struct Timing: Sendable {
  var median: Double
  var min: Double
  var max: Double
  /// How many runs were timed.
  var samples: Int

  /// Runs `body` `warmup` times untimed, then times it until at least `minSamples` runs and
  /// `minSeconds` of timed work (at most `maxSamples` runs).
  static func measure(
    warmup: Int = 3, minSamples: Int = 15, minSeconds: Double = 1, maxSamples: Int = 1000,
    _ body: () -> Void
  ) -> Timing {
    precondition(minSamples > 0 && maxSamples >= minSamples,
                 "Timing: need 0 < minSamples (\(minSamples)) ≤ maxSamples (\(maxSamples))")
    for _ in 0..<warmup { body() }
    var times: [Double] = [], total = 0.0
    while times.count < maxSamples && (times.count < minSamples || total < minSeconds) {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
      times.append(seconds)
      total += seconds
    }
    times.sort()
    let middle = times.count / 2
    let median = times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
    return Timing(median: median, min: times[0], max: times[times.count - 1], samples: times.count)
  }

  /// `rateKey` = `amount` per second at the median time, the median/min/max in milliseconds and the
  /// sample count, as bench metrics.
  func metrics(_ rateKey: String, perRun amount: Double) -> [(key: String, value: JSONValue)] {
    [
      (rateKey, .number(amount / median)),
      ("op_ms_median", .number(median * 1e3)),
      ("op_ms_min", .number(min * 1e3)),
      ("op_ms_max", .number(max * 1e3)),
      ("samples", .number(Double(samples))),
    ]
  }
}
