import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberNN

/// The layer harness (shapes, names, state-dict round trip, seeded determinism) for the
/// convolution, pooling and normalization layers; PyTorch's values are in LayerFixtureTests.
@Suite struct ConvolutionLayersTests {
  @Test func convolutionHarness() {
    checkLayer("Conv2D", input: [2, 3, 9, 8], output: [2, 4, 5, 4], parameterNames: ["weight", "bias"],
               parameterCount: 4 * 3 * 9 + 4) { generator in
      let layer = Conv2D(3, 4, kernelSize: 3, stride: 2, padding: .explicit([1, 1]))
      layer.resetParameters(using: &generator)
      return layer
    }
    checkLayer("Conv2D depthwise, same, reflect", input: [2, 4, 5, 6], output: [2, 4, 5, 6],
               parameterNames: ["weight"], parameterCount: 4 * 9) { generator in
      let layer = Conv2D(4, 4, kernelSize: 3, padding: .same, paddingMode: .reflect, groups: 4, bias: false)
      layer.resetParameters(using: &generator)
      return layer
    }
    checkLayer("Conv1D", input: [2, 3, 10], output: [2, 6, 8], parameterNames: ["weight", "bias"],
               parameterCount: 6 * 3 * 3 + 6) { generator in
      let layer = Conv1D(3, 6, kernelSize: 3)
      layer.resetParameters(using: &generator)
      return layer
    }
    checkLayer("ConvTranspose2D", input: [2, 3, 4, 4], output: [2, 2, 8, 8], parameterNames: ["weight", "bias"],
               parameterCount: 3 * 2 * 9 + 2) { generator in
      let layer = ConvTranspose2D(3, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1)
      layer.resetParameters(using: &generator)
      return layer
    }
    checkLayer("ConvTranspose1D", input: [2, 4, 5], output: [2, 2, 11], parameterNames: ["weight", "bias"],
               parameterCount: 4 * 1 * 3 + 2) { generator in
      let layer = ConvTranspose1D(4, 2, kernelSize: 3, stride: 2, groups: 2)
      layer.resetParameters(using: &generator)
      return layer
    }
  }

  @Test func poolingHarness() {
    checkLayer("MaxPool2D", input: [2, 3, 7, 6], output: [2, 3, 3, 3], parameterNames: [], parameterCount: 0) { _ in
      MaxPool2D(2)
    }
    checkLayer("MaxPool2D ceil", input: [2, 3, 7, 6], output: [2, 3, 4, 3], parameterNames: [], parameterCount: 0) { _ in
      MaxPool2D(2, ceilMode: true)
    }
    checkLayer("AvgPool2D", input: [2, 3, 7, 6], output: [2, 3, 4, 3], parameterNames: [], parameterCount: 0) { _ in
      AvgPool2D(3, stride: 2, padding: 1)
    }
    checkLayer("MaxPool1D", input: [2, 3, 9], output: [2, 3, 4], parameterNames: [], parameterCount: 0) { _ in
      MaxPool1D(2)
    }
    checkLayer("AvgPool1D", input: [2, 3, 9], output: [2, 3, 3], parameterNames: [], parameterCount: 0) { _ in
      AvgPool1D(3)
    }
    checkLayer("GlobalAveragePool", input: [2, 3, 4, 5], output: [2, 3], parameterNames: [], parameterCount: 0) { _ in
      GlobalAveragePool()
    }
  }

  @Test func otherLayersHarness() {
    checkLayer("SeparableConv2D", input: [2, 3, 6, 5], output: [2, 4, 6, 5],
               parameterNames: ["depthwise.weight", "pointwise.weight", "pointwise.bias"],
               parameterCount: 6 * 9 + 4 * 6 + 4) { generator in
      let layer = SeparableConv2D(3, 4, kernelSize: [3, 3], padding: .same, depthMultiplier: 2)
      layer.resetParameters(using: &generator)
      return layer
    }
    checkLayer("ZeroPad2D", input: [2, 2, 3, 4], output: [2, 2, 6, 7], parameterNames: [], parameterCount: 0) { _ in
      ZeroPad2D(left: 1, right: 2, top: 0, bottom: 3)
    }
    checkLayer("Upsample", input: [2, 2, 3, 4], output: [2, 2, 6, 8], parameterNames: [], parameterCount: 0) { _ in
      Upsample(scaleFactor: [2], mode: .bilinear)
    }
    checkLayer("AdaptiveAvgPool2D", input: [2, 3, 7, 5], output: [2, 3, 1, 1], parameterNames: [],
               parameterCount: 0) { _ in AdaptiveAvgPool2D(1) }
    checkLayer("Rescaling", input: [2, 3], output: [2, 3], parameterNames: [], parameterCount: 0) { _ in
      Rescaling(scale: 1.0 / 255, offset: -0.5)
    }
  }

  /// Keras's `Normalization`: adapted statistics per feature, saved with the model.
  @Test func normalizationAdapts() {
    let data = Tensor([[1, 10], [3, 30], [5, 50]] as [[Double]]).cast(to: .float64)
    let layer = Normalization(features: 2, dtype: .float64)
    layer.adapt(data)
    expectClose(layer.mean.value.doubles, [3, 30])
    expectClose(layer.variance.value.doubles, [8.0 / 3, 800.0 / 3])
    let y = layer(data)
    expectClose(y.mean(axis: 0).doubles, [0, 0], tolerance: 1e-12)
    expectClose(y.variance(axes: [0], correction: 0).doubles, [1, 1], tolerance: 1e-12)
    #expect(Set(layer.stateDict().keys) == ["mean", "variance"])
    // Per channel of [N, C, H, W] images.
    let images = Tensor.uniform([4, 3, 2, 2], in: 0...1)
    let perChannel = Normalization(features: 3, axis: 1)
    perChannel.adapt(images)
    expectClose(perChannel(images).mean(axes: [0, 2, 3]).doubles, [0, 0, 0], tolerance: 1e-5)
  }

  @Test func batchNormHarnessAndBuffers() {
    // Batch norm starts at weight 1 and bias 0 whatever the seed; the harness draws them instead.
    func drawn(_ layer: BatchNormalization, _ generator: inout RandomGenerator) -> BatchNormalization {
      layer.weight!.assign(Tensor.uniform([layer.channels], in: 0.5...1.5, using: &generator))
      layer.bias!.assign(Tensor.uniform([layer.channels], in: -1...1, using: &generator))
      return layer
    }
    checkLayer("BatchNorm2D", input: [4, 3, 5, 5], output: [4, 3, 5, 5], parameterNames: ["weight", "bias"],
               parameterCount: 6) { drawn(BatchNorm2D(3), &$0) }
    checkLayer("BatchNorm1D", input: [6, 5], output: [6, 5], parameterNames: ["weight", "bias"],
               parameterCount: 10) { drawn(BatchNorm1D(5), &$0) }
    let layer = BatchNorm2D(3)
    #expect(layer.namedBuffers.map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
    #expect(Set(layer.stateDict().keys) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
    // Without running statistics the batch's are used in inference too, and nothing is tracked.
    let untracked = BatchNorm1D(2, affine: false, trackRunningStatistics: false)
    #expect(untracked.namedParameters.isEmpty && untracked.namedBuffers.isEmpty)
    let y = untracked(Tensor([[1, 10], [3, 30]] as [[Double]]))
    expectClose(y.doubles, [-1, -1, 1, 1], tolerance: 1e-4)
  }
}
