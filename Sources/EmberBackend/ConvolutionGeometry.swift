/// The sizes of one 2-D convolution over channels-first images, as PyTorch's `conv2d` defines it (a
/// 1-D convolution is one with a height of 1).
///
/// Input `[batch, inputChannels, inputHeight, inputWidth]`, weight `[outputChannels,
/// inputChannels / groups, kernelHeight, kernelWidth]`, output `[batch, outputChannels,
/// outputHeight, outputWidth]`:
/// `out[n, o, y, x] = Σ_{c, i, j} in[n, g·C' + c, y·sh − top + i·dh, x·sw − left + j·dw] · w[o, c, i, j]`
/// where `g = o / (outputChannels / groups)`, `C' = inputChannels / groups`, and positions outside
/// the input read zero. Padding may differ on each side (PyTorch's `padding="same"` with an even
/// kernel pads one more after).
public struct ConvolutionGeometry: Sendable, Hashable, CustomStringConvertible {
  public var batch: Int
  public var inputChannels: Int, outputChannels: Int
  public var inputHeight: Int, inputWidth: Int
  public var kernelHeight: Int, kernelWidth: Int
  public var strideHeight: Int, strideWidth: Int
  public var padTop: Int, padBottom: Int, padLeft: Int, padRight: Int
  public var dilationHeight: Int, dilationWidth: Int
  public var groups: Int

  public init(
    batch: Int, inputChannels: Int, outputChannels: Int, inputHeight: Int, inputWidth: Int,
    kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
    padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0,
    dilationHeight: Int = 1, dilationWidth: Int = 1, groups: Int = 1
  ) {
    (self.batch, self.inputChannels, self.outputChannels) = (batch, inputChannels, outputChannels)
    (self.inputHeight, self.inputWidth, self.kernelHeight, self.kernelWidth)
      = (inputHeight, inputWidth, kernelHeight, kernelWidth)
    (self.strideHeight, self.strideWidth) = (strideHeight, strideWidth)
    (self.padTop, self.padBottom, self.padLeft, self.padRight) = (padTop, padBottom, padLeft, padRight)
    (self.dilationHeight, self.dilationWidth, self.groups) = (dilationHeight, dilationWidth, groups)
  }

  /// `(inputHeight + padTop + padBottom − dilationHeight·(kernelHeight − 1) − 1) / strideHeight + 1`.
  public var outputHeight: Int {
    (inputHeight + padTop + padBottom - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1
  }

  /// `(inputWidth + padLeft + padRight − dilationWidth·(kernelWidth − 1) − 1) / strideWidth + 1`.
  public var outputWidth: Int {
    (inputWidth + padLeft + padRight - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1
  }

  public var inputShape: [Int] { [batch, inputChannels, inputHeight, inputWidth] }
  public var weightShape: [Int] { [outputChannels, inputChannels / groups, kernelHeight, kernelWidth] }
  public var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }

  /// `nil` when the sizes make a convolution, else what is wrong with them.
  public var problem: String? {
    if [batch, inputChannels, outputChannels, inputHeight, inputWidth].contains(where: { $0 < 0 })
      || [kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, groups]
        .contains(where: { $0 < 1 }) || [padTop, padBottom, padLeft, padRight].contains(where: { $0 < 0 })
    {
      return "sizes must be positive (padding non-negative)"
    }
    if inputChannels % groups != 0 || outputChannels % groups != 0 {
      return "\(inputChannels) input and \(outputChannels) output channels do not divide into \(groups) groups"
    }
    if outputHeight < 1 || outputWidth < 1 {
      return "the \(kernelHeight)×\(kernelWidth) kernel (dilation \(dilationHeight)×\(dilationWidth)) "
        + "is larger than the padded \(inputHeight)×\(inputWidth) input"
    }
    return nil
  }

  public var description: String {
    "\(inputShape) * \(weightShape) → \(outputShape) (stride \(strideHeight)×\(strideWidth), padding "
      + "\(padTop),\(padBottom),\(padLeft),\(padRight), dilation \(dilationHeight)×\(dilationWidth), "
      + "groups \(groups))"
  }
}

/// The sizes of one 2-D pooling over `[planes, inputHeight, inputWidth]` (every channel of every
/// image is a plane), as PyTorch's `max_pool2d` and `avg_pool2d` define them. The output sizes are
/// given (they depend on the ceil mode): window `(y, x)` starts at `(y·sh − padTop, x·sw − padLeft)`
/// and covers `kernelHeight`×`kernelWidth` positions `dilation` apart.
public struct PoolingGeometry: Sendable, Hashable {
  public var planes: Int
  public var inputHeight: Int, inputWidth: Int
  public var outputHeight: Int, outputWidth: Int
  public var kernelHeight: Int, kernelWidth: Int
  public var strideHeight: Int, strideWidth: Int
  public var padTop: Int, padLeft: Int
  public var dilationHeight: Int, dilationWidth: Int

  public init(
    planes: Int, inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int,
    kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int, padTop: Int = 0,
    padLeft: Int = 0, dilationHeight: Int = 1, dilationWidth: Int = 1
  ) {
    (self.planes, self.inputHeight, self.inputWidth) = (planes, inputHeight, inputWidth)
    (self.outputHeight, self.outputWidth) = (outputHeight, outputWidth)
    (self.kernelHeight, self.kernelWidth, self.strideHeight, self.strideWidth)
      = (kernelHeight, kernelWidth, strideHeight, strideWidth)
    (self.padTop, self.padLeft, self.dilationHeight, self.dilationWidth)
      = (padTop, padLeft, dilationHeight, dilationWidth)
  }
}
