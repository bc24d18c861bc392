import Ember

/// One convolution of `ember bench conv`: batch 32 of `channels`×`size`×`size` images.
struct ConvCase: Sendable {
  let name: String
  let channels: Int, outputs: Int, kernel: Int, stride: Int, groups: Int
  var size = 32, batch = 32

  /// The cases `Benchmarks/torch_conv.py` times too: 3×3 and 1×1 at stride 1 and 2, depthwise 3×3
  /// (3×3 kernels padded by 1).
  static let all = [
    ConvCase(name: "3x3_s1", channels: 64, outputs: 64, kernel: 3, stride: 1, groups: 1),
    ConvCase(name: "3x3_s2", channels: 64, outputs: 128, kernel: 3, stride: 2, groups: 1),
    ConvCase(name: "1x1_s1", channels: 64, outputs: 128, kernel: 1, stride: 1, groups: 1),
    ConvCase(name: "1x1_s2", channels: 64, outputs: 128, kernel: 1, stride: 2, groups: 1),
    ConvCase(name: "depthwise3x3_s1", channels: 64, outputs: 64, kernel: 3, stride: 1, groups: 64),
  ]

  var padding: Int { kernel / 2 }
  var outputSize: Int { (size + 2 * padding - kernel) / stride + 1 }
  /// Multiply-adds ×2 of the forward pass.
  var forwardFlops: Double {
    2 * Double(batch * outputs * outputSize * outputSize * (channels / groups) * kernel * kernel)
  }
}

extension BenchWorkload {
  /// Layer-level convolution timings: forward alone, and forward plus backward (input and weight
  /// gradients), per case of `ConvCase.all`.
  static let conv = BenchWorkload(
    name: "conv",
    summary: "conv2d forward and forward+backward: 3×3/1×1, stride 1/2, depthwise; batch 32 of 32×32 (ms)"
  ) {
    Random.seed(0)
    let cases = ConvCase.all.map { c -> (key: String, value: JSONValue) in
      let x = Tensor.normal([c.batch, c.channels, c.size, c.size]).requiringGradient()
      let weight = Tensor.normal([c.outputs, c.channels / c.groups, c.kernel, c.kernel]).requiringGradient()
      let bias = Tensor.normal([c.outputs]).requiringGradient()
      func run(_ input: Tensor) -> Tensor {
        input.conv2d(weight, bias: bias, stride: [c.stride, c.stride], padding: .explicit([c.padding, c.padding]),
                     groups: c.groups)
      }
      let upstream = withoutGradients { Tensor.normal(run(x).shape) }
      let forward = Timing.measure(warmup: 3, minSamples: 10, minSeconds: 1) {
        withoutGradients { run(x) }.backend.synchronize()
      }
      let both = Timing.measure(warmup: 3, minSamples: 10, minSeconds: 1) {
        let grads = run(x).backward(seed: upstream)
        grads[x]!.backend.synchronize()
      }
      return (c.name, .object([
        ("forward_ms", .number(forward.median * 1e3)),
        ("forward_backward_ms", .number(both.median * 1e3)),
        ("forward_gflops", .number(c.forwardFlops / forward.median / 1e9)),
        ("forward_backward_gflops", .number(3 * c.forwardFlops / both.median / 1e9)),
      ]))
    }
    return .object(cases)
  }
}
