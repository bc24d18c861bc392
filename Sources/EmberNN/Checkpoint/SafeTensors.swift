import EmberBackend
import EmberCore
import Foundation

/// Reads and writes the [safetensors](https://github.com/huggingface/safetensors) format, which
/// Python's `safetensors` and PyTorch (`safetensors.torch.load_file`) read directly.
///
/// Layout: an 8-byte little-endian header length `n`; `n` bytes of JSON
/// `{name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {…}}`
/// (keys sorted, padded with spaces to a multiple of 8 bytes); then the tensors' raw little-endian
/// bytes, back to back in key order, offsets counted from the end of the header.
///
/// Supported dtypes: `F32`, `F64`, `I32`, `I64`, `BOOL`.
public enum SafeTensors {
  /// The largest header accepted when reading (as the reference implementation: 100 MB).
  static let maximumHeaderLength = 100_000_000

  /// The safetensors name of `dtype`.
  public static func code(for dtype: DType) -> String {
    switch dtype {
    case .float32: return "F32"
    case .float64: return "F64"
    case .int32: return "I32"
    case .int64: return "I64"
    case .bool: return "BOOL"
    }
  }

  /// The dtype named `code` in a safetensors header, or `nil` when Ember has none.
  public static func dtype(forCode code: String) -> DType? {
    DType.allCases.first { self.code(for: $0) == code }
  }

  // MARK: Writing

  /// Writes `tensors` and `metadata` to `url`.
  ///
  /// The file is written to a temporary file in the same directory and renamed over `url` only once
  /// complete, so a failure never leaves a partial file or loses one already saved.
  public static func write(
    _ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL
  ) throws(CheckpointError) {
    let data = try encode(tensors, metadata: metadata)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do {
      try data.write(to: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw .io(url: url, reason: "cannot write \(temporary.lastPathComponent): \(error)")
    }
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw .io(url: url, reason: "cannot rename the temporary file into place: \(reason)")
    }
  }

  /// The bytes of a safetensors file holding `tensors` and `metadata`.
  public static func encode(
    _ tensors: [String: Tensor], metadata: [String: String] = [:]
  ) throws(CheckpointError) -> Data {
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    let names = tensors.keys.sorted()
    var offset = 0
    for name in names {
      guard !name.isEmpty, name != "__metadata__" else {
        throw .invalidContent(reason: "'\(name)' is not a valid tensor name")
      }
      let tensor = tensors[name]!
      let byteCount = tensor.count * tensor.dtype.byteSize
      header[name] = [
        "dtype": code(for: tensor.dtype), "shape": tensor.shape,
        "data_offsets": [offset, offset + byteCount],
      ] as [String: Any]
      offset += byteCount
    }
    var json: Data
    do {
      json = try JSONSerialization.data(
        withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
    } catch {
      throw .invalidContent(reason: "cannot encode the header: \(error)")
    }
    // Pad with spaces so the data starts 8-byte aligned.
    json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
    let dataStart = 8 + json.count
    var file = Data(count: dataStart + offset)
    file.withUnsafeMutableBytes { bytes in
      let base = bytes.baseAddress!
      base.storeBytes(of: UInt64(json.count).littleEndian, as: UInt64.self)
      json.copyBytes(to: bytes.baseAddress!.advanced(by: 8).assumingMemoryBound(to: UInt8.self),
                     count: json.count)
      var position = dataStart
      for name in names {
        let tensor = tensors[name]!
        if tensor.count > 0 {
          // NOTE: raw bytes are written as the host stores them; every platform Swift runs
          // Ember on is little-endian, as the format requires.
          tensor.backend.download(tensor.operand, to: base.advanced(by: position))
        }
        position += tensor.count * tensor.dtype.byteSize
      }
    }
    return file
  }

  // MARK: Reading

  /// Reads every tensor and the metadata of the safetensors file at `url`, validating the header,
  /// the dtypes, the shapes against the byte ranges, and that the ranges tile the data exactly.
  public static func read(
    from url: URL
  ) throws(CheckpointError) -> (tensors: [String: Tensor], metadata: [String: String]) {
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw .io(url: url, reason: "cannot read: \(error.localizedDescription)")
    }
    do {
      return try decode(data)
    } catch let reason {
      throw .corruptFile(url: url, reason: reason.message)
    }
  }

  /// Why some bytes are not a valid safetensors file.
  public struct FormatError: Error, CustomStringConvertible {
    /// The problem, naming the tensor or offset.
    public let message: String
    public var description: String { message }
  }

  /// The tensors and metadata in the bytes of a safetensors file.
  public static func decode(
    _ data: Data
  ) throws(FormatError) -> (tensors: [String: Tensor], metadata: [String: String]) {
    func fail(_ message: String) -> FormatError { FormatError(message: message) }
    guard data.count >= 8 else {
      throw fail("the file is \(data.count) bytes, shorter than the 8-byte header length")
    }
    let rawLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    guard rawLength <= UInt64(maximumHeaderLength) else {
      throw fail("header length \(rawLength) exceeds the limit of \(maximumHeaderLength) bytes")
    }
    let headerLength = Int(rawLength)
    guard 8 + headerLength <= data.count else {
      throw fail("header length \(headerLength) runs past the end of the \(data.count)-byte file")
    }
    let start = data.startIndex
    let headerBytes = data.subdata(in: (start + 8)..<(start + 8 + headerLength))
    let parsed: Any
    do {
      parsed = try JSONSerialization.jsonObject(with: headerBytes)
    } catch {
      let text = String(decoding: headerBytes.prefix(60), as: UTF8.self)
      throw fail("the header is not valid JSON (begins \(text.debugDescription))")
    }
    guard let header = parsed as? [String: Any] else {
      throw fail("the header is not a JSON object")
    }
    var metadata: [String: String] = [:]
    if let raw = header["__metadata__"] {
      guard let values = raw as? [String: String] else {
        throw fail("__metadata__ is not an object of strings")
      }
      metadata = values
    }
    struct Entry {
      let name: String, dtype: DType, shape: [Int], begin: Int, end: Int
    }
    var entries: [Entry] = []
    for (name, raw) in header where name != "__metadata__" {
      guard let fields = raw as? [String: Any] else {
        throw fail("tensor '\(name)' is not an object")
      }
      guard let code = fields["dtype"] as? String else {
        throw fail("tensor '\(name)' has no dtype string")
      }
      guard let dtype = dtype(forCode: code) else {
        throw fail("tensor '\(name)' has unsupported dtype '\(code)' "
                     + "(supported: F32, F64, I32, I64, BOOL)")
      }
      guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
        throw fail("tensor '\(name)' has no valid shape (non-negative integers)")
      }
      guard let offsets = integers(fields["data_offsets"]), offsets.count == 2,
        offsets[0] >= 0, offsets[0] <= offsets[1]
      else {
        throw fail("tensor '\(name)' has no valid data_offsets [begin, end] with begin ≤ end")
      }
      var byteCount = dtype.byteSize
      for size in shape {
        let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
        guard !overflow else { throw fail("tensor '\(name)': shape \(shape) is too large") }
        byteCount = product
      }
      guard offsets[1] - offsets[0] == byteCount else {
        throw fail("tensor '\(name)': shape \(shape) of \(code) needs \(byteCount) bytes, but "
                     + "data_offsets \(offsets) hold \(offsets[1] - offsets[0])")
      }
      entries.append(
        Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1]))
    }
    // The byte ranges must tile the data: no gap, no overlap, nothing left over.
    let dataStart = 8 + headerLength, dataSize = data.count - dataStart
    entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var covered = 0
    for entry in entries {
      if entry.begin < covered {
        throw fail("tensor '\(entry.name)': data_offsets [\(entry.begin), \(entry.end)] overlap "
                     + "another tensor's bytes")
      }
      if entry.begin > covered {
        throw fail("no tensor covers data bytes \(covered)..<\(entry.begin) "
                     + "(before '\(entry.name)')")
      }
      covered = entry.end
    }
    guard covered == dataSize else {
      if covered > dataSize {
        throw fail("data_offsets end at byte \(covered), past the \(dataSize) bytes of data")
      }
      throw fail("the tensors cover \(covered) bytes, but the file holds \(dataSize) bytes of data")
    }
    var tensors: [String: Tensor] = [:]
    data.withUnsafeBytes { bytes in
      for entry in entries {
        let source = UnsafeRawBufferPointer(
          rebasing: bytes[(dataStart + entry.begin)..<(dataStart + entry.end)])
        tensors[entry.name] = tensor(entry.dtype, shape: entry.shape, bytes: source)
      }
    }
    return (tensors, metadata)
  }

  /// A JSON array of integers, or `nil`.
  private static func integers(_ value: Any?) -> [Int]? {
    guard let array = value as? [Any] else { return nil }
    var result: [Int] = []
    for element in array {
      guard let number = element as? NSNumber, let integer = Int(exactly: number.doubleValue)
      else { return nil }
      result.append(integer)
    }
    return result
  }

  /// A tensor copied from little-endian `bytes`.
  private static func tensor(
    _ dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer
  ) -> Tensor {
    func make<Scalar: TensorScalar>(_: Scalar.Type) -> Tensor {
      let count = bytes.count / MemoryLayout<Scalar>.stride
      let values = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes) }
        initialized = count
      }
      return Tensor(values, shape: shape)
    }
    switch dtype {
    case .float32: return make(Float.self)
    case .float64: return make(Double.self)
    case .int32: return make(Int32.self)
    case .int64: return make(Int64.self)
    case .bool: return Tensor(bytes.map { $0 != 0 }, shape: shape)
    }
  }
}
