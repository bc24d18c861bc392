import CEmberKernels
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

  static func maxPoolBackward(_ gradient: Operand, indices: Operand, geometry g: PoolingGeometry, to out: Operand) {
    switch gradient.dtype {
    case .float32: maxPoolBackward(Float.self, gradient, indices, g, out)
    case .float64: maxPoolBackward(Double.self, gradient, indices, g, out)
    default: preconditionFailure("maxPool: \(gradient.dtype) tensors are not supported (float32, float64)")
    }
  }

  /// Each plane's gradient added at its maxima, planes split across threads (a plane's windows
  /// only reach its own input plane).
  @inline(__always)
  private static func maxPoolBackward<T: BinaryFloatingPoint>(
    _: T.Type, _ gradient: Operand, _ indices: Operand, _ g: PoolingGeometry, _ out: Operand
  ) {
    let dy = base(gradient, T.self), index = base(indices, Int64.self), dx = base(out, T.self)
    let (plane, pooled) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
    Parallel.forEachChunk(g.planes, costPerItem: plane + pooled) { planes in
      for p in planes {
        let target = dx + p * plane, source = dy + p * pooled, at = index + p * pooled
        target.update(repeating: 0, count: plane)
        for o in 0..<pooled { target[Int(at[o])] += source[o] }
      }
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

  // The generic kernels are always inlined into their Float and Double callers: a generic function
  // called through the pool's closures is otherwise left unspecialized (measured: 30% of a CNN
  // step in an unspecialized max pooling).
  @inline(__always)
  private static func maxPool<T: BinaryFloatingPoint>(
    _: T.Type, _ input: Operand, _ g: PoolingGeometry, _ values: Operand, _ indices: Operand
  ) {
    let x = base(input, T.self), y = base(values, T.self), index = base(indices, Int64.self)
    let (H, W, outH, outW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
    let interior = g.padTop == 0 && g.padLeft == 0 && g.dilationHeight == 1 && g.dilationWidth == 1
      && (outH - 1) * g.strideHeight + g.kernelHeight <= H && (outW - 1) * g.strideWidth + g.kernelWidth <= W
    let pairs = interior && g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
    Parallel.forEachChunk(g.planes, costPerItem: outH * outW * g.kernelHeight * g.kernelWidth) { planes in
      for plane in planes {
        let source = x + plane * H * W
        let out = y + plane * outH * outW, where_ = index + plane * outH * outW
        if pairs && T.self == Float.self {
          ember_maxpool2x2_f32(UnsafeRawPointer(source).assumingMemoryBound(to: Float.self), W,
                               UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), where_,
                               outH, outW)
          continue
        }
        if interior {
          // Every window inside the input, taps adjacent: no clipping to compute.
          for oy in 0..<outH {
            for ox in 0..<outW {
              let corner = oy * g.strideHeight * W + ox * g.strideWidth
              var bestIndex = corner, best = source[corner]
              for i in 0..<g.kernelHeight {
                let row = corner + i * W
                for j in 0..<g.kernelWidth {
                  let value = source[row + j]
                  let take = best == best && !(value <= best)
                  best = take ? value : best
                  bestIndex = take ? row + j : bestIndex
                }
              }
              out[oy * outW + ox] = best
              where_[oy * outW + ox] = Int64(bestIndex)
            }
          }
          continue
        }
        for oy in 0..<outH {
          // The kernel rows inside the input: y0 + i·dh in 0..<H.
          let y0 = oy * g.strideHeight - g.padTop
          let (i0, i1) = stepsInside(start: y0, step: g.dilationHeight, count: g.kernelHeight, size: H)
          for ox in 0..<outW {
            let x0 = ox * g.strideWidth - g.padLeft
            let (j0, j1) = stepsInside(start: x0, step: g.dilationWidth, count: g.kernelWidth, size: W)
            // Padding never wins: start from the first tap inside the input (a window with none
            // is impossible, as padding is at most half the kernel).
            var bestIndex = (y0 + i0 * g.dilationHeight) * W + x0 + j0 * g.dilationWidth
            var best = source[bestIndex]
            var i = i0
            while i < i1 {
              let row = (y0 + i * g.dilationHeight) * W + x0
              var j = j0
              while j < j1 {
                let position = row + j * g.dilationWidth
                let value = source[position]
                // The first wins ties; NaN wins and stays (PyTorch propagates it). Selects, not
                // branches: on real activations the comparison is a coin toss.
                let take = best == best && !(value <= best)
                best = take ? value : best
                bestIndex = take ? position : bestIndex
                j += 1
              }
              i += 1
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
  @inline(__always)
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
