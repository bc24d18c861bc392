import EmberBackend
import EmberCore
import EmberTestSupport
import Foundation
import Testing

@testable import EmberNN

// PyTorch equivalence of the convolution, pooling and normalization layers on shared weights:
// Tests/Fixtures/layer_fixtures.json, written by Tests/Fixtures/make_layer_fixtures.py (the file
// records the Python, NumPy and PyTorch versions).

/// A JSON value of a case's arguments.
enum FixtureArgument: Decodable {
  case number(Double), text(String), flag(Bool), list([Int]), null

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() { self = .null }
    else if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
    else if let number = try? container.decode(Double.self) { self = .number(number) }
    else if let text = try? container.decode(String.self) { self = .text(text) }
    else { self = .list(try container.decode([Int].self)) }
  }
}

struct LayerFixture: Decodable {
  struct Values: Decodable {
    let shape: [Int]
    let values: [Double]
  }

  struct Case: Decodable {
    let layer: String
    let args: [String: FixtureArgument]
    let input_shape: [Int]
    let params: [String: Values]
    // Layers without state.
    let input: [Double]?
    let upstream: [Double]?
    let output_shape: [Int]?
    let output: [Double]?
    let grads: [String: [Double]]?
    // Batch normalization.
    let train_inputs: [[Double]]?
    let train_outputs: [[Double]]?
    let train_upstreams: [[Double]]?
    let train_grads: [[String: [Double]]]?
    let eval_input: [Double]?
    let eval_output: [Double]?
    let running_mean: [Double]?
    let running_var: [Double]?
    let num_batches_tracked: Int?
  }

  let versions: [String: String]
  let cases: [String: Case]

  static let shared: LayerFixture = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/layer_fixtures.json")
    do {
      return try JSONDecoder().decode(LayerFixture.self, from: Data(contentsOf: url))
    } catch {
      fatalError("LayerFixture: cannot read \(url.path): \(error)")
    }
  }()
}

/// The Ember layer a fixture case describes, with parameters of `dtype`.
private func makeLayer(_ fixture: LayerFixture.Case, dtype: DType) -> any TensorLayer {
  let a = fixture.args
  func ints(_ key: String, _ fallback: [Int]) -> [Int] {
    if case .list(let v)? = a[key] { return v }
    if case .number(let v)? = a[key] { return [Int(v)] }
    return fallback
  }
  func int(_ key: String, _ fallback: Int) -> Int { ints(key, [fallback])[0] }
  func flag(_ key: String, _ fallback: Bool) -> Bool {
    if case .flag(let v)? = a[key] { return v }
    return fallback
  }
  func padding(_ count: Int) -> ConvolutionPadding {
    switch a["padding"] {
    case .text("same")?: return .same
    case .text("valid")?, nil: return .valid
    default: return .explicit(ints("padding", []))
    }
  }
  var mode = PaddingMode.zeros
  if case .text(let name)? = a["padding_mode"] { mode = PaddingMode(rawValue: name)! }
  switch fixture.layer {
  case "Conv2D":
    return Conv2D(int("in", 0), int("out", 0), kernelSize: ints("kernel", []), stride: ints("stride", [1, 1]),
                  padding: padding(2), paddingMode: mode, dilation: ints("dilation", [1, 1]),
                  groups: int("groups", 1), bias: flag("bias", true), dtype: dtype)
  case "Conv1D":
    return Conv1D(int("in", 0), int("out", 0), kernelSize: int("kernel", 0), stride: int("stride", 1),
                  padding: padding(1), paddingMode: mode, dilation: int("dilation", 1),
                  groups: int("groups", 1), bias: flag("bias", true), dtype: dtype)
  case "ConvTranspose2D":
    return ConvTranspose2D(int("in", 0), int("out", 0), kernelSize: ints("kernel", []),
                           stride: ints("stride", [1, 1]), padding: ints("padding", [0, 0]),
                           outputPadding: ints("output_padding", [0, 0]), dilation: ints("dilation", [1, 1]),
                           groups: int("groups", 1), dtype: dtype)
  case "ConvTranspose1D":
    return ConvTranspose1D(int("in", 0), int("out", 0), kernelSize: int("kernel", 0), stride: int("stride", 1),
                           padding: int("padding", 0), outputPadding: int("output_padding", 0),
                           dilation: int("dilation", 1), groups: int("groups", 1), dtype: dtype)
  case "MaxPool2D":
    return MaxPool2D(kernelSize: ints("kernel", []), stride: a["stride"] == nil ? nil : ints("stride", []),
                     padding: ints("padding", [0, 0]), dilation: ints("dilation", [1, 1]),
                     ceilMode: flag("ceil_mode", false))
  case "MaxPool1D":
    return MaxPool1D(int("kernel", 0), stride: a["stride"] == nil ? nil : int("stride", 0),
                     padding: int("padding", 0), dilation: int("dilation", 1), ceilMode: flag("ceil_mode", false))
  case "AvgPool2D":
    return AvgPool2D(kernelSize: ints("kernel", []), stride: a["stride"] == nil ? nil : ints("stride", []),
                     padding: ints("padding", [0, 0]), ceilMode: flag("ceil_mode", false),
                     countIncludePad: flag("count_include_pad", true))
  case "AvgPool1D":
    return AvgPool1D(int("kernel", 0), stride: a["stride"] == nil ? nil : int("stride", 0),
                     padding: int("padding", 0), ceilMode: flag("ceil_mode", false),
                     countIncludePad: flag("count_include_pad", true))
  case "LayerNorm":
    var epsilon = 1e-5
    if case .number(let e)? = a["epsilon"] { epsilon = e }
    return LayerNorm(ints("shape", []), epsilon: epsilon, dtype: dtype)
  case "GroupNorm":
    return GroupNorm(groups: int("groups", 0), channels: int("channels", 0), dtype: dtype)
  case "InstanceNorm2D":
    return InstanceNorm2D(int("channels", 0), affine: flag("affine", false),
                          trackRunningStatistics: flag("track_running_stats", false), dtype: dtype)
  case "ZeroPad2D":
    let p = ints("padding", [])
    return ZeroPad2D(left: p[0], right: p[1], top: p[2], bottom: p[3])
  case "Upsample":
    var mode = Upsample.Mode.nearest
    if case .text(let name)? = a["mode"] { mode = Upsample.Mode(rawValue: name)! }
    if case .list(let size)? = a["size"] {
      return Upsample(size: size, mode: mode, alignCorners: flag("align_corners", false))
    }
    guard case .list(let scale)? = a["scale"] else { fatalError("Upsample case needs a scale or size") }
    return Upsample(scaleFactor: scale.map(Double.init), mode: mode, alignCorners: flag("align_corners", false))
  case "AdaptiveAvgPool2D": return AdaptiveAvgPool2D(outputSize: ints("size", []))
  case "AdaptiveAvgPool1D": return AdaptiveAvgPool1D(int("size", 0))
  case "AdaptiveMaxPool2D": return AdaptiveMaxPool2D(outputSize: ints("size", []))
  case "SeparableConv2D":
    return SeparableConv2D(int("in", 0), int("out", 0), kernelSize: ints("kernel", []), padding: padding(2),
                           depthMultiplier: int("depth_multiplier", 1), dtype: dtype)
  case "BatchNorm2D", "BatchNorm1D":
    var momentum: Double? = 0.1
    if case .null? = a["momentum"] { momentum = nil }
    if case .number(let m)? = a["momentum"] { momentum = m }
    var epsilon = 1e-5
    if case .number(let e)? = a["epsilon"] { epsilon = e }
    return fixture.layer == "BatchNorm2D"
      ? BatchNorm2D(int("channels", 0), epsilon: epsilon, momentum: momentum, dtype: dtype)
      : BatchNorm1D(int("channels", 0), epsilon: epsilon, momentum: momentum, dtype: dtype)
  default:
    fatalError("LayerFixtureTests: no layer \(fixture.layer)")
  }
}

/// Expects `actual` within `tolerance·max(1, |expected|)` of `expected`, element by element.
func expectMatches(
  _ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
          sourceLocation: sourceLocation)
  guard actual.count == expected.count else { return }
  var worst = 0.0, worstIndex = 0
  for (i, (a, e)) in zip(actual, expected).enumerated() {
    let error = abs(a - e) / Swift.max(1, abs(e))
    if !(error <= worst) { (worst, worstIndex) = (error, i) }
  }
  #expect(worst <= tolerance, "\(what): error \(worst) at \(worstIndex) (\(actual[worstIndex]) vs \(expected[worstIndex]))",
          sourceLocation: sourceLocation)
}

@Suite struct LayerFixtureTests {
  static let statelessCases = LayerFixture.shared.cases.filter { $0.value.output != nil }.keys.sorted()
  static let batchNormCases = LayerFixture.shared.cases.filter { $0.value.train_inputs != nil }.keys.sorted()

  @Test func fixtureRecordsItsVersions() {
    #expect(LayerFixture.shared.versions["torch"] != nil && LayerFixture.shared.versions["python"] != nil)
    #expect(Self.statelessCases.count >= 25 && Self.batchNormCases.count >= 4)
  }

  /// Output and gradients (input and every parameter) against PyTorch's, in float64 (1e-10) and
  /// float32 (1e-5), on every test device.
  @Test(arguments: statelessCases)
  func matchesPyTorch(name: String) {
    let fixture = LayerFixture.shared.cases[name]!
    for device in testDevices {
      for (dtype, tolerance) in [(DType.float64, 1e-10), (.float32, 1e-5)] {
        let layer = makeLayer(fixture, dtype: dtype).to(device)
        let named = Dictionary(uniqueKeysWithValues: layer.namedParameters.map { ($0.name, $0.parameter) })
        #expect(Set(named.keys) == Set(fixture.params.keys), "\(name): parameters \(named.keys.sorted())")
        for (key, values) in fixture.params {
          named[key]?.assign(Tensor(values.values, shape: values.shape, on: device).cast(to: dtype))
        }
        let x = Tensor(fixture.input!, shape: fixture.input_shape, on: device).cast(to: dtype).requiringGradient()
        let y = layer(x)
        let what = "\(name) \(dtype) on \(device)"
        #expect(y.shape == fixture.output_shape!, "\(what): output shape \(y.shape)")
        expectMatches(y.doubles, fixture.output!, tolerance: tolerance, "\(what) output")
        let upstream = Tensor(fixture.upstream!, shape: y.shape, on: device).cast(to: dtype)
        let grads = (y * upstream).sum().backward()
        expectMatches(grads[x]?.doubles ?? [], fixture.grads!["input"]!, tolerance: tolerance, "\(what) input gradient")
        for (key, parameter) in named {
          expectMatches(grads[parameter]?.doubles ?? [], fixture.grads![key]!, tolerance: tolerance,
                        "\(what) gradient of \(key)")
        }
      }
    }
  }

  /// Several training steps (outputs, gradients, running statistics) and then inference on the
  /// running statistics, against PyTorch's.
  @Test(arguments: batchNormCases)
  func batchNormMatchesPyTorch(name: String) {
    let fixture = LayerFixture.shared.cases[name]!
    for device in testDevices {
      for (dtype, tolerance) in [(DType.float64, 1e-10), (.float32, 1e-5)] {
        let layer = makeLayer(fixture, dtype: dtype).to(device) as! any TracksStatistics
        for (key, values) in fixture.params {
          let parameter = key == "weight" ? layer.weight! : layer.bias!
          parameter.assign(Tensor(values.values, shape: values.shape, on: device).cast(to: dtype))
        }
        let what = "\(name) \(dtype) on \(device)"
        for (step, input) in fixture.train_inputs!.enumerated() {
          let x = Tensor(input, shape: fixture.input_shape, on: device).cast(to: dtype).requiringGradient()
          let y = withLearningPhase(.training) { layer(x) }
          expectMatches(y.doubles, fixture.train_outputs![step], tolerance: tolerance, "\(what) step \(step) output")
          let upstream = Tensor(fixture.train_upstreams![step], shape: y.shape, on: device).cast(to: dtype)
          let grads = (y * upstream).sum().backward()
          let expected = fixture.train_grads![step]
          expectMatches(grads[x]?.doubles ?? [], expected["input"]!, tolerance: tolerance, "\(what) step \(step) input gradient")
          expectMatches(grads[layer.weight!]?.doubles ?? [], expected["weight"]!, tolerance: tolerance,
                        "\(what) step \(step) weight gradient")
          expectMatches(grads[layer.bias!]?.doubles ?? [], expected["bias"]!, tolerance: tolerance,
                        "\(what) step \(step) bias gradient")
        }
        expectMatches(layer.runningMean!.value.doubles, fixture.running_mean!, tolerance: tolerance, "\(what) running_mean")
        expectMatches(layer.runningVariance!.value.doubles, fixture.running_var!, tolerance: tolerance, "\(what) running_var")
        #expect(layer.numBatchesTracked!.value.item(as: Int64.self) == Int64(fixture.num_batches_tracked!))
        let y = layer(Tensor(fixture.eval_input!, shape: fixture.input_shape, on: device).cast(to: dtype))
        expectMatches(y.doubles, fixture.eval_output!, tolerance: tolerance, "\(what) inference output")
        // Frozen statistics: training uses (and keeps) the running statistics, as inference does.
        guard let layer = layer as? BatchNormalization else { continue }
        layer.freezeStatistics = true
        let frozen = withLearningPhase(.training) {
          layer(Tensor(fixture.eval_input!, shape: fixture.input_shape, on: device).cast(to: dtype))
        }
        expectMatches(frozen.doubles, fixture.eval_output!, tolerance: tolerance, "\(what) frozen output")
        #expect(layer.numBatchesTracked!.value.item(as: Int64.self) == Int64(fixture.num_batches_tracked!))
      }
    }
  }
}

/// The layers whose fixtures check running statistics.
protocol TracksStatistics: TensorLayer {
  var weight: Parameter? { get }
  var bias: Parameter? { get }
  var runningMean: ModuleBuffer? { get }
  var runningVariance: ModuleBuffer? { get }
  var numBatchesTracked: ModuleBuffer? { get }
}

extension BatchNormalization: TracksStatistics {}
extension InstanceNorm2D: TracksStatistics {}
