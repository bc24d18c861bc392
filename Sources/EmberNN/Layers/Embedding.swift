import EmberBackend
import EmberCore
import Foundation

/// A lookup table of `count` vectors of `dimension` values, like `torch.nn.Embedding`: index `i`
/// becomes row `i` of `weight`.
///
/// With `paddingIndex`, that row starts as zeros and never receives a gradient (so it stays what
/// it is). With `maxNorm`, every row a lookup reads whose `normType`-norm exceeds `maxNorm` is
/// first rescaled to norm `maxNorm` in `weight` itself (PyTorch's `embedding_renorm_`). Freeze a
/// pretrained table with `weight.isTrainable = false` (or `Embedding(pretrained:)`).
///
/// Shapes: indices (`int64` or `int32`) of any shape `[…]` → `[…, dimension]`.
public final class Embedding: Layer {
  /// `[count, dimension]`, drawn from N(0, 1) as PyTorch's.
  public let weight: Parameter
  /// The row that stands for padding, or `nil`.
  public let paddingIndex: Int?
  /// Rows read are rescaled to at most this norm, or `nil`.
  public let maxNorm: Double?
  /// The p of the norm `maxNorm` bounds.
  public let normType: Double

  public var count: Int { weight.shape[0] }
  public var dimension: Int { weight.shape[1] }

  /// A table of `count` vectors of `dimension` values drawn from N(0, 1) with the default
  /// generator (the padding row zeros).
  public convenience init(
    _ count: Int, _ dimension: Int, paddingIndex: Int? = nil, maxNorm: Double? = nil, normType: Double = 2,
    dtype: DType = .float32
  ) {
    precondition(count > 0 && dimension > 0, "Embedding: sizes \(count) × \(dimension) must be positive")
    var table = Tensor.normal([count, dimension], dtype: dtype)
    if let paddingIndex {
      precondition((0..<count).contains(paddingIndex),
                   "Embedding: paddingIndex \(paddingIndex) is not in 0..<\(count)")
      let keep = Tensor((0..<count).map { $0 == paddingIndex ? 0.0 : 1.0 }, shape: [count, 1]).cast(to: dtype)
      table = table * keep
    }
    self.init(table: table, paddingIndex: paddingIndex, maxNorm: maxNorm, normType: normType, trainable: true)
  }

  /// A table holding `pretrained` (`[count, dimension]`), frozen unless `freeze` is `false`, like
  /// `torch.nn.Embedding.from_pretrained`.
  public convenience init(
    pretrained: Tensor, freeze: Bool = true, paddingIndex: Int? = nil, maxNorm: Double? = nil,
    normType: Double = 2
  ) {
    precondition(pretrained.rank == 2 && pretrained.dtype.isFloatingPoint,
                 "Embedding: pretrained vectors \(pretrained.shape) of \(pretrained.dtype) should be a floating-point [count, dimension]")
    precondition(paddingIndex.map { (0..<pretrained.shape[0]).contains($0) } ?? true,
                 "Embedding: paddingIndex \(paddingIndex ?? 0) is not in 0..<\(pretrained.shape[0])")
    self.init(table: pretrained.detached(), paddingIndex: paddingIndex, maxNorm: maxNorm, normType: normType,
              trainable: !freeze)
  }

  private init(table: Tensor, paddingIndex: Int?, maxNorm: Double?, normType: Double, trainable: Bool) {
    precondition(maxNorm.map { $0 > 0 } ?? true, "Embedding: maxNorm \(maxNorm ?? 0) must be positive")
    precondition(normType > 0, "Embedding: normType \(normType) must be positive")
    weight = Parameter(table, trainable: trainable)
    self.paddingIndex = paddingIndex
    self.maxNorm = maxNorm
    self.normType = normType
  }

  public func callAsFunction(_ indices: Tensor) -> Tensor {
    precondition(indices.dtype == .int64 || indices.dtype == .int32,
                 "Embedding: indices should be int64 or int32, not \(indices.dtype)")
    let flat = indices.reshaped([-1])
    if let maxNorm { renormalize(rows: flat, to: maxNorm) }
    var rows = weight.value.indexSelect(axis: 0, indices: flat)
    if let paddingIndex {
      // The padding row's lookups pass no gradient back (dW[padding] = 0).
      let padding = flat.equal(Double(paddingIndex)).reshaped([-1, 1])
      rows = Tensor.where(padding, rows.detached(), rows)
    }
    return rows.reshaped(indices.shape + [dimension])
  }

  /// Rescales, in `weight`, each row among `rows` whose norm exceeds `maxNorm` to norm
  /// `maxNorm` (`w ← w·maxNorm/(‖w‖ + 1e-7)`, as PyTorch), outside the graph.
  private func renormalize(rows: Tensor, to maxNorm: Double) {
    let unique = Array(Set(rows.cast(to: .int64).doubles.map { Int64($0) })).sorted()
    guard !unique.isEmpty else { return }
    withoutGradients {
      let table = weight.value
      let index = Tensor(unique, shape: [unique.count], on: table.device)
      let selected = table.indexSelect(axis: 0, indices: index)
      let norms = normType == 2
        ? selected.squared().sum(axis: -1, keepDims: true).sqrt()
        : selected.abs().pow(normType).sum(axis: -1, keepDims: true).pow(1 / normType)
      let scale = Tensor.where(norms.greater(maxNorm), maxNorm / (norms + 1e-7), 1.0)
      let positions = index.reshaped([unique.count, 1]).expanded(to: [unique.count, dimension])
      weight.assign(table.scatterAdding(axis: 0, index: positions, source: selected * (scale - 1)))
    }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) { visitor.visit("weight", weight) }
}

/// A problem in a word-vector text file: the file, the line (from 1) and what is wrong.
public struct WordVectorError: Error, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let reason: String

  public var description: String { "\(file):\(line): \(reason)" }
}

extension Embedding {
  /// Vectors for `vocabulary` (index `i` ↔ `vocabulary[i]`) from a GloVe or word2vec text file:
  /// one `word v₁ … v_d` line per word (word2vec's `count dimension` header line is skipped).
  /// Words the file lacks get zeros; `found` counts those it has. The table is frozen unless
  /// `freeze` is `false`.
  ///
  /// - Throws: `WordVectorError` for an unreadable file, a value that is not a number, or a line
  ///   whose vector has another dimension than the first's.
  public static func loadingVectors(
    from url: URL, vocabulary: [String], freeze: Bool = true, paddingIndex: Int? = nil,
    dtype: DType = .float32
  ) throws(WordVectorError) -> (embedding: Embedding, found: Int) {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw WordVectorError(file: url.path, line: 0, reason: "cannot be read")
    }
    let positions = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    var dimension: Int? = nil
    var table: [Float] = []
    var found = Set<Int>()
    var lineNumber = 0
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      let fields = line.split(separator: UInt8(ascii: " "))
      guard fields.count >= 2 else { continue }
      // word2vec's header: two integers.
      if lineNumber == 1 && fields.count == 2 && fields.allSatisfy({ Int(String(decoding: $0, as: UTF8.self)) != nil }) {
        continue
      }
      let word = String(decoding: fields[0], as: UTF8.self)
      let size = fields.count - 1
      if let dimension, dimension != size {
        throw WordVectorError(file: url.path, line: lineNumber,
                              reason: "'\(word)' has \(size) values; the first vector has \(dimension)")
      }
      if dimension == nil {
        dimension = size
        table = [Float](repeating: 0, count: vocabulary.count * size)
      }
      guard let row = positions[word], found.insert(row).inserted else { continue }
      for (k, field) in fields.dropFirst().enumerated() {
        guard let value = Float(String(decoding: field.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)) else {
          throw WordVectorError(file: url.path, line: lineNumber,
                                reason: "value \(k + 1) of '\(word)' is not a number")
        }
        table[row * size + k] = value
      }
    }
    guard let dimension else { throw WordVectorError(file: url.path, line: lineNumber, reason: "holds no vectors") }
    let vectors = Tensor(table, shape: [vocabulary.count, dimension]).cast(to: dtype)
    return (Embedding(pretrained: vectors, freeze: freeze, paddingIndex: paddingIndex), found.count)
  }
}
