import EmberCPU
import Foundation

/// One matrix product of a training step in `../shared/bench/README.md`: C[m×n] = op(A)·op(B) with
/// depth k, `batch` independent products; `op` names the transposes as BLAS does (N: as stored,
/// T: read through a transposed view).
struct GemmShape: Sendable {
  let name: String
  let m: Int, n: Int, k: Int
  let op: String
  var batch = 1

  /// A `Linear(input → output)` at `rows` rows: forward (X·Wᵀ), input gradient (dY·W) and weight
  /// gradient (dYᵀ·X).
  static func linear(_ name: String, rows: Int, input: Int, output: Int) -> [GemmShape] {
    [
      GemmShape(name: "\(name).forward", m: rows, n: output, k: input, op: "NT"),
      GemmShape(name: "\(name).grad_input", m: rows, n: input, k: output, op: "NN"),
      GemmShape(name: "\(name).grad_weight", m: output, n: input, k: rows, op: "TN"),
    ]
  }

  /// The products of the mlp, cnn (convolutions as im2col products, one row per output pixel), lstm
  /// (input projection of all steps, the per-step recurrent product and their gradients) and
  /// transformer workloads.
  static let trainingSteps: [GemmShape] =
    linear("mlp.fc1", rows: 128, input: 784, output: 512)
    + linear("mlp.fc2", rows: 128, input: 512, output: 512)
    + linear("mlp.fc3", rows: 128, input: 512, output: 10)
    + linear("cnn.conv1", rows: 128 * 26 * 26, input: 9, output: 32)
    + linear("cnn.conv2", rows: 128 * 11 * 11, input: 32 * 9, output: 64)
    + linear("cnn.fc1", rows: 128, input: 1600, output: 128)
    + [
      GemmShape(name: "lstm.input_projection", m: 256 * 120, n: 128, k: 14, op: "NT"),
      GemmShape(name: "lstm.recurrent", m: 256, n: 128, k: 32, op: "NT"),
      GemmShape(name: "lstm.recurrent.grad_state", m: 256, n: 32, k: 128, op: "NN"),
      GemmShape(name: "lstm.recurrent.grad_weight", m: 128, n: 32, k: 256 * 120, op: "TN"),
      GemmShape(name: "lstm.input_projection.grad_weight", m: 128, n: 14, k: 256 * 120, op: "TN"),
    ]
    + linear("transformer.qkv", rows: 32 * 128, input: 128, output: 384)
    + linear("transformer.ff1", rows: 32 * 128, input: 128, output: 512)
    + linear("transformer.ff2", rows: 32 * 128, input: 512, output: 128)
    + [
      GemmShape(name: "transformer.scores", m: 128, n: 128, k: 32, op: "NT", batch: 32 * 4),
      GemmShape(name: "transformer.attend", m: 128, n: 32, k: 128, op: "NN", batch: 32 * 4),
      GemmShape(name: "transformer.scores.grad_query", m: 128, n: 32, k: 128, op: "NN", batch: 32 * 4),
      GemmShape(name: "transformer.attend.grad_weights", m: 128, n: 128, k: 32, op: "NT", batch: 32 * 4),
      GemmShape(name: "transformer.attend.grad_values", m: 128, n: 32, k: 128, op: "TN", batch: 32 * 4),
    ]
}

extension BenchWorkload {
  /// GFLOP/s of every training-step product on the default path, the built-in GEMM and a system
  /// BLAS (`BLAS.comparison`: the one `EMBER_BLAS=auto` loads, when there is one), with the
  /// default's ratio to the faster of the two.
  static let gemmShapes = BenchWorkload(
    name: "gemm-shapes",
    summary: "the GEMMs of the mlp, cnn, lstm and transformer train steps: built-in vs BLAS (GFLOP/s)"
  ) {
    // EMBER_BENCH_SHAPES=fc3,lstm keeps the shapes whose names contain one of the words (profiling).
    let words = ProcessInfo.processInfo.environment["EMBER_BENCH_SHAPES"]?
      .split(separator: ",").map(String.init) ?? []
    let selected = GemmShape.trainingSteps.filter { shape in
      words.isEmpty || words.contains { shape.name.contains($0) }
    }
    let shapes = selected.map { shape -> (key: String, value: JSONValue) in
      func rate(_ path: GemmBenchmark.Path) -> Double? {
        GemmBenchmark.gflops(
          m: shape.m, n: shape.n, k: shape.k, transposeA: shape.op.first == "T",
          transposeB: shape.op.last == "T", batch: shape.batch, path: path, samples: 5, warmup: 2,
          minSampleSeconds: 0.1)
      }
      let builtIn = rate(.builtIn)!
      let blas = rate(.blas)
      let chosen = BLAS.shared == nil ? builtIn : rate(.default)!
      var fields: [(key: String, value: JSONValue)] = [
        ("m", .number(Double(shape.m))), ("n", .number(Double(shape.n))),
        ("k", .number(Double(shape.k))), ("op", .string(shape.op)),
        ("batch", .number(Double(shape.batch))),
        ("default", .number(chosen)), ("built_in", .number(builtIn)),
      ]
      if let blas {
        fields.append(("blas", .number(blas)))
        fields.append(("default_vs_best", .number(chosen / Swift.max(builtIn, blas))))
      }
      return (shape.name, .object(fields))
    }
    return .object([
      ("default_gemm", .string(BLAS.shared?.name ?? "built-in")),
      ("blas", .string(BLAS.comparison?.name ?? "none")), ("shapes", .object(shapes)),
    ])
  }
}
