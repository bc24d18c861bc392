import EmberBackend
import EmberCore
import EmberTestSupport
import Foundation
import Testing

@testable import EmberNN

/// `Embedding` against PyTorch's lookups (Tests/Fixtures/sequence_fixtures.json): outputs, the
/// weight's gradient (none for the padding row), max-norm's in-place renormalization; and loading
/// GloVe/word2vec text files.
@Suite struct EmbeddingTests {
  static let cases = RecurrentFixture.shared.embeddings.keys.sorted()

  @Test(arguments: cases)
  func matchesPyTorch(name: String) {
    let fixture = RecurrentFixture.shared.embeddings[name]!
    func number(_ key: String) -> Double? {
      if case .number(let v)? = fixture.args[key] { return v }
      return nil
    }
    for device in testDevices {
      let what = "\(name) on \(device)"
      let weight = Tensor(fixture.weight.values, shape: fixture.weight.shape, on: device)
      let layer = Embedding(pretrained: weight, freeze: false, paddingIndex: number("paddingIndex").map { Int($0) },
                            maxNorm: number("maxNorm"), normType: number("normType") ?? 2)
      let indices = Tensor(fixture.indices.values.map { Int64($0) }, shape: fixture.indices.shape, on: device)
      let y = layer(indices)
      #expect(y.shape == fixture.output.shape, "\(what): shape \(y.shape)")
      expectMatches(y.doubles, fixture.output.values, tolerance: 1e-12, "\(what) output")
      expectMatches(layer.weight.value.doubles, fixture.weight_after.values, tolerance: 1e-12, "\(what) weight after")
      let g = (y * Tensor(fixture.upstream, shape: y.shape, on: device)).sum().backward()[layer.weight]
      expectMatches(g?.doubles ?? [], fixture.grad, tolerance: 1e-12, "\(what) weight gradient")
    }
  }

  @Test func paddingRowStartsAtZeroAndFreezingStopsGradients() {
    let layer = Embedding(5, 3, paddingIndex: 2)
    #expect(layer.weight.value[2].doubles == [0, 0, 0])
    #expect(layer.weight.value[1].doubles != [0, 0, 0])
    #expect(layer(Tensor([1, 2, 4, 0] as [Int64], shape: [2, 2])).shape == [2, 2, 3])
    let frozen = Embedding(pretrained: Tensor.normal([4, 2]))
    #expect(!frozen.weight.isTrainable && frozen.namedParameters.map(\.name) == ["weight"])
  }

  @Test func loadsGloVeAndWord2VecText() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-vectors-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let glove = directory.appendingPathComponent("glove.txt")
    try "the 0.5 -1 2\ncat 1 2 3\nunused 9 9 9\n".write(to: glove, atomically: true, encoding: .utf8)
    let (embedding, found) = try Embedding.loadingVectors(from: glove, vocabulary: ["<pad>", "cat", "the", "dog"],
                                                          paddingIndex: 0)
    #expect(found == 2)
    #expect(embedding.weight.value.doubles == [0, 0, 0, 1, 2, 3, 0.5, -1, 2, 0, 0, 0])
    #expect(!embedding.weight.isTrainable && embedding.paddingIndex == 0)
    let word2vec = directory.appendingPathComponent("vectors.txt")
    try "2 2\ncat 1 2\ndog 3 4\n".write(to: word2vec, atomically: true, encoding: .utf8)
    let (vectors, count) = try Embedding.loadingVectors(from: word2vec, vocabulary: ["dog", "cat"], freeze: false)
    #expect(count == 2 && vectors.weight.value.doubles == [3, 4, 1, 2] && vectors.weight.isTrainable)
    // A ragged line and a value that is not a number name the file and line.
    let bad = directory.appendingPathComponent("bad.txt")
    try "cat 1 2\ndog 3\n".write(to: bad, atomically: true, encoding: .utf8)
    #expect(throws: WordVectorError.self) { try Embedding.loadingVectors(from: bad, vocabulary: ["dog"]) }
    do {
      try "cat 1 x\n".write(to: bad, atomically: true, encoding: .utf8)
      _ = try Embedding.loadingVectors(from: bad, vocabulary: ["cat"])
      Issue.record("a value that is not a number loaded")
    } catch let error as WordVectorError {
      #expect(error.description == "\(bad.path):1: value 2 of 'cat' is not a number")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }
}
