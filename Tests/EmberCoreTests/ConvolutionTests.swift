import EmberBackend
import EmberTestSupport
import Testing

@testable import EmberCore

/// Float64 central-difference gradient checks of the convolution, pooling and padding ops, on
/// every test device. (PyTorch's values for the layers built on them: EmberNNTests'
/// LayerFixtureTests.)
@Suite struct ConvolutionTests {
  @Test(arguments: testDevices)
  func conv2dGradients(device: Device) {
    let variants: [(String, [Int], [Int], ConvolutionPadding, [Int], Int)] = [
      ("plain", [3, 2, 3, 3], [1, 1], .valid, [1, 1], 1),
      ("stride, explicit padding", [3, 2, 3, 2], [2, 1], .explicit([1, 2]), [1, 1], 1),
      ("same, even kernel", [2, 2, 2, 4], [1, 1], .same, [1, 1], 1),
      ("dilation", [2, 2, 2, 2], [1, 1], .explicit([1, 0]), [2, 3], 1),
      ("groups", [4, 1, 3, 3], [1, 2], .explicit([1, 1]), [1, 1], 2),
      ("pointwise", [3, 2, 1, 1], [1, 1], .valid, [1, 1], 1),
      ("depthwise (the direct kernel)", [3, 1, 3, 2], [1, 2], .explicit([1, 1]), [2, 1], 3),
    ]
    for (name, weightShape, stride, padding, dilation, groups) in variants {
      let channels = weightShape[1] * groups
      for layout in [InputLayout.contiguous, .sliced] {
        checkGradients("conv2d \(name) \(layout)", shapes: [[2, channels, 6, 7], weightShape, [weightShape[0]]],
                       range: -1...1, layout: layout, on: device) { t in
          t[0].conv2d(t[1], bias: t[2], stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
      }
    }
  }

  @Test(arguments: testDevices)
  func conv1dAndTransposedGradients(device: Device) {
    checkGradients("conv1d", shapes: [[2, 4, 9], [4, 2, 3], [4]], range: -1...1, on: device) { t in
      t[0].conv1d(t[1], bias: t[2], stride: 2, padding: .explicit([1]), dilation: 2, groups: 2)
    }
    checkGradients("convTranspose2d", shapes: [[2, 4, 3, 4], [4, 3, 3, 2], [6]], range: -1...1, on: device) { t in
      t[0].convTranspose2d(t[1], bias: t[2], stride: [2, 3], padding: [1, 0], outputPadding: [1, 2],
                           dilation: [1, 1], groups: 2)
    }
    checkGradients("convTranspose1d", shapes: [[1, 2, 5], [2, 3, 4]], range: -1...1, on: device) { t in
      t[0].convTranspose1d(t[1], stride: 2, padding: 1, outputPadding: 1, dilation: 2)
    }
    // An unbatched [C, H, W] input.
    checkGradients("conv2d unbatched", shapes: [[2, 5, 4], [3, 2, 2, 2]], range: -1...1, on: device) { t in
      t[0].conv2d(t[1], padding: .same)
    }
  }

  /// The three bilinear primitives' own pullbacks (made of each other), which gradients of
  /// gradients go through.
  @Test func backwardPrimitivesDifferentiate() {
    let g = ConvolutionGeometry(batch: 2, inputChannels: 4, outputChannels: 2, inputHeight: 5, inputWidth: 6,
                                kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 1, padTop: 1,
                                padBottom: 0, padLeft: 1, padRight: 1, dilationHeight: 1, dilationWidth: 2,
                                groups: 2)
    checkGradients("convolution input gradient", shapes: [g.outputShape, g.weightShape], range: -1...1) { t in
      Tensor.convolutionTranspose(t[0], t[1], geometry: g)
    }
    checkGradients("convolution weight gradient", shapes: [g.inputShape, g.outputShape], range: -1...1) { t in
      Tensor.convolutionWeightGradient(t[0], t[1], geometry: g)
    }
  }

  @Test(arguments: testDevices)
  func poolingGradients(device: Device) {
    // Values spread apart so no window's maximum is a near tie.
    checkGradients("maxPool2d", shapes: [[2, 3, 7, 6]], range: -5...5, on: device) { t in
      t[0].maxPool2d(kernel: [3, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 2], ceilMode: true)
    }
    checkGradients("maxPool1d", shapes: [[2, 2, 9]], range: -5...5, on: device) { t in
      t[0].maxPool1d(kernel: 3, stride: 2, padding: 1)
    }
    for countIncludePad in [true, false] {
      checkGradients("avgPool2d countIncludePad \(countIncludePad)", shapes: [[2, 2, 7, 6]], range: -1...1,
                     layout: .sliced, on: device) { t in
        t[0].avgPool2d(kernel: [3, 3], stride: [2, 1], padding: [1, 1], ceilMode: true,
                       countIncludePad: countIncludePad)
      }
    }
    checkGradients("avgPool1d", shapes: [[2, 3, 8]], range: -1...1, on: device) { t in
      t[0].avgPool1d(kernel: 3, stride: 2, padding: 1)
    }
  }

  /// Max pooling's input gradient is itself differentiable (a gather at the same indices).
  @Test func maxPoolBackwardDifferentiates() {
    let x = Tensor(testValues(2 * 3 * 6 * 5, in: -5...5, seed: 3), shape: [2, 3, 6, 5])
    let indices = x.maxPool2dWithIndices(kernel: [2, 2], stride: [2, 1]).indices
    let g = PoolingGeometry(planes: 6, inputHeight: 6, inputWidth: 5, outputHeight: 3, outputWidth: 4,
                            kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 1)
    checkGradients("maxPool2d backward", shapes: [[2, 3, 3, 4]], range: -1...1) { t in
      Tensor.maxPoolBackward(t[0], indices: indices, geometry: g, inputShape: [2, 3, 6, 5])
    }
  }

  @Test func maxPoolValuesAndIndices() {
    let x = Tensor([[[1, 5, 2, 0], [3, 4, 9, 8], [7, 6, 1, 2]]] as [[[Double]]])
    let (values, indices) = x.maxPool2dWithIndices(kernel: [2, 2], stride: [1, 2])
    #expect(values.shape == [1, 2, 2] && values.doubles == [5, 9, 7, 9])
    #expect(indices.scalars(as: Int64.self) == [1, 6, 8, 6])
    // Ceil mode keeps a last window that starts inside the input; padding never wins.
    let padded = Tensor([[[-1, -2, -3]]] as [[[Double]]]).maxPool2d(kernel: [1, 2], padding: [0, 1], ceilMode: true)
    #expect(padded.doubles == [-1, -2])
  }

  @Test func averagePoolDivisors() {
    let x = Tensor.ones([1, 1, 3, 3], dtype: .float64)
    // A 2×2 window at stride 2 with padding 1: corner windows see one real element.
    #expect(x.avgPool2d(kernel: [2, 2], padding: [1, 1]).doubles == [0.25, 0.5, 0.5, 1])
    #expect(x.avgPool2d(kernel: [2, 2], padding: [1, 1], countIncludePad: false).doubles == [1, 1, 1, 1])
  }

  @Test(arguments: PaddingMode.allCases)
  func paddingModes(mode: PaddingMode) {
    let x = Tensor([1, 2, 3, 4] as [Double]).reshaped([1, 4])
    let expected: [PaddingMode: [Double]] = [
      .zeros: [0, 0, 1, 2, 3, 4, 0], .reflect: [3, 2, 1, 2, 3, 4, 3],
      .replicate: [1, 1, 1, 2, 3, 4, 4], .circular: [3, 4, 1, 2, 3, 4, 1],
    ]
    #expect(x.padded(axis: 1, before: 2, after: 1, mode: mode).doubles == expected[mode]!)
    checkGradients("pad \(mode.rawValue)", shapes: [[2, 3, 4]], range: -1...1) { t in
      t[0].padded(axis: -1, before: 3, after: 2, mode: mode)
    }
  }

  @Test func geometryReportsProblems() {
    let tooLarge = ConvolutionGeometry(batch: 1, inputChannels: 2, outputChannels: 2, inputHeight: 2,
                                       inputWidth: 2, kernelHeight: 3, kernelWidth: 3)
    #expect(tooLarge.problem?.contains("larger than the padded 2×2 input") == true)
    let groups = ConvolutionGeometry(batch: 1, inputChannels: 3, outputChannels: 2, inputHeight: 4,
                                     inputWidth: 4, kernelHeight: 1, kernelWidth: 1, groups: 2)
    #expect(groups.problem?.contains("do not divide into 2 groups") == true)
  }
}

/// The Winograd F(2×2, 3×3) path of float32 3×3 stride-1 convolutions (forward, input and weight
/// gradients) against the float64 im2col path, on shapes that take it: odd and even sizes (partial
/// last tiles), every padding it accepts, and a bias.
@Suite struct WinogradConvolutionTests {
  @Test func matchesIm2colInFloat64() {
    let cases: [(h: Int, w: Int, padding: ConvolutionPadding)] = [
      (8, 8, .same), (7, 9, .same), (6, 5, .valid), (5, 6, .explicit([2, 2])), (9, 7, .explicit([0, 1])),
    ]
    for (h, w, padding) in cases {
      // 64 input channels: small images take the Winograd path only with that many.
      let x64 = Tensor(testValues(3 * 64 * h * w, in: -1...1, seed: 3), shape: [3, 64, h, w])
      let w64 = Tensor(testValues(24 * 64 * 9, in: -0.15...0.15, seed: 4), shape: [24, 64, 3, 3])
      let b64 = Tensor(testValues(24, in: -1...1, seed: 5), shape: [24])
      let (x32, w32, b32) = (x64.cast(to: .float32), w64.cast(to: .float32), b64.cast(to: .float32))
      let expected = x64.conv2d(w64, bias: b64, padding: padding)
      let actual = x32.conv2d(w32, bias: b32, padding: padding)
      #expect(actual.shape == expected.shape)
      expectClose(actual.doubles, expected.doubles, tolerance: 2e-5, "forward \(h)×\(w) \(padding)")
      // The input gradient: the transposed convolution of a probe gradient.
      let probe = Tensor(testValues(expected.count, in: -1...1, seed: 6), shape: expected.shape)
      let x64g = x64.requiringGradient(), x32g = x32.requiringGradient()
      let dx64 = (x64g.conv2d(w64, padding: padding) * probe).sum().backward()[x64g]!
      let dx32 = (x32g.conv2d(w32, padding: padding) * probe.cast(to: .float32)).sum().backward()[x32g]!
      expectClose(dx32.doubles, dx64.doubles, tolerance: 2e-5, "input gradient \(h)×\(w) \(padding)")
      // The weight gradient (runs of 8 images summed in order: a batch of 11 has two).
      let xs64 = Tensor(testValues(11 * 64 * h * w, in: -1...1, seed: 7), shape: [11, 64, h, w])
      let w64g = w64.requiringGradient(), w32g = w32.requiringGradient()
      let ys = xs64.conv2d(w64, padding: padding)
      let probe11 = Tensor(testValues(ys.count, in: -1...1, seed: 8), shape: ys.shape)
      let dw64 = (xs64.conv2d(w64g, padding: padding) * probe11).sum().backward()[w64g]!
      let dw32 = (xs64.cast(to: .float32).conv2d(w32g, padding: padding) * probe11.cast(to: .float32))
        .sum().backward()[w32g]!
      expectClose(dw32.doubles, dw64.doubles, tolerance: 1e-4, "weight gradient \(h)×\(w) \(padding)")
    }
  }
}
