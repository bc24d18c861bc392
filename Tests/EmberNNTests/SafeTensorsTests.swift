import EmberBackend
import EmberCore
import Foundation
import Testing

@testable import EmberNN

@Suite struct SafeTensorsTests {
  let tensors: [String: Tensor] = [
    "b.weight": Tensor([1.5, -2.25, .pi, -0.0, .infinity, .leastNonzeroMagnitude] as [Float],
                       shape: [2, 3]),
    "a.float64": Tensor([1e-300, -7.5] as [Double]),
    "c.int32": Tensor([Int32.min, 0, Int32.max] as [Int32]),
    "d.int64": Tensor([Int64.min, 42] as [Int64], shape: [2, 1]),
    "e.bool": Tensor([true, false, true] as [Bool]),
    "f.scalar": Tensor([Float(3)], shape: []),
    "g.empty": Tensor([Float](), shape: [0, 4]),
  ]

  /// The raw bytes of each tensor, for bit-exact comparisons.
  func bytes(_ t: Tensor) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: t.count * t.dtype.byteSize)
    out.withUnsafeMutableBytes { if t.count > 0 { t.backend.download(t.operand, to: $0.baseAddress!) } }
    return out
  }

  /// A file of `header` (a JSON string) and `data`, with the given (or the true) header length.
  func file(_ header: String, data: [UInt8], length: UInt64? = nil) -> Data {
    let json = Array(header.utf8)
    var result = Data()
    withUnsafeBytes(of: (length ?? UInt64(json.count)).littleEndian) { result.append(contentsOf: $0) }
    result.append(contentsOf: json)
    result.append(contentsOf: data)
    return result
  }

  func expectCorrupt(_ data: Data, mentioning phrase: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try SafeTensors.decode(data)
      Issue.record("accepted a corrupt file (expected '\(phrase)')", sourceLocation: sourceLocation)
    } catch {
      #expect(error.message.contains(phrase), "\(error.message)", sourceLocation: sourceLocation)
    }
  }

  @Test func writesAndReadsBackBitIdentically() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("model.safetensors")
    let metadata = ["format": "pt", "note": "ember test / ünïcode"]
    try SafeTensors.write(tensors, metadata: metadata, to: url)
    let (loaded, loadedMetadata) = try SafeTensors.read(from: url)
    #expect(loadedMetadata == metadata)
    #expect(loaded.keys.sorted() == tensors.keys.sorted())
    for (name, tensor) in tensors {
      #expect(loaded[name]!.dtype == tensor.dtype, "\(name)")
      #expect(loaded[name]!.shape == tensor.shape, "\(name)")
      #expect(bytes(loaded[name]!) == bytes(tensor), "\(name)")
    }
    // No temporary file is left behind.
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(files == ["model.safetensors"])
  }

  @Test func layoutFollowsTheFormat() throws {
    let data = try SafeTensors.encode(
      ["w": Tensor([1, 2] as [Float]), "a": Tensor([Int64(7)])], metadata: ["k": "v"])
    let length = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    #expect(length % 8 == 0 && data.count == 8 + length + 16)
    let header = String(decoding: data[8..<(8 + length)], as: UTF8.self)
    #expect(header.hasSuffix("}") || header.hasSuffix(" "))
    // Keys sorted; "a" (8 bytes) first, then "w".
    #expect(header.trimmingCharacters(in: .whitespaces) == #"{"__metadata__":{"k":"v"},"#
      + #""a":{"data_offsets":[0,8],"dtype":"I64","shape":[1]},"#
      + #""w":{"data_offsets":[8,16],"dtype":"F32","shape":[2]}}"#)
  }

  @Test func stridedTensorsAreWrittenInLogicalOrder() throws {
    let matrix = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3]).transposed()
    let (loaded, _) = try SafeTensors.decode(SafeTensors.encode(["t": matrix]))
    #expect(loaded["t"]!.shape == [3, 2] && loaded["t"]!.doubles == [1, 4, 2, 5, 3, 6])
  }

  @Test func rejectsCorruptFiles() {
    let good = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    let data = [UInt8](repeating: 0, count: 8)
    expectCorrupt(Data([1, 2, 3]), mentioning: "shorter than the 8-byte header length")
    expectCorrupt(file(good, data: data, length: 5000), mentioning: "runs past the end")
    expectCorrupt(file(good, data: data, length: 1 << 40), mentioning: "exceeds the limit")
    expectCorrupt(file(#"{"x": {"dtype": "F32", "#, data: data), mentioning: "not valid JSON")
    expectCorrupt(file("[1, 2]", data: []), mentioning: "not a JSON object")
    expectCorrupt(file(#"{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                  mentioning: "unsupported dtype 'F16'")
    expectCorrupt(file(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: data),
                  mentioning: "needs 12 bytes")
    expectCorrupt(file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: data),
                  mentioning: "data_offsets")
    expectCorrupt(file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0]),
                  mentioning: "past the 2 bytes of data")
    expectCorrupt(file(good, data: data + [0, 0, 0, 0]), mentioning: "cover 8 bytes")
    expectCorrupt(
      file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
             + #""y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: data),
      mentioning: "overlap")
    expectCorrupt(
      file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: data),
      mentioning: "no tensor covers data bytes 0..<4")
    expectCorrupt(file(#"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: data),
                  mentioning: "shape")
    expectCorrupt(file(#"{"__metadata__":{"a":1}}"#, data: []), mentioning: "__metadata__")
  }

  @Test func readErrorsNameTheFile() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("truncated.safetensors")
    var data = try SafeTensors.encode(tensors)
    data.removeLast(3)
    try data.write(to: url)
    do {
      _ = try SafeTensors.read(from: url)
      Issue.record("read a truncated file")
    } catch {
      guard case .corruptFile(let where_, _) = error else {
        Issue.record("expected corruptFile, got \(error)")
        return
      }
      #expect(where_ == url && error.description.contains("truncated.safetensors"))
    }
    #expect(throws: CheckpointError.self) {
      try SafeTensors.read(from: directory.appendingPathComponent("absent.safetensors"))
    }
  }

  @Test func aFailedWriteKeepsTheOldFile() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("model.safetensors")
    try SafeTensors.write(tensors, to: url)
    let saved = try Data(contentsOf: url)
    // A reserved tensor name fails before anything is written.
    #expect(throws: CheckpointError.self) {
      try SafeTensors.write(["__metadata__": Tensor.zeros([1])], to: url)
    }
    // Renaming over a directory fails after the temporary file was written.
    let blocked = directory.appendingPathComponent("blocked")
    try FileManager.default.createDirectory(
      at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
    #expect(throws: CheckpointError.self) { try SafeTensors.write(tensors, to: blocked) }
    #expect(try Data(contentsOf: url) == saved)
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(files == ["blocked", "model.safetensors"], "leftover files: \(files)")
  }

  @Test func modulesSaveAndLoad() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("mlp.safetensors")
    let source = Sequential { Linear(3, 5); Tanh(); Linear(5, 2) }
    try source.save(to: url, metadata: ["epoch": "3"])
    let target = Sequential { Linear(3, 5); Tanh(); Linear(5, 2) }
    try target.load(from: url)
    let x = Tensor.uniform([4, 3])
    #expect(target(x).doubles == source(x).doubles)
    let wrong = Sequential { Linear(3, 6); Tanh(); Linear(6, 2) }
    #expect(throws: CheckpointError.shapeMismatch(key: "0.weight", expected: [6, 3], found: [5, 3])) {
      try wrong.load(from: url)
    }
  }
}
