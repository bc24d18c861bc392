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
      at once (the backend's buffer statistics). \
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
    for name in workloads where !results.contains(where: { $0.key == name }) {
      let workload = BenchWorkload.named(name)!  // checked in validate()
      Self.log("ember bench: \(name) (\(threadKey) thread\(threadKey == "1" ? "" : "s"))…")
      let backend = Backends.backend(for: .default)!
      let before = backend.memoryStatistics.currentBytes
      backend.resetPeakMemory()
      var metrics = workload.run()
      let peak = backend.memoryStatistics.peakBytes
      if case .object(let members) = metrics {
        metrics = .object(members + [("peak_bytes", .number(Double(peak - before)))])
      }
      results.append((name, .object([(threadKey, metrics)])))
    }
    print(JSONValue.object([("results", .object(results))]).rendered())
  }

  private static var knownNames: String { BenchWorkload.all.map(\.name).joined(separator: ", ") }

  private static func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }
}
