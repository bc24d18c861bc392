import ArgumentParser
import Ember
import EmberCPU
import Foundation

/// `ember bench <workload>… [--threads N]`: runs workloads and prints their results as JSON in the
/// schema of `../shared/bench/README.md`, so `anchors.py --compare` shows them beside the reference.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run benchmark workloads and print JSON results.",
    discussion: """
      Prints {"results": {WORKLOAD: {"THREADS": {metrics}}}} to standard output (progress goes to \
      standard error). Every workload also reports "peak_bytes": the most memory its tensors held \
      at once (the backend's buffer statistics), and a workload that reports "gflops" also reports \
      "share_of_peak": those GFLOP/s over the machine's FP32 FMA peak on the same threads, measured \
      once per run as ../shared/bench/peak.c does ("fp32_fma_peak_gflops" under "machine"). \
      Workloads: \(BenchWorkload.all.map(\.name).joined(separator: ", ")).
      """)

  @Argument(help: "Workloads to run (see --list).")
  var workloads: [String] = []

  @Option(help: "Threads for Ember's kernels and BLAS (default: all active cores).")
  var threads: Int?

  @Flag(help: "List the workloads and exit.")
  var list = false

  func validate() throws {
    if list { return }
    if workloads.isEmpty {
      throw ValidationError("Name at least one workload. Known workloads: \(Self.knownNames).")
    }
    let unknown = workloads.filter { BenchWorkload.named($0) == nil }
    if !unknown.isEmpty {
      let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
      throw ValidationError("Unknown workload \(names). Known workloads: \(Self.knownNames).")
    }
    if let threads, threads < 1 {
      throw ValidationError("--threads must be at least 1, got \(threads).")
    }
  }

  func run() throws {
    if list {
      let width = BenchWorkload.all.map(\.name.count).max() ?? 0
      for workload in BenchWorkload.all {
        let name = workload.name.padding(toLength: width, withPad: " ", startingAt: 0)
        print(name, " ", workload.summary)
      }
      return
    }
    _ = CPUBackend.shared
    if let threads { Parallel.threadCount = threads }
    let threadKey = String(Parallel.threadCount)
    var results: [(key: String, value: JSONValue)] = []
    var peak: Double? = nil
    for name in workloads where !results.contains(where: { $0.key == name }) {
      let workload = BenchWorkload.named(name)!  // checked in validate()
      Self.log("ember bench: \(name) (\(threadKey) thread\(threadKey == "1" ? "" : "s"))…")
      let backend = Backends.backend(for: .default)!
      let before = backend.memoryStatistics.currentBytes
      backend.resetPeakMemory()
      var metrics = workload.run()
      let peakBytes = backend.memoryStatistics.peakBytes
      if case .object(var members) = metrics {
        if let rate = members.first(where: { $0.key == "gflops" })?.value {
          let fmaPeak = peak ?? FMAPeak.gflops()
          peak = fmaPeak
          members.append(("share_of_peak", Self.share(rate, of: fmaPeak)))
        }
        metrics = .object(members + [("peak_bytes", .number(Double(peakBytes - before)))])
      }
      results.append((name, .object([(threadKey, metrics)])))
    }
    var document: [(key: String, value: JSONValue)] = [("results", .object(results))]
    if let peak {
      document.append(("machine", .object([("fp32_fma_peak_gflops", .object([(threadKey, .number(peak))]))])))
    }
    print(JSONValue.object(document).rendered())
  }

  /// `rate` (a number, or an object of numbers) divided by `peak`, in the same shape.
  static func share(_ rate: JSONValue, of peak: Double) -> JSONValue {
    switch rate {
    case .number(let value): return .number(value / peak)
    case .object(let members): return .object(members.map { ($0.key, share($0.value, of: peak)) })
    default: return rate
    }
  }

  private static var knownNames: String { BenchWorkload.all.map(\.name).joined(separator: ", ") }

  private static func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }
}
