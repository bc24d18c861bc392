import EmberBackend
import Foundation
import Testing

import EmberCore

// PyTorch's reference values for the op tests, read from Tests/Fixtures/op_fixtures.json, which
// Tests/Fixtures/make_op_fixtures.py wrote (the file states the Python, NumPy and PyTorch versions).

/// The devices every device-parameterized suite runs on: each loaded backend of
/// `Backends.available` (the CPU first; a CUDA backend joins by loading), then the host-memory
/// test device, which shows the suite on a device other than the CPU on any machine.
///
/// Other host-memory devices that single tests register for themselves are left out.
public var testDevices: [Device] {
  let host = HostMemoryBackend.shared.device
  let loaded = Backends.available.filter { !(Backends.backend(for: $0) is HostMemoryBackend) }
  return loaded + [host]
}

/// The reference file: PyTorch's values for each op-table case and each edge case, by name.
public struct OpFixture: Decodable, Sendable {
  /// The Python, NumPy and PyTorch versions that produced the file.
  public let versions: [String: String]
  /// One entry per case of the op table (float64 inputs drawn by `testValues`).
  public let opTable: [String: FixtureCase]
  /// Edge cases: NaN and infinity, empty axes, integer and bool dtypes, large logits, ignored
  /// labels. Names starting with `nn.` belong to EmberNNTests.
  public let edgeCases: [String: FixtureCase]

  /// The committed file, read once.
  public static let shared: OpFixture = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/op_fixtures.json")
    do {
      return try JSONDecoder().decode(OpFixture.self, from: Data(contentsOf: url))
    } catch {
      fatalError("OpFixture: cannot read \(url.path): \(error)")
    }
  }()
}

/// One case: its inputs, PyTorch's output, and, where recorded, the gradient of
/// `Σ output·upstream` with respect to each input (`nil` for inputs without one).
public struct FixtureCase: Decodable, Sendable {
  public let inputs: [FixtureTensor]
  public let output: FixtureTensor
  /// The upstream gradient, row-major in the output's shape.
  public let upstream: [Double]?
  /// Per input: the gradient, row-major, or `nil` when the input is not differentiated.
  public let gradients: [[Double]?]?
  /// For float32 inputs: PyTorch's own float32 error against the float64 `output`.
  public let float32Error: Double?

  private enum CodingKeys: String, CodingKey { case inputs, output, upstream, gradients, float32Error }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    inputs = try c.decode([FixtureTensor].self, forKey: .inputs)
    output = try c.decode(FixtureTensor.self, forKey: .output)
    upstream = try c.decodeIfPresent([FixtureNumber].self, forKey: .upstream)?.map(\.value)
    gradients = try c.decodeIfPresent([[FixtureNumber]?].self, forKey: .gradients)?
      .map { $0?.map(\.value) }
    float32Error = try c.decodeIfPresent(Double.self, forKey: .float32Error)
  }

  /// The upstream gradient as a tensor shaped and typed like `output`, on its device.
  public func upstreamTensor(like output: Tensor) -> Tensor? {
    upstream.map { Tensor($0, shape: output.shape, on: output.device).cast(to: output.dtype) }
  }
}

/// A tensor in the fixture: PyTorch's dtype name, shape and row-major values.
public struct FixtureTensor: Decodable, Sendable {
  public let dtype: DType
  public let shape: [Int]
  public let values: [Double]

  private enum CodingKeys: String, CodingKey { case dtype, shape, values }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let name = try c.decode(String.self, forKey: .dtype)
    guard let dtype = DType(rawValue: name) else {
      throw DecodingError.dataCorruptedError(
        forKey: .dtype, in: c, debugDescription: "unknown dtype \(name)")
    }
    self.dtype = dtype
    shape = try c.decode([Int].self, forKey: .shape)
    values = try c.decode([FixtureNumber].self, forKey: .values).map(\.value)
  }

  /// The tensor on `device`, in the fixture's dtype.
  public func tensor(on device: Device = .cpu) -> Tensor {
    Tensor(values, shape: shape, on: device).cast(to: dtype)
  }
}

/// A JSON number, or one of the strings `"nan"`, `"inf"`, `"-inf"` (JSON has no such numbers).
struct FixtureNumber: Decodable {
  let value: Double

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let number = try? c.decode(Double.self) { value = number; return }
    switch try c.decode(String.self) {
    case "nan": value = .nan
    case "inf": value = .infinity
    case "-inf": value = -.infinity
    case let other:
      throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a number: \(other)")
    }
  }
}

/// `#expect`s that `actual` has the fixture's dtype, shape and values (within `tolerance`,
/// absolute + relative; NaN matches NaN, infinities match exactly).
public func expectMatches(
  _ actual: Tensor, _ expected: FixtureTensor, tolerance: Double, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.dtype == expected.dtype, "\(what): dtype \(actual.dtype), PyTorch \(expected.dtype)",
          sourceLocation: sourceLocation)
  #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape), PyTorch \(expected.shape)",
          sourceLocation: sourceLocation)
  guard actual.shape == expected.shape else { return }
  expectClose(actual.doubles, expected.values, tolerance: tolerance, what, sourceLocation: sourceLocation)
}

/// `#expect`s that the gradients of `Σ output·upstream` match the fixture's, input by input
/// (an input Ember gives no gradient counts as zeros).
public func expectGradientsMatch(
  _ output: Tensor, inputs: [Tensor], _ expected: FixtureCase, tolerance: Double, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let gradients = expected.gradients, let seed = expected.upstreamTensor(like: output) else { return }
  let grads = output.backward(seed: seed)
  for (index, gradient) in gradients.enumerated() {
    guard let gradient else { continue }
    let analytic = grads[inputs[index]]?.doubles ?? [Double](repeating: 0, count: gradient.count)
    expectClose(analytic, gradient, tolerance: tolerance, "\(what): gradient \(index)",
                sourceLocation: sourceLocation)
  }
}
