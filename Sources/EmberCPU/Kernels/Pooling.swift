import EmberBackend

/// Max and average pooling over `[planes, H, W]` planes, one pass over each window, planes split
/// across threads.
enum PoolingKernels {
  static func maxPool(_ input: Operand, geometry: PoolingGeometry, values: Operand, indices: Operand) {
    switch input.dtype {
    case .float32: maxPool(Float.self, input, geometry, values, indices)
    case .float64: maxPool(Double.self, input, geometry, values, indices)
    default: preconditionFailure("maxPool: \(input.dtype) tensors are not supported (float32, float64)")
    }
  }

  static func averagePool(_ input: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand) {
    switch input.dtype {
    case .float32: averagePool(Float.self, input, geometry, countPadding, out, backward: false)
    case .float64: averagePool(Double.self, input, geometry, countPadding, out, backward: false)
    default: preconditionFailure("averagePool: \(input.dtype) tensors are not supported (float32, float64)")
    }
  }

  static func averagePoolBackward(
    _ gradient: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand
  ) {
    switch gradient.dtype {
    case .float32: averagePool(Float.self, gradient, geometry, countPadding, out, backward: true)
    case .float64: averagePool(Double.self, gradient, geometry, countPadding, out, backward: true)
    default: preconditionFailure("averagePool: \(gradient.dtype) tensors are not supported (float32, float64)")
    }
  }

  private static func base<T>(_ operand: Operand, _: T.Type) -> UnsafeMutablePointer<T> {
    precondition(operand.layout.isContiguous, "pooling: operands must be contiguous")
    return operand.buffer.pointer.assumingMemoryBound(to: T.self) + operand.layout.offset
  }

  private static func maxPool<T: BinaryFloatingPoint>(
    _: T.Type, _ input: Operand, _ g: PoolingGeometry, _ values: Operand, _ indices: Operand
  ) {
    let x = base(input, T.self), y = base(values, T.self), index = base(indices, Int64.self)
    let (H, W, outH, outW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    Parallel.forEachChunk(g.planes, costPerItem: outH * outW * g.kernelHeight * g.kernelWidth) { planes in
      for plane in planes {
        let source = x + plane * H * W
        let out = y + plane * outH * outW, where_ = index + plane * outH * outW
        for oy in 0..<outH {
          for ox in 0..<outW {
            var best = -T.infinity, bestIndex = -1
            for i in 0..<g.kernelHeight {
              let iy = oy * g.strideHeight - g.padTop + i * g.dilationHeight
              if iy < 0 || iy >= H { continue }
              for j in 0..<g.kernelWidth {
                let ix = ox * g.strideWidth - g.padLeft + j * g.dilationWidth
                if ix < 0 || ix >= W { continue }
                let value = source[iy * W + ix]
                // NaN wins and stays (PyTorch propagates it).
                if bestIndex < 0 || value > best || (value.isNaN && !best.isNaN) {
                  (best, bestIndex) = (value, iy * W + ix)
                }
              }
            }
            out[oy * outW + ox] = best
            where_[oy * outW + ox] = Int64(bestIndex)
          }
        }
      }
    }
  }

  /// Forward (`x` the input, `y` the output) or backward (`x` the output gradient, `y` the input
  /// gradient) average pooling; the divisor of window `(oy, ox)` follows PyTorch's `avg_pool2d`.
  private static func averagePool<T: BinaryFloatingPoint>(
    _: T.Type, _ source: Operand, _ g: PoolingGeometry, _ countPadding: Bool, _ target: Operand,
    backward: Bool
  ) {
    let x = base(source, T.self), y = base(target, T.self)
    let (H, W, outH, outW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    Parallel.forEachChunk(g.planes, costPerItem: outH * outW * g.kernelHeight * g.kernelWidth) { planes in
      for plane in planes {
        let image = (backward ? y : x) + plane * H * W
        let pooled = (backward ? x : y) + plane * outH * outW
        if backward { image.update(repeating: 0, count: H * W) }
        for oy in 0..<outH {
          let y0 = oy * g.strideHeight - g.padTop
          let y1 = Swift.min(y0 + g.kernelHeight, H + g.padTop)
          for ox in 0..<outW {
            let x0 = ox * g.strideWidth - g.padLeft
            let x1 = Swift.min(x0 + g.kernelWidth, W + g.padLeft)
            let paddedCount = (y1 - y0) * (x1 - x0)
            let (ys, ye) = (Swift.max(y0, 0), Swift.min(y1, H))
            let (xs, xe) = (Swift.max(x0, 0), Swift.min(x1, W))
            let count = countPadding ? paddedCount : Swift.max(0, (ye - ys) * (xe - xs))
            let scale = count > 0 ? 1 / T(count) : 0
            if backward {
              let share = pooled[oy * outW + ox] * scale
              if ys < ye && xs < xe {
                for iy in ys..<ye { for ix in xs..<xe { image[iy * W + ix] += share } }
              }
            } else {
              var sum: T = 0
              if ys < ye && xs < xe {
                for iy in ys..<ye { for ix in xs..<xe { sum += image[iy * W + ix] } }
              }
              pooled[oy * outW + ox] = sum * scale
            }
          }
        }
      }
    }
  }
}
