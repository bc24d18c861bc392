import EmberBackend

/// How a convolution pads its input, as PyTorch's `padding` argument.
public enum ConvolutionPadding: Sendable, Equatable {
  /// No padding (PyTorch's `"valid"`).
  case valid
  /// Enough zeros that the output has the input's size at stride 1 (PyTorch's `"same"`): a total
  /// of `dilation·(kernel − 1)` per axis, the odd one after.
  case same
  /// `amounts[i]` zeros on both sides of spatial axis `i` (one value per spatial axis).
  case explicit([Int])

  /// `(before, after)` per spatial axis for `kernel` and `dilation`.
  public func amounts(kernel: [Int], dilation: [Int], op: String) -> [(before: Int, after: Int)] {
    switch self {
    case .valid: return kernel.map { _ in (0, 0) }
    case .same:
      return zip(kernel, dilation).map { k, d in
        let total = d * (k - 1)
        return (total / 2, total - total / 2)
      }
    case .explicit(let amounts):
      precondition(amounts.count == kernel.count && amounts.allSatisfy { $0 >= 0 },
                   "\(op): padding \(amounts) needs one non-negative amount per spatial axis (\(kernel.count))")
      return amounts.map { ($0, $0) }
    }
  }
}

extension Tensor {
  /// 2-D convolution over `[N, C, H, W]` (or unbatched `[C, H, W]`), like `torch.nn.functional.conv2d`
  /// (a cross-correlation, as in every framework).
  ///
  /// Shapes: input `[N, C, H, W]`, weight `[O, C / groups, kh, kw]`, bias `[O]` → `[N, O, H', W']`
  /// with `H' = ⌊(H + pads − dilation·(kh − 1) − 1) / stride⌋ + 1`.
  public func conv2d(
    _ weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1], padding: ConvolutionPadding = .valid,
    dilation: [Int] = [1, 1], groups: Int = 1
  ) -> Tensor {
    if rank == 3 {
      return unsqueezed(axis: 0).conv2d(
        weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups
      ).squeezed(axis: 0)
    }
    precondition(rank == 4 && weight.rank == 4,
                 "conv2d: expected input [N, C, H, W] and weight [O, C/groups, kh, kw], got \(shape) and \(weight.shape)")
    precondition(stride.count == 2 && dilation.count == 2,
                 "conv2d: stride \(stride) and dilation \(dilation) need two values each")
    precondition(padding != .same || stride == [1, 1], "conv2d: padding \"same\" needs stride 1, got \(stride)")
    let pads = padding.amounts(kernel: [weight.shape[2], weight.shape[3]], dilation: dilation, op: "conv2d")
    let geometry = ConvolutionGeometry(
      batch: shape[0], inputChannels: shape[1], outputChannels: weight.shape[0], inputHeight: shape[2],
      inputWidth: shape[3], kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
      strideHeight: stride[0], strideWidth: stride[1], padTop: pads[0].before, padBottom: pads[0].after,
      padLeft: pads[1].before, padRight: pads[1].after, dilationHeight: dilation[0],
      dilationWidth: dilation[1], groups: groups)
    precondition(weight.shape[1] * groups == shape[1],
                 "conv2d: weight \(weight.shape) with \(groups) groups does not take \(shape[1]) input channels (input \(shape))")
    return Tensor.convolution(self, weight, bias: bias, geometry: geometry)
  }

  /// 1-D convolution over `[N, C, L]` (or unbatched `[C, L]`), like `torch.nn.functional.conv1d`.
  ///
  /// Shapes: input `[N, C, L]`, weight `[O, C / groups, k]`, bias `[O]` → `[N, O, L']`.
  public func conv1d(
    _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvolutionPadding = .valid,
    dilation: Int = 1, groups: Int = 1
  ) -> Tensor {
    if rank == 2 {
      return unsqueezed(axis: 0).conv1d(
        weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups
      ).squeezed(axis: 0)
    }
    precondition(rank == 3 && weight.rank == 3,
                 "conv1d: expected input [N, C, L] and weight [O, C/groups, k], got \(shape) and \(weight.shape)")
    let padding2D: ConvolutionPadding
    switch padding {
    case .explicit(let amounts):
      precondition(amounts.count == 1, "conv1d: padding \(amounts) needs one amount")
      padding2D = .explicit([0, amounts[0]])
    default: padding2D = padding
    }
    return unsqueezed(axis: 2).conv2d(
      weight.unsqueezed(axis: 2), bias: bias, stride: [1, stride], padding: padding2D,
      dilation: [1, dilation], groups: groups
    ).squeezed(axis: 2)
  }

  /// 2-D transposed convolution, like `torch.nn.functional.conv_transpose2d`: the gradient of
  /// `conv2d` with respect to its input, so a `conv2d` with the same arguments maps the output's
  /// size back to the input's.
  ///
  /// Shapes: input `[N, C, H, W]`, weight `[C, O / groups, kh, kw]`, bias `[O]` → `[N, O, H', W']`
  /// with `H' = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1`.
  public func convTranspose2d(
    _ weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1], padding: [Int] = [0, 0],
    outputPadding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1
  ) -> Tensor {
    if rank == 3 {
      return unsqueezed(axis: 0).convTranspose2d(
        weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
        dilation: dilation, groups: groups
      ).squeezed(axis: 0)
    }
    precondition(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1] && shape[1] % groups == 0,
                 "convTranspose2d: expected input [N, C, H, W] and weight [C, O/groups, kh, kw], got \(shape) and \(weight.shape)")
    precondition([stride, padding, outputPadding, dilation].allSatisfy { $0.count == 2 },
                 "convTranspose2d: stride, padding, output padding and dilation need two values each")
    precondition((0..<2).allSatisfy { (a: Int) -> Bool in
                   outputPadding[a] >= 0 && outputPadding[a] < Swift.max(stride[a], dilation[a]) },
                 "convTranspose2d: output padding \(outputPadding) must be smaller than stride \(stride) or dilation \(dilation)")
    let kernel = [weight.shape[2], weight.shape[3]]
    let outSize = (0..<2).map { (a: Int) -> Int in
      let reach: Int = dilation[a] * (kernel[a] - 1) + outputPadding[a] + 1
      return (shape[2 + a] - 1) * stride[a] - 2 * padding[a] + reach
    }
    precondition(outSize.allSatisfy { $0 > 0 }, "convTranspose2d: input \(shape) gives output size \(outSize)")
    // The convolution whose input gradient this is: its input is our output, its output our input.
    let geometry = ConvolutionGeometry(
      batch: shape[0], inputChannels: weight.shape[1] * groups, outputChannels: shape[1],
      inputHeight: outSize[0], inputWidth: outSize[1], kernelHeight: kernel[0], kernelWidth: kernel[1],
      strideHeight: stride[0], strideWidth: stride[1], padTop: padding[0], padBottom: padding[0],
      padLeft: padding[1], padRight: padding[1], dilationHeight: dilation[0], dilationWidth: dilation[1],
      groups: groups)
    let y = Tensor.convolutionTranspose(self, weight, geometry: geometry)
    guard let bias else { return y }
    return y + bias.reshaped([1, bias.count, 1, 1])
  }

  /// 1-D transposed convolution, like `torch.nn.functional.conv_transpose1d`.
  ///
  /// Shapes: input `[N, C, L]`, weight `[C, O / groups, k]`, bias `[O]` → `[N, O, L']`.
  public func convTranspose1d(
    _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
    dilation: Int = 1, groups: Int = 1
  ) -> Tensor {
    if rank == 2 {
      return unsqueezed(axis: 0).convTranspose1d(
        weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
        dilation: dilation, groups: groups
      ).squeezed(axis: 0)
    }
    precondition(rank == 3 && weight.rank == 3,
                 "convTranspose1d: expected input [N, C, L] and weight [C, O/groups, k], got \(shape) and \(weight.shape)")
    return unsqueezed(axis: 2).convTranspose2d(
      weight.unsqueezed(axis: 2), bias: bias, stride: [1, stride], padding: [0, padding],
      outputPadding: [0, outputPadding], dilation: [1, dilation], groups: groups
    ).squeezed(axis: 2)
  }

  // The three bilinear primitives. Each one's pullback is made of the other two, so gradients of
  // gradients work: y = conv(x, w) gives dx = convT(G, w), dw = convW(x, G).

  /// `y = conv(x, w) + bias`.
  static func convolution(_ x: Tensor, _ w: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
    if let problem = g.problem { preconditionFailure("conv2d: \(problem): \(g)") }
    x.checkDevice(w, op: "conv2d")
    let type = DType.promoted(x.dtype, w.dtype)
    let input = x.cast(to: type).contiguous(), weight = w.cast(to: type).contiguous()
    let b = bias.map { $0.cast(to: type).contiguous() }
    if let b {
      x.checkDevice(b, op: "conv2d")
      precondition(b.shape == [g.outputChannels], "conv2d: bias \(b.shape) should be [\(g.outputChannels)]")
    }
    let out = empty(g.outputShape, dtype: type, device: x.device)
    x.backend.convolution(input.operand, weight: weight.operand, bias: b?.operand, geometry: g, to: out.operand)
    // dx = convT(G, w), dw = convW(x, G), dBias = Σ_{n, y, x} G
    return record("conv2d", out, inputs: [input, weight] + (b.map { [$0] } ?? [])) { gradient in
      [input.gradNode == nil ? nil : convolutionTranspose(gradient, weight, geometry: g),
       weight.gradNode == nil ? nil : convolutionWeightGradient(input, gradient, geometry: g)]
        + (b.map { [$0.gradNode == nil ? nil : gradient.sum(axes: [0, 2, 3])] } ?? [])
    }
  }

  /// `x = convT(y, w)`: the adjoint of `convolution` in its input (output shape `geometry.inputShape`).
  static func convolutionTranspose(_ y: Tensor, _ w: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
    if let problem = g.problem { preconditionFailure("convTranspose2d: \(problem): \(g)") }
    y.checkDevice(w, op: "convTranspose2d")
    let type = DType.promoted(y.dtype, w.dtype)
    let gradient = y.cast(to: type).contiguous(), weight = w.cast(to: type).contiguous()
    precondition(gradient.shape == g.outputShape && weight.shape == g.weightShape,
                 "convTranspose2d: \(gradient.shape) and \(weight.shape) do not fit \(g)")
    let out = empty(g.inputShape, dtype: type, device: y.device)
    y.backend.convolutionBackwardInput(gradient.operand, weight: weight.operand, geometry: g, to: out.operand)
    // dy = conv(H, w), dw = convW(H, y)
    return record("convTranspose2d", out, inputs: [gradient, weight]) { h in
      [gradient.gradNode == nil ? nil : convolution(h, weight, bias: nil, geometry: g),
       weight.gradNode == nil ? nil : convolutionWeightGradient(h, gradient, geometry: g)]
    }
  }

  /// `w = convW(x, y)`: the adjoint of `convolution` in its weight (shape `geometry.weightShape`).
  static func convolutionWeightGradient(_ x: Tensor, _ y: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
    let type = DType.promoted(x.dtype, y.dtype)
    let input = x.cast(to: type).contiguous(), gradient = y.cast(to: type).contiguous()
    let out = empty(g.weightShape, dtype: type, device: x.device)
    x.backend.convolutionBackwardWeight(input.operand, gradient: gradient.operand, geometry: g, to: out.operand)
    // dx = convT(y, H), dy = conv(x, H)
    return record("conv2dWeightGradient", out, inputs: [input, gradient]) { h in
      [input.gradNode == nil ? nil : convolutionTranspose(gradient, h, geometry: g),
       gradient.gradNode == nil ? nil : convolution(input, h, bias: nil, geometry: g)]
    }
  }
}
