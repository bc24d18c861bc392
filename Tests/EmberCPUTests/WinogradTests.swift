import EmberBackend
import Testing

@testable import EmberCPU

/// Which convolutions take the Winograd path: the measured rule of `WinogradConvolution.applies`.
@Suite struct WinogradTests {
  static func geometry(_ channels: Int, _ outputs: Int, _ size: Int, pad: Int = 1) -> ConvolutionGeometry {
    ConvolutionGeometry(batch: 8, inputChannels: channels, outputChannels: outputs, inputHeight: size,
                        inputWidth: size, kernelHeight: 3, kernelWidth: 3, padTop: pad, padBottom: pad,
                        padLeft: pad, padRight: pad)
  }

  @Test func theTransformsRunWhereTheyPay() {
    guard WinogradConvolution.enabled else { return }  // EMBER_WINOGRAD=0
    #expect(WinogradConvolution.applies(Self.geometry(32, 64, 32), dtype: .float32))  // cifar10's first block
    #expect(WinogradConvolution.applies(Self.geometry(128, 128, 8), dtype: .float32))  // its last stage
    #expect(!WinogradConvolution.applies(Self.geometry(32, 64, 13, pad: 0), dtype: .float32))  // bench cnn, 11×11
    #expect(!WinogradConvolution.applies(Self.geometry(3, 32, 32), dtype: .float32))  // too few channels
    #expect(!WinogradConvolution.applies(Self.geometry(64, 64, 32), dtype: .float64))  // float64: im2col
    #expect(!WinogradConvolution.applies(Self.geometry(64, 64, 32, pad: 3), dtype: .float32))
  }
}
