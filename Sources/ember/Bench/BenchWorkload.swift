/// One workload of `ember bench`: a name (the key under `"results"`) and the code that measures it.
///
/// Add a workload by writing `extension BenchWorkload { static let name = … }` in
/// `Bench/Workloads/<Name>.swift` and listing it in `all`.
struct BenchWorkload: Sendable {
  /// The key under `"results"`, as in `../shared/bench/README.md`.
  let name: String
  /// One line for `ember bench --list` and error messages.
  let summary: String
  /// Measures the workload with the current `Parallel.threadCount` and returns its metrics.
  let run: @Sendable () -> JSONValue

  /// Every workload, in the order `--list` shows them.
  static let all: [BenchWorkload] = [
    .sgemm, .gemmShapes, .parallel, .add, .exp, .softmax, .gelu, .mlp, .mlpInfer, .cnn, .cnnInfer, .conv, .resnet, .resnetInfer, .lstm, .gru, .checkpoint,
    .trainLoop,
    .random,
  ]

  /// The workload called `name`, or `nil`.
  static func named(_ name: String) -> BenchWorkload? {
    all.first { $0.name == name }
  }
}
