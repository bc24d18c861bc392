import EmberBackend

extension Tensor {
  /// 2-D max pooling over the last two axes (`[N, C, H, W]` or `[C, H, W]`), like
  /// `torch.nn.functional.max_pool2d`.
  ///
  /// Shapes: `[…, H, W]` → `[…, H', W']` with `H' = ⌊(H + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1`
  /// (rounded up with `ceilMode`, as long as the last window starts inside the input or its left
  /// padding). `stride` defaults to the kernel size; padding may be at most half the kernel.
  public func maxPool2d(
    kernel: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0], dilation: [Int] = [1, 1],
    ceilMode: Bool = false
  ) -> Tensor {
    maxPool2dWithIndices(kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                         ceilMode: ceilMode).values
  }

  /// `maxPool2d` that also returns where each maximum came from: `int64` positions `y·W + x`
  /// within each `H`×`W` plane (PyTorch's `return_indices=True`, which `maxUnpool2d` takes).
  public func maxPool2dWithIndices(
    kernel: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0], dilation: [Int] = [1, 1],
    ceilMode: Bool = false
  ) -> (values: Tensor, indices: Tensor) {
    let g = poolingGeometry("maxPool2d", kernel: kernel, stride: stride ?? kernel, padding: padding,
                            dilation: dilation, ceilMode: ceilMode)
    let input = contiguous()
    let outShape = Array(shape.dropLast(2)) + [g.outputHeight, g.outputWidth]
    let values = Tensor.empty(outShape, dtype: dtype, device: device)
    let indices = Tensor.empty(outShape, dtype: .int64, device: device)
    backend.maxPool(input.operand, geometry: g, values: values.operand, indices: indices.operand)
    let inputShape = shape
    // dx = G added where each window's maximum was.
    let result = Tensor.record("maxPool2d", values, inputs: [input]) { gradient in
      [Tensor.maxPoolBackward(gradient.contiguous(), indices: indices, geometry: g, inputShape: inputShape)]
    }
    return (result, indices)
  }

  /// `maxPool2d`'s input gradient; its own gradient gathers at the same indices.
  static func maxPoolBackward(
    _ gradient: Tensor, indices: Tensor, geometry g: PoolingGeometry, inputShape: [Int]
  ) -> Tensor {
    let out = empty(inputShape, dtype: gradient.dtype, device: gradient.device)
    gradient.backend.maxPoolBackward(gradient.operand, indices: indices.operand, geometry: g, to: out.operand)
    let flat = indices.reshaped([g.planes, g.outputHeight * g.outputWidth])
    let pooledShape = gradient.shape
    // d(dx)/dG: each output reads its window's maximum back.
    return record("maxPool2dBackward", out, inputs: [gradient]) { h in
      [h.reshaped([g.planes, g.inputHeight * g.inputWidth]).gathered(axis: 1, index: flat).reshaped(pooledShape)]
    }
  }

  /// 2-D average pooling over the last two axes, like `torch.nn.functional.avg_pool2d`: each
  /// window's mean, over the positions inside the padded input when `countIncludePad` (PyTorch's
  /// default) or inside the input only.
  public func avgPool2d(
    kernel: [Int], stride: [Int]? = nil, padding: [Int] = [0, 0], ceilMode: Bool = false,
    countIncludePad: Bool = true
  ) -> Tensor {
    let g = poolingGeometry("avgPool2d", kernel: kernel, stride: stride ?? kernel, padding: padding,
                            dilation: [1, 1], ceilMode: ceilMode)
    let input = contiguous()
    return Tensor.averagePool(input, geometry: g, countPadding: countIncludePad,
                              outShape: Array(shape.dropLast(2)) + [g.outputHeight, g.outputWidth])
  }

  /// 1-D max pooling over the last axis (`[N, C, L]` or `[C, L]`), like `torch.nn.functional.max_pool1d`.
  public func maxPool1d(
    kernel: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false
  ) -> Tensor {
    unsqueezed(axis: -2).maxPool2d(
      kernel: [1, kernel], stride: [1, stride ?? kernel], padding: [0, padding], dilation: [1, dilation],
      ceilMode: ceilMode
    ).squeezed(axis: -2)
  }

  /// 1-D average pooling over the last axis, like `torch.nn.functional.avg_pool1d`.
  public func avgPool1d(
    kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true
  ) -> Tensor {
    unsqueezed(axis: -2).avgPool2d(
      kernel: [1, kernel], stride: [1, stride ?? kernel], padding: [0, padding], ceilMode: ceilMode,
      countIncludePad: countIncludePad
    ).squeezed(axis: -2)
  }

  /// Average pooling and its adjoint, each the other's pullback.
  static func averagePool(_ x: Tensor, geometry g: PoolingGeometry, countPadding: Bool, outShape: [Int]) -> Tensor {
    let out = empty(outShape, dtype: x.dtype, device: x.device)
    x.backend.averagePool(x.operand, geometry: g, countPadding: countPadding, to: out.operand)
    let inShape = x.shape
    return record("avgPool2d", out, inputs: [x]) { gradient in
      [averagePoolBackward(gradient.contiguous(), geometry: g, countPadding: countPadding, inShape: inShape)]
    }
  }

  static func averagePoolBackward(
    _ gradient: Tensor, geometry g: PoolingGeometry, countPadding: Bool, inShape: [Int]
  ) -> Tensor {
    let out = empty(inShape, dtype: gradient.dtype, device: gradient.device)
    gradient.backend.averagePoolBackward(gradient.operand, geometry: g, countPadding: countPadding, to: out.operand)
    let outShape = gradient.shape
    return record("avgPool2dBackward", out, inputs: [gradient]) { h in
      [averagePool(h.contiguous(), geometry: g, countPadding: countPadding, outShape: outShape)]
    }
  }

  /// The pooling windows over this tensor's last two axes, with PyTorch's output sizes and checks.
  private func poolingGeometry(
    _ op: String, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int], ceilMode: Bool
  ) -> PoolingGeometry {
    precondition(rank >= 2, "\(op): input \(shape) needs at least two axes")
    precondition(dtype.isFloatingPoint, "\(op): input must be floating point, not \(dtype)")
    precondition([kernel, stride, padding, dilation].allSatisfy { $0.count == 2 },
                 "\(op): kernel \(kernel), stride \(stride), padding \(padding) and dilation \(dilation) need two values each")
    precondition(kernel.allSatisfy { $0 > 0 } && stride.allSatisfy { $0 > 0 } && dilation.allSatisfy { $0 > 0 },
                 "\(op): kernel \(kernel), stride \(stride) and dilation \(dilation) must be positive")
    precondition(zip(padding, kernel).allSatisfy { $0 >= 0 && $0 <= $1 / 2 },
                 "\(op): padding \(padding) must be at most half the kernel \(kernel)")
    let size = (0..<2).map { a -> Int in
      let input = shape[rank - 2 + a]
      let span = input + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1
      precondition(span >= 0, "\(op): kernel \(kernel) (dilation \(dilation)) is larger than the padded input \(shape)")
      var out = (span + (ceilMode ? stride[a] - 1 : 0)) / stride[a] + 1
      // The last window must start inside the input or its left padding.
      if ceilMode && (out - 1) * stride[a] >= input + padding[a] { out -= 1 }
      return out
    }
    return PoolingGeometry(
      planes: shape.dropLast(2).reduce(1, *), inputHeight: shape[rank - 2], inputWidth: shape[rank - 1],
      outputHeight: size[0], outputWidth: size[1], kernelHeight: kernel[0], kernelWidth: kernel[1],
      strideHeight: stride[0], strideWidth: stride[1], padTop: padding[0], padLeft: padding[1],
      dilationHeight: dilation[0], dilationWidth: dilation[1])
  }
}
