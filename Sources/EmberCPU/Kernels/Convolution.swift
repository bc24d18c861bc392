import EmberBackend

/// Convolution forward and backward on the CPU: each image's patches unrolled into columns
/// (im2col, `K = C'·kh·kw` rows by `P = outH·outW` columns) and multiplied by the weight with the
/// built-in GEMM; the input gradient multiplies back and scatters the columns (col2im). A 1×1
/// convolution with stride 1 and no padding multiplies the image itself. Images are split across
/// threads (each with its own columns and a single-threaded GEMM); a batch smaller than the thread
/// count runs its images in turn with threaded GEMMs.
enum ConvolutionKernels {
  // The generic kernels are always inlined into their Float and Double callers (see PoolingKernels).
  static func forward(
    _ input: Operand, weight: Operand, bias: Operand?, geometry: ConvolutionGeometry, to out: Operand
  ) {
    switch input.dtype {
    case .float32: forward(Float.self, input, weight, bias, geometry, out)
    case .float64: forward(Double.self, input, weight, bias, geometry, out)
    default: preconditionFailure("convolution: \(input.dtype) tensors are not supported (float32, float64)")
    }
  }

  static func backwardInput(
    _ gradient: Operand, weight: Operand, geometry: ConvolutionGeometry, to out: Operand
  ) {
    switch gradient.dtype {
    case .float32: backwardInput(Float.self, gradient, weight, geometry, out)
    case .float64: backwardInput(Double.self, gradient, weight, geometry, out)
    default: preconditionFailure("convolution: \(gradient.dtype) tensors are not supported (float32, float64)")
    }
  }

  static func backwardWeight(
    _ input: Operand, gradient: Operand, geometry: ConvolutionGeometry, to out: Operand
  ) {
    switch input.dtype {
    case .float32: backwardWeight(Float.self, input, gradient, geometry, out)
    case .float64: backwardWeight(Double.self, input, gradient, geometry, out)
    default: preconditionFailure("convolution: \(input.dtype) tensors are not supported (float32, float64)")
    }
  }

  /// A contiguous operand's first element.
  private static func base<T>(_ operand: Operand, _: T.Type, _ role: String) -> UnsafeMutablePointer<T> {
    precondition(operand.layout.isContiguous, "convolution: the \(role) must be contiguous")
    return operand.buffer.pointer.assumingMemoryBound(to: T.self) + operand.layout.offset
  }

  /// The per-image sizes of `g`: channels per group, rows and columns of one group's unrolled patches.
  private struct Sizes {
    let inputGroup: Int, outputGroup: Int, patch: Int, positions: Int, plane: Int
    /// A 1×1 kernel with stride 1 and no padding: the columns are the image itself.
    let direct: Bool

    init(_ g: ConvolutionGeometry) {
      inputGroup = g.inputChannels / g.groups
      outputGroup = g.outputChannels / g.groups
      patch = inputGroup * g.kernelHeight * g.kernelWidth
      positions = g.outputHeight * g.outputWidth
      plane = g.inputHeight * g.inputWidth
      direct = g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
        && g.padTop == 0 && g.padBottom == 0 && g.padLeft == 0 && g.padRight == 0
    }
  }

  /// Runs `body(images, threadedGemm)` over the batch: image ranges split across threads when the
  /// batch is at least the thread count, otherwise the whole batch with threaded products.
  private static func forEachImageRange(
    _ g: ConvolutionGeometry, work: Int, _ body: (Range<Int>, Bool) -> Void
  ) {
    if g.batch >= Parallel.threadCount && g.batch > 1 {
      Parallel.forEachChunk(g.batch, costPerItem: Swift.max(work, 1), threshold: 1 << 16) { body($0, false) }
    } else {
      body(0..<g.batch, true)
    }
  }

  /// Unrolls group `c0 ..< c0 + C'` of one image (`image` points at its channel 0) into
  /// `columns[K, P]`: row `(c·kh + i)·kw + j`, column `y·outW + x` holds the input at
  /// `(y·sh − top + i·dh, x·sw − left + j·dw)` of channel `c`, or 0 outside the image.
  @inline(__always)
  private static func unroll<T: BinaryFloatingPoint>(
    _ image: UnsafePointer<T>, _ g: ConvolutionGeometry, _ s: Sizes, into columns: UnsafeMutablePointer<T>
  ) {
    let (outH, outW, H, W) = (g.outputHeight, g.outputWidth, g.inputHeight, g.inputWidth)
    var row = columns
    for c in 0..<s.inputGroup {
      let plane = image + c * s.plane
      for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
          let (low, high) = stepsInside(start: j * g.dilationWidth - g.padLeft, step: g.strideWidth, count: outW, size: W)
          for y in 0..<outH {
            let out = row + y * outW
            let iy = y * g.strideHeight - g.padTop + i * g.dilationHeight
            guard iy >= 0 && iy < H && low < high else {
              out.update(repeating: 0, count: outW)
              continue
            }
            if low > 0 { out.update(repeating: 0, count: low) }
            let source = plane + iy * W + j * g.dilationWidth - g.padLeft
            if g.strideWidth == 1 {
              (out + low).update(from: source + low, count: high - low)
            } else {
              for x in low..<high { out[x] = source[x * g.strideWidth] }
            }
            if high < outW { (out + high).update(repeating: 0, count: outW - high) }
          }
          row += s.positions
        }
      }
    }
  }

  /// Adds `columns[K, P]` back into one image group (the adjoint of `unroll`).
  @inline(__always)
  private static func fold<T: BinaryFloatingPoint>(
    _ columns: UnsafePointer<T>, _ g: ConvolutionGeometry, _ s: Sizes, into image: UnsafeMutablePointer<T>
  ) {
    let (outH, outW, H, W) = (g.outputHeight, g.outputWidth, g.inputHeight, g.inputWidth)
    var row = columns
    for c in 0..<s.inputGroup {
      let plane = image + c * s.plane
      for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
          let (low, high) = stepsInside(start: j * g.dilationWidth - g.padLeft, step: g.strideWidth, count: outW, size: W)
          if low < high {
            for y in 0..<outH {
              let iy = y * g.strideHeight - g.padTop + i * g.dilationHeight
              guard iy >= 0 && iy < H else { continue }
              let source = row + y * outW
              let target = plane + iy * W + j * g.dilationWidth - g.padLeft
              if g.strideWidth == 1 {
                for x in low..<high { target[x] += source[x] }
              } else {
                for x in low..<high { target[x * g.strideWidth] += source[x] }
              }
            }
          }
          row += s.positions
        }
      }
    }
  }

  @inline(__always)
  private static func forward<T: GemmFloat>(
    _: T.Type, _ input: Operand, _ weight: Operand, _ bias: Operand?, _ g: ConvolutionGeometry,
    _ out: Operand
  ) {
    let s = Sizes(g)
    let x = base(input, T.self, "input"), w = base(weight, T.self, "weight"), y = base(out, T.self, "output")
    let b = bias.map { base($0, T.self, "bias") }
    if s.inputGroup == 1 && s.outputGroup == 1 {
      depthwiseForward(x, w, b, g, s, y)
      return
    }
    if T.self == Float.self && WinogradConvolution.applies(g, dtype: .float32) {
      WinogradConvolution.forward(
        UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
        weight: UnsafeRawPointer(w).assumingMemoryBound(to: Float.self),
        bias: b.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }, g,
        to: UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
      return
    }
    let kernel = T.builtInKernel
    let scratchCount = s.direct ? 0 : s.patch * s.positions
    forEachImageRange(g, work: g.outputChannels * s.patch * s.positions) { images, threaded in
      let scratch = scratchCount > 0
        ? CPUBackend.shared.cache.allocate(byteCount: scratchCount * MemoryLayout<T>.stride) : nil
      defer { withExtendedLifetime(scratch) {} }
      let columns = scratch?.pointer.assumingMemoryBound(to: T.self)
      for n in images {
        for group in 0..<g.groups {
          let image = x + (n * g.inputChannels + group * s.inputGroup) * s.plane
          let target = y + (n * g.outputChannels + group * s.outputGroup) * s.positions
          if let columns { unroll(image, g, s, into: columns) }
          if let b {
            for o in 0..<s.outputGroup {
              (target + o * s.positions).update(repeating: b[group * s.outputGroup + o], count: s.positions)
            }
          }
          // Y_g[O', P] = W_g[O', K] · columns[K, P] (+ the bias already there)
          BuiltInGemm.gemm(
            m: s.outputGroup, n: s.positions, k: s.patch,
            a: .init(base: w + group * s.outputGroup * s.patch, rowStride: s.patch, columnStride: 1),
            b: .init(base: UnsafePointer(columns ?? image), rowStride: s.positions, columnStride: 1),
            c: target, ldc: s.positions, alpha: 1, beta: b == nil ? 0 : 1, kernel: kernel,
            threaded: threaded)
        }
      }
    }
  }

  /// A depthwise convolution (one input and one output channel per group) computed directly: for
  /// each output row and each tap, the tap's weight times a shifted input row added into the
  /// output row (im2col would run one single-row product per channel). Planes split across threads.
  @inline(__always)
  private static func depthwiseForward<T: GemmFloat>(
    _ x: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>?,
    _ g: ConvolutionGeometry, _ s: Sizes, _ y: UnsafeMutablePointer<T>
  ) {
    let (outH, outW, H, W) = (g.outputHeight, g.outputWidth, g.inputHeight, g.inputWidth)
    let taps = g.kernelHeight * g.kernelWidth
    Parallel.forEachChunk(g.batch * g.outputChannels, costPerItem: s.positions * taps) { planes in
      for plane in planes {
        let channel = plane % g.outputChannels
        let source = x + plane * s.plane, target = y + plane * s.positions
        let weights = w + channel * taps
        target.update(repeating: b.map { $0[channel] } ?? 0, count: s.positions)
        for i in 0..<g.kernelHeight {
          for j in 0..<g.kernelWidth {
            let tap = weights[i * g.kernelWidth + j]
            let (low, high) = stepsInside(start: j * g.dilationWidth - g.padLeft, step: g.strideWidth, count: outW, size: W)
            if low >= high { continue }
            for oy in 0..<outH {
              let iy = oy * g.strideHeight - g.padTop + i * g.dilationHeight
              guard iy >= 0 && iy < H else { continue }
              let row = source + iy * W + j * g.dilationWidth - g.padLeft
              let out = target + oy * outW
              if g.strideWidth == 1 {
                for ox in low..<high { out[ox] += tap * row[ox] }
              } else {
                for ox in low..<high { out[ox] += tap * row[ox * g.strideWidth] }
              }
            }
          }
        }
      }
    }
  }

  @inline(__always)
  private static func backwardInput<T: GemmFloat>(
    _: T.Type, _ gradient: Operand, _ weight: Operand, _ g: ConvolutionGeometry, _ out: Operand
  ) {
    let s = Sizes(g)
    let dy = base(gradient, T.self, "gradient"), w = base(weight, T.self, "weight")
    let dx = base(out, T.self, "input gradient")
    if T.self == Float.self && WinogradConvolution.applies(g, dtype: .float32) {
      WinogradConvolution.backwardInput(
        UnsafeRawPointer(dy).assumingMemoryBound(to: Float.self),
        weight: UnsafeRawPointer(w).assumingMemoryBound(to: Float.self), g,
        to: UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Float.self))
      return
    }
    let kernel = T.builtInKernel
    let scratchCount = s.direct ? 0 : s.patch * s.positions
    forEachImageRange(g, work: g.outputChannels * s.patch * s.positions) { images, threaded in
      let scratch = scratchCount > 0
        ? CPUBackend.shared.cache.allocate(byteCount: scratchCount * MemoryLayout<T>.stride) : nil
      defer { withExtendedLifetime(scratch) {} }
      let columns = scratch?.pointer.assumingMemoryBound(to: T.self)
      for n in images {
        for group in 0..<g.groups {
          let image = dx + (n * g.inputChannels + group * s.inputGroup) * s.plane
          let source = dy + (n * g.outputChannels + group * s.outputGroup) * s.positions
          // dColumns[K, P] = W_gᵀ[K, O'] · dY_g[O', P], then folded back into the image.
          BuiltInGemm.gemm(
            m: s.patch, n: s.positions, k: s.outputGroup,
            a: .init(base: w + group * s.outputGroup * s.patch, rowStride: 1, columnStride: s.patch),
            b: .init(base: UnsafePointer(source), rowStride: s.positions, columnStride: 1),
            c: columns ?? image, ldc: s.positions, kernel: kernel, threaded: threaded)
          if let columns {
            image.update(repeating: 0, count: s.inputGroup * s.plane)
            fold(columns, g, s, into: image)
          }
        }
      }
    }
  }

  /// Images per partial sum of the weight gradient: the batch is cut into runs of this many, each
  /// summed into its own buffer, and the runs added in order — the same sums on any thread count.
  static let imagesPerPartialSum = 8

  @inline(__always)
  private static func backwardWeight<T: GemmFloat>(
    _: T.Type, _ input: Operand, _ gradient: Operand, _ g: ConvolutionGeometry, _ out: Operand
  ) {
    let s = Sizes(g)
    let x = base(input, T.self, "input"), dy = base(gradient, T.self, "gradient")
    let dw = base(out, T.self, "weight gradient")
    if T.self == Float.self && g.batch > 0 && WinogradConvolution.applies(g, dtype: .float32) {
      WinogradConvolution.backwardWeight(
        UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
        gradient: UnsafeRawPointer(dy).assumingMemoryBound(to: Float.self), g,
        to: UnsafeMutableRawPointer(dw).assumingMemoryBound(to: Float.self))
      return
    }
    let kernel = T.builtInKernel
    let weightCount = g.outputChannels * s.patch
    let runs = Swift.max(1, (g.batch + imagesPerPartialSum - 1) / imagesPerPartialSum)
    if g.batch == 0 {
      dw.update(repeating: 0, count: weightCount)
      return
    }
    let partials = runs > 1
      ? CPUBackend.shared.cache.allocate(byteCount: (runs - 1) * weightCount * MemoryLayout<T>.stride) : nil
    defer { withExtendedLifetime(partials) {} }
    let partialBase = partials?.pointer.assumingMemoryBound(to: T.self)
    let scratchCount = s.direct ? 0 : s.patch * s.positions
    let threadedRuns = runs >= Parallel.threadCount && runs > 1
    let body = { (runRange: Range<Int>, threaded: Bool) in
      let scratch = scratchCount > 0
        ? CPUBackend.shared.cache.allocate(byteCount: scratchCount * MemoryLayout<T>.stride) : nil
      defer { withExtendedLifetime(scratch) {} }
      let columns = scratch?.pointer.assumingMemoryBound(to: T.self)
      for run in runRange {
        let target = run == 0 ? dw : partialBase! + (run - 1) * weightCount
        let images = (run * imagesPerPartialSum)..<Swift.min(g.batch, (run + 1) * imagesPerPartialSum)
        for n in images {
          for group in 0..<g.groups {
            let image = x + (n * g.inputChannels + group * s.inputGroup) * s.plane
            if let columns { unroll(image, g, s, into: columns) }
            // dW_g[O', K] (+)= dY_g[O', P] · columnsᵀ[P, K]
            BuiltInGemm.gemm(
              m: s.outputGroup, n: s.patch, k: s.positions,
              a: .init(base: dy + (n * g.outputChannels + group * s.outputGroup) * s.positions,
                       rowStride: s.positions, columnStride: 1),
              b: .init(base: UnsafePointer(columns ?? image), rowStride: 1, columnStride: s.positions),
              c: target + group * s.outputGroup * s.patch, ldc: s.patch, alpha: 1,
              beta: n == images.lowerBound ? 0 : 1, kernel: kernel, threaded: threaded)
          }
        }
      }
    }
    if threadedRuns {
      Parallel.forEachChunk(runs, costPerItem: 1 << 20, threshold: 0) { body($0, false) }
    } else {
      body(0..<runs, true)
    }
    if let partialBase {
      for run in 1..<runs {
        let source = partialBase + (run - 1) * weightCount
        for e in 0..<weightCount { dw[e] += source[e] }
      }
    }
  }
}
