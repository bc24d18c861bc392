import CEmberKernels
import EmberBackend
import Foundation

/// 3×3 convolutions at stride 1 as Winograd F(2×2, 3×3) (transforms in Winograd.c): per group of
/// images, every 4×4 input tile is transformed, the 16 transformed elements each become one
/// product `M_k[O, tiles] = U_k[O, C] · V_k[C, tiles]` with the transformed weights, and the
/// products are transformed back into 2×2 output tiles — 16 multiplies per tile and channel pair
/// instead of im2col's 36. The backward-data pass is the same convolution of the output gradient
/// with the flipped, transposed kernel; the weight gradient multiplies the transformed output
/// gradient by the transformed input. Float32 only; float64 keeps im2col as the exact oracle.
enum WinogradConvolution {
  /// Whether the forward convolution of `g` runs here: float32, 3×3, stride 1, no dilation or
  /// groups, padding at most 2 on every side, rows at most 1,024 wide (the transforms' row
  /// buffers), and enough work for the transforms to pay: 16 or more channels each way, and an
  /// output of 16×16 or more or 64 or more input channels. (Measured: on `ember bench cnn`'s
  /// 32 → 64-channel 11×11 convolution the transforms cost more than the multiplies they save —
  /// 6,470 samples/s with im2col, 4,600–5,050 with Winograd — while `resnet`'s 8×8 layers of 128
  /// channels and its 32×32 ones of 32 gain.)
  static func applies(_ g: ConvolutionGeometry, dtype: DType) -> Bool {
    enabled && dtype == .float32 && g.groups == 1 && g.kernelHeight == 3 && g.kernelWidth == 3
      && g.strideHeight == 1 && g.strideWidth == 1 && g.dilationHeight == 1 && g.dilationWidth == 1
      && [g.padTop, g.padBottom, g.padLeft, g.padRight].allSatisfy { (0...2).contains($0) }
      && g.inputChannels >= 16 && g.outputChannels >= 16
      && (g.outputHeight * g.outputWidth >= 256 || g.inputChannels >= 64)
      && g.outputHeight >= 2 && g.outputWidth >= 2 && g.outputWidth <= 1024 && g.inputWidth <= 1024
  }

  /// `EMBER_WINOGRAD=0` turns the path off (for benchmarks against im2col).
  static let enabled = ProcessInfo.processInfo.environment["EMBER_WINOGRAD"] != "0"

  /// `out[N, O, outH, outW]` = the convolution of `input[N, C, H, W]` with `weight[O, C, 3, 3]`
  /// (+ `bias[O]`).
  static func forward(
    _ input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    _ g: ConvolutionGeometry, to out: UnsafeMutablePointer<Float>
  ) {
    let u = transformedWeights(weight, outputs: g.outputChannels, inputs: g.inputChannels, flipped: false)
    run(input, channels: g.inputChannels, height: g.inputHeight, width: g.inputWidth, padTop: g.padTop,
        padLeft: g.padLeft, batch: g.batch, weights: u, outputs: g.outputChannels,
        outHeight: g.outputHeight, outWidth: g.outputWidth, bias: bias, into: out)
  }

  /// `dX[N, C, H, W]` from `dY[N, O, outH, outW]`: the convolution of `dY` with
  /// `W'[c, o, i, j] = W[o, c, 2 − i, 2 − j]` padded by `2 − pad`.
  static func backwardInput(
    _ gradient: UnsafePointer<Float>, weight: UnsafePointer<Float>, _ g: ConvolutionGeometry,
    to out: UnsafeMutablePointer<Float>
  ) {
    let u = transformedWeights(weight, outputs: g.outputChannels, inputs: g.inputChannels, flipped: true)
    run(gradient, channels: g.outputChannels, height: g.outputHeight, width: g.outputWidth,
        padTop: 2 - g.padTop, padLeft: 2 - g.padLeft, batch: g.batch, weights: u,
        outputs: g.inputChannels, outHeight: g.inputHeight, outWidth: g.inputWidth, bias: nil, into: out)
  }

  /// Images per partial sum of the weight gradient (each run sums into its own buffer and the runs
  /// are added in order: the same sums on any thread count).
  static let imagesPerPartialSum = 8

  /// `dW[O, C, 3, 3]` from `input[N, C, H, W]` and `dY[N, O, outH, outW]`: in the transformed
  /// domain `dU_k[O, C] = Σ_tiles (A·dY·Aᵀ)_k · (Bᵀ·d·B)_kᵀ` (16 products whose depth is the
  /// tiles), then `dW = Gᵀ·dU·G`.
  static func backwardWeight(
    _ input: UnsafePointer<Float>, gradient: UnsafePointer<Float>, _ g: ConvolutionGeometry,
    to out: UnsafeMutablePointer<Float>
  ) {
    let (channels, outputs) = (g.inputChannels, g.outputChannels)
    let (tilesH, tilesW) = ((g.outputHeight + 1) / 2, (g.outputWidth + 1) / 2)
    let tiles = tilesH * tilesW
    let transformed = 16 * outputs * channels
    let runs = Swift.max(1, (g.batch + imagesPerPartialSum - 1) / imagesPerPartialSum)
    // Within a run, products of about 512 columns (tiles of several images).
    let perGroup = Swift.max(1, Swift.min(imagesPerPartialSum, 512 / tiles))
    let columns = perGroup * tiles
    let kernel = Float.builtInKernel
    let partials = CPUBackend.shared.cache.allocate(byteCount: runs * transformed * MemoryLayout<Float>.stride)
    defer { withExtendedLifetime(partials) {} }
    let du = partials.pointer.assumingMemoryBound(to: Float.self)
    let (planeIn, planeOut) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
    Parallel.forEachChunk(runs, costPerItem: transformed * imagesPerPartialSum * tiles, threshold: 1 << 16) { range in
      let scratch = CPUBackend.shared.cache.allocate(
        byteCount: 16 * (channels + outputs) * columns * MemoryLayout<Float>.stride)
      defer { withExtendedLifetime(scratch) {} }
      let v = scratch.pointer.assumingMemoryBound(to: Float.self)
      let m = v + 16 * channels * columns
      for run in range {
        let sum = du + run * transformed
        let (runStart, runEnd) = (run * imagesPerPartialSum, Swift.min((run + 1) * imagesPerPartialSum, g.batch))
        var first = runStart
        while first < runEnd {
          let count = Swift.min(perGroup, runEnd - first)
          let ld = count * tiles
          for i in 0..<count {
            ember_winograd_input_f32(input + (first + i) * channels * planeIn, channels, g.inputHeight,
                                     g.inputWidth, g.padTop, g.padLeft, tilesH, tilesW, v + i * tiles, ld)
            ember_winograd_gradient_f32(gradient + (first + i) * outputs * planeOut, outputs, g.outputHeight,
                                        g.outputWidth, tilesH, tilesW, m + i * tiles, ld)
          }
          for k in 0..<16 {
            // dU_k[O, C] (+)= dM_k[O, tiles] · V_k[C, tiles]ᵀ
            BuiltInGemm.gemm(
              m: outputs, n: channels, k: ld,
              a: .init(base: UnsafePointer(m + k * outputs * ld), rowStride: ld, columnStride: 1),
              b: .init(base: UnsafePointer(v + k * channels * ld), rowStride: 1, columnStride: ld),
              c: sum + k * outputs * channels, ldc: channels, alpha: 1, beta: first == runStart ? 0 : 1,
              kernel: kernel, threaded: runs == 1)
          }
          first += count
        }
      }
    }
    // The runs in order, then dW[o, c] = Gᵀ·dU[o, c]·G with Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1].
    Parallel.forEachChunk(transformed, costPerItem: runs) { range in
      for run in 1..<runs {
        let part = du + run * transformed
        for i in range { du[i] += part[i] }
      }
    }
    let pairs = outputs * channels
    Parallel.forEachChunk(pairs, costPerItem: 64) { range in
      for pair in range {
        @inline(__always) func d(_ i: Int, _ j: Int) -> Float { du[(i * 4 + j) * pairs + pair] }
        let kernel = out + pair * 9
        for i in 0..<3 {
          // Row i of t = Gᵀ·dU, then row i of t·G.
          func row(_ j: Int) -> Float {
            switch i {
            case 0: return d(0, j) + (d(1, j) + d(2, j)) * 0.5
            case 1: return (d(1, j) - d(2, j)) * 0.5
            default: return (d(1, j) + d(2, j)) * 0.5 + d(3, j)
            }
          }
          let t = (row(0), row(1), row(2), row(3))
          kernel[i * 3] = t.0 + (t.1 + t.2) * 0.5
          kernel[i * 3 + 1] = (t.1 - t.2) * 0.5
          kernel[i * 3 + 2] = (t.1 + t.2) * 0.5 + t.3
        }
      }
    }
  }

  /// `U[k, r, c]` = element k of `G·w·Gᵀ` for the 3×3 kernel linking output row `r` to input `c`:
  /// `w = weight[r, c]`, or with `flipped`, `weight[c, r]` rotated by 180°.
  private static func transformedWeights(
    _ weight: UnsafePointer<Float>, outputs: Int, inputs: Int, flipped: Bool
  ) -> [Float] {
    let (rows, columns) = flipped ? (inputs, outputs) : (outputs, inputs)
    let pairs = rows * columns
    var u = [Float](repeating: 0, count: 16 * pairs)
    u.withUnsafeMutableBufferPointer { u in
      let u = u.baseAddress!
      // Pairs split across threads; each pair's 3×3 → 4×4 in registers (no allocation).
      Parallel.forEachChunk(pairs, costPerItem: 64) { range in
        for pair in range {
          let (r, c) = (pair / columns, pair % columns)
          let kernel = flipped ? weight + (c * inputs + r) * 9 : weight + (r * inputs + c) * 9
          @inline(__always) func w(_ i: Int, _ j: Int) -> Float {
            flipped ? kernel[(2 - i) * 3 + 2 - j] : kernel[i * 3 + j]
          }
          // t = G·w (4×3), then G·w·Gᵀ (4×4); G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
          for j in 0..<3 {
            let (a, b, d) = (w(0, j), w(1, j), w(2, j))
            let t0 = a, t1 = (a + b + d) * 0.5, t2 = (a - b + d) * 0.5, t3 = d
            // Column j of t goes into column j of G·w; the 4×4 is built row by row below.
            let base = u + pair
            // Store t temporarily in the k = i·4 + j slots (j < 3), transformed along rows next.
            base[(0 * 4 + j) * pairs] = t0
            base[(1 * 4 + j) * pairs] = t1
            base[(2 * 4 + j) * pairs] = t2
            base[(3 * 4 + j) * pairs] = t3
          }
          for i in 0..<4 {
            let row = u + (i * 4) * pairs + pair
            let (a, b, d) = (row[0], row[pairs], row[2 * pairs])
            row[0] = a
            row[pairs] = (a + b + d) * 0.5
            row[2 * pairs] = (a - b + d) * 0.5
            row[3 * pairs] = d
          }
        }
      }
    }
    return u
  }

  /// The Winograd convolution of `batch` planes sets `[channels, height, width]` with transformed
  /// `weights` `[16, outputs, channels]` into `[outputs, outHeight, outWidth]` planes sets.
  private static func run(
    _ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int, padTop: Int, padLeft: Int,
    batch: Int, weights: [Float], outputs: Int, outHeight: Int, outWidth: Int,
    bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>
  ) {
    let (tilesH, tilesW) = ((outHeight + 1) / 2, (outWidth + 1) / 2)
    let tiles = tilesH * tilesW
    // Enough images per product for about 256 columns; groups split across threads.
    let perGroup = Swift.max(1, Swift.min(batch, (256 + tiles - 1) / tiles))
    let groups = (batch + perGroup - 1) / perGroup
    let columns = perGroup * tiles
    let kernel = Float.builtInKernel
    weights.withUnsafeBufferPointer { u in
      let u = u.baseAddress!
      Parallel.forEachChunk(groups, costPerItem: 16 * outputs * channels * columns, threshold: 1 << 16) { range in
        let scratch = CPUBackend.shared.cache.allocate(
          byteCount: 16 * (channels + outputs) * columns * MemoryLayout<Float>.stride)
        defer { withExtendedLifetime(scratch) {} }
        let v = scratch.pointer.assumingMemoryBound(to: Float.self)
        let m = v + 16 * channels * columns
        for group in range {
          let first = group * perGroup, count = Swift.min(perGroup, batch - first)
          let ld = count * tiles
          for i in 0..<count {
            ember_winograd_input_f32(x + (first + i) * channels * height * width, channels, height, width,
                                     padTop, padLeft, tilesH, tilesW, v + i * tiles, ld)
          }
          for k in 0..<16 {
            // M_k[O, tiles] = U_k[O, C] · V_k[C, tiles]
            BuiltInGemm.gemm(
              m: outputs, n: ld, k: channels,
              a: .init(base: u + k * outputs * channels, rowStride: channels, columnStride: 1),
              b: .init(base: UnsafePointer(v + k * channels * ld), rowStride: ld, columnStride: 1),
              c: m + k * outputs * ld, ldc: ld, alpha: 1, beta: 0, kernel: kernel, threaded: groups == 1)
          }
          for i in 0..<count {
            ember_winograd_output_f32(m + i * tiles, outputs, ld, tilesH, tilesW,
                                      y + (first + i) * outputs * outHeight * outWidth, outHeight, outWidth, bias)
          }
        }
      }
    }
  }
}
