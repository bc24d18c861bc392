import EmberBackend
import Testing
@testable import EmberCPU

/// A `[batch, rows, columns]` operand whose matrix `index` element `(i, j)` is `value(index, i, j)`,
/// laid out with `strides` (elements) after `offset`; unreachable slots hold NaN-free junk.
private func gemmOperand(
  _ dtype: DType, batch: Int, rows: Int, columns: Int, strides: [Int], offset: Int = 0,
  value: (Int, Int, Int) -> Double
) -> Operand {
  var span = offset + 1
  for (size, stride) in zip([batch, rows, columns], strides) { span += Swift.max(size - 1, 0) * stride }
  let bytes = Swift.max(span, 1) * dtype.byteSize
  let buffer = Buffer(
    device: .cpu, pointer: UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64),
    byteCount: bytes, release: { pointer, _ in pointer.deallocate() })
  func store(_ x: Double, at index: Int) {
    switch dtype {
    case .float32: buffer.pointer.assumingMemoryBound(to: Float.self)[index] = Float(x)
    case .float64: buffer.pointer.assumingMemoryBound(to: Double.self)[index] = x
    case .int32: buffer.pointer.assumingMemoryBound(to: Int32.self)[index] = Int32(x)
    case .int64: buffer.pointer.assumingMemoryBound(to: Int64.self)[index] = Int64(x)
    case .bool: buffer.pointer.assumingMemoryBound(to: UInt8.self)[index] = x != 0 ? 1 : 0
    }
  }
  for index in 0..<span { store(7, at: index) }
  for b in 0..<batch {
    for i in 0..<rows {
      for j in 0..<columns {
        store(value(b, i, j), at: offset + b * strides[0] + i * strides[1] + j * strides[2])
      }
    }
  }
  return Operand(buffer: buffer, layout: Layout(shape: [batch, rows, columns], strides: strides, offset: offset),
                 dtype: dtype)
}

/// Element `index` of `operand`'s buffer as a Double.
private func gemmLoad(_ operand: Operand, _ index: Int) -> Double {
  let p = operand.buffer.pointer
  switch operand.dtype {
  case .float32: return Double(p.assumingMemoryBound(to: Float.self)[index])
  case .float64: return p.assumingMemoryBound(to: Double.self)[index]
  case .int32: return Double(p.assumingMemoryBound(to: Int32.self)[index])
  case .int64: return Double(p.assumingMemoryBound(to: Int64.self)[index])
  case .bool: return Double(p.assumingMemoryBound(to: UInt8.self)[index])
  }
}

/// The elements `operand` sees, row-major, as Doubles.
private func gemmDense(_ operand: Operand) -> [Double] {
  let (shape, strides) = (operand.shape, operand.layout.strides)
  var values: [Double] = []
  values.reserveCapacity(operand.count)
  for b in 0..<shape[0] {
    for i in 0..<shape[1] {
      for j in 0..<shape[2] {
        values.append(gemmLoad(operand, operand.layout.offset + b * strides[0] + i * strides[1] + j * strides[2]))
      }
    }
  }
  return values
}

/// Small values with a fractional part for floats, small integers for integer dtypes.
private func gemmValue(_ dtype: DType, seed: Int) -> (Int, Int, Int) -> Double {
  { b, i, j in
    let h = (b &* 7919 &+ i &* 104_729 &+ j &* 1_299_709 &+ seed &* 15_485_863) % 1009
    return dtype.isFloatingPoint ? Double(h) / 504.5 - 1 : Double(h % 19) - 9
  }
}

/// Which paths to check: the loaded BLAS (if any) and every built-in kernel this CPU runs (AVX2 too on an AVX-512 CPU).
private func gemmPaths(_ dtype: DType) -> [(name: String, useBLAS: Bool, kernel: Int)] {
  var paths: [(String, Bool, Int)] = [("default", true, -1)]
  guard dtype.isFloatingPoint else { return paths }
  for variant in 0...3 {
    let available = dtype == .float32
      ? BuiltInGemm.float32Kernel(variant: variant) != nil
      : BuiltInGemm.float64Kernel(variant: variant) != nil
    if available { paths.append(("built-in kernel \(variant)", false, variant)) }
  }
  return paths
}

/// Runs `α·(a · b) + β·c` (C starting at `initial`) on every path and compares with a Double triple loop.
private func checkMatmul(
  _ a: Operand, _ b: Operand, alpha: Double = 1, beta: Double = 0,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
  let dtype = a.dtype
  let tolerance: Double = dtype == .float32 ? 1e-4 : dtype == .float64 ? 1e-12 : 0
  let aValues = gemmDense(a), bValues = gemmDense(b)
  var expected = [Double](repeating: 0, count: batch * m * n)
  var scale = [Double](repeating: 0, count: batch * m * n)
  for index in 0..<batch {
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0, magnitude = 0.0
        for p in 0..<k {
          let product = aValues[(index * m + i) * k + p] * bValues[(index * k + p) * n + j]
          sum += product
          magnitude += abs(product)
        }
        let initial = gemmInitial(index, i, j)
        expected[(index * m + i) * n + j] = alpha * sum + beta * initial
        scale[(index * m + i) * n + j] = Swift.max(1, abs(alpha) * magnitude + abs(beta * initial))
      }
    }
  }
  for path in gemmPaths(dtype) {
    let c = gemmOperand(dtype, batch: batch, rows: m, columns: n, strides: [m * n, n, 1]) { b, i, j in
      beta != 0 ? gemmInitial(b, i, j) : dtype.isFloatingPoint ? .nan : 99
    }
    GemmKernels.matmul(a, b, to: c, alpha: alpha, beta: beta, useBLAS: path.useBLAS, kernel: path.kernel)
    var worst = 0.0, worstIndex = 0
    for index in 0..<expected.count {
      let error = abs(gemmLoad(c, index) - expected[index]) / scale[index]
      if !(error <= worst) { (worst, worstIndex) = (error, index) }
    }
    #expect(worst <= tolerance,
            "\(dtype) \(alpha)·[\(batch), \(m), \(k)]·[\(batch), \(k), \(n)] + \(beta)·C on \(path.name): relative error \(worst) at \(worstIndex)",
            sourceLocation: sourceLocation)
  }
}

/// What C holds before a product with β ≠ 0 (with β = 0 it holds NaN, which must not leak through).
private func gemmInitial(_ b: Int, _ i: Int, _ j: Int) -> Double { Double((b * 31 + i * 7 + j * 3) % 11) - 5 }

/// Row-major strides for `[batch, rows, columns]` (batch stride 0 when `broadcast`).
private func rowMajor(_ batch: Int, _ rows: Int, _ columns: Int, broadcast: Bool = false) -> [Int] {
  [broadcast ? 0 : rows * columns, columns, 1]
}

/// Column-major inner strides for `[batch, rows, columns]`.
private func columnMajor(_ batch: Int, _ rows: Int, _ columns: Int, broadcast: Bool = false) -> [Int] {
  [broadcast ? 0 : rows * columns, 1, rows]
}

@Suite struct GemmTests {
  static let sizes: [(m: Int, k: Int, n: Int)] = [
    (1, 1, 1), (7, 13, 5), (65, 129, 33), (6, 256, 16), (13, 300, 37), (5, 1, 9), (1, 17, 1),
    (3, 0, 4), (0, 5, 3), (4, 5, 0), (150, 100, 160), (700, 400, 8), (9, 150, 1600), (37, 520, 70), (130, 1000, 45),
    // Few rows (B read where it lies, its last partial panel packed), few columns (A read where it
    // lies), and every shorter tile for the last rows of a block.
    (10, 128, 515), (3, 40, 96), (61, 30, 200), (2051, 14, 128), (1030, 10, 40),
  ]

  @Test(arguments: [DType.float32, .float64, .int32, .int64])
  func rowMajorSizes(dtype: DType) {
    for (m, k, n) in Self.sizes where dtype.isFloatingPoint || m * n * k < 1 << 20 {
      let a = gemmOperand(dtype, batch: 1, rows: m, columns: k, strides: rowMajor(1, m, k),
                          value: gemmValue(dtype, seed: 1))
      let b = gemmOperand(dtype, batch: 1, rows: k, columns: n, strides: rowMajor(1, k, n),
                          value: gemmValue(dtype, seed: 2))
      checkMatmul(a, b)
    }
  }

  @Test(arguments: [DType.float32, .float64, .int32, .int64])
  func transposedInputs(dtype: DType) {
    for (m, k, n) in [(7, 13, 5), (65, 129, 33), (1, 9, 4), (40, 70, 90)] {
      for (aColumns, bColumns) in [(true, false), (false, true), (true, true)] {
        let a = gemmOperand(dtype, batch: 1, rows: m, columns: k,
                            strides: aColumns ? columnMajor(1, m, k) : rowMajor(1, m, k),
                            value: gemmValue(dtype, seed: 3))
        let b = gemmOperand(dtype, batch: 1, rows: k, columns: n,
                            strides: bColumns ? columnMajor(1, k, n) : rowMajor(1, k, n),
                            value: gemmValue(dtype, seed: 4))
        checkMatmul(a, b)
      }
    }
  }

  @Test(arguments: [DType.float32, .float64])
  func stridedInputsWithOffset(dtype: DType) {
    // Every other row and every third column of larger matrices, plus leading dimensions with padding.
    let (m, k, n) = (23, 31, 19)
    let a = gemmOperand(dtype, batch: 2, rows: m, columns: k, strides: [2 * m * 3 * k, 2 * 3 * k, 3],
                        offset: 5, value: gemmValue(dtype, seed: 5))
    let b = gemmOperand(dtype, batch: 2, rows: k, columns: n, strides: [k * (n + 3), n + 3, 1],
                        offset: 2, value: gemmValue(dtype, seed: 6))
    checkMatmul(a, b)
    // A row repeated with stride 0 inside the matrix.
    let repeated = gemmOperand(dtype, batch: 1, rows: m, columns: k, strides: [k, 0, 1],
                               value: gemmValue(dtype, seed: 7))
    let b1 = gemmOperand(dtype, batch: 1, rows: k, columns: n, strides: rowMajor(1, k, n),
                         value: gemmValue(dtype, seed: 8))
    checkMatmul(repeated, b1)
  }

  @Test(arguments: [DType.float32, .float64, .int32, .int64])
  func batchedWithBroadcast(dtype: DType) {
    for (batch, m, k, n) in [(5, 7, 13, 5), (8, 20, 30, 10), (3, 65, 129, 33), (2, 70, 50, 90)] {
      let a = gemmOperand(dtype, batch: batch, rows: m, columns: k,
                          strides: rowMajor(batch, m, k, broadcast: true), value: gemmValue(dtype, seed: 9))
      let b = gemmOperand(dtype, batch: batch, rows: k, columns: n, strides: columnMajor(batch, k, n),
                          value: gemmValue(dtype, seed: 10))
      checkMatmul(a, b)
      let a2 = gemmOperand(dtype, batch: batch, rows: m, columns: k, strides: columnMajor(batch, m, k),
                           value: gemmValue(dtype, seed: 11))
      let b2 = gemmOperand(dtype, batch: batch, rows: k, columns: n,
                           strides: rowMajor(batch, k, n, broadcast: true), value: gemmValue(dtype, seed: 12))
      checkMatmul(a2, b2)
    }
  }

  /// α and β reach the micro-kernels' epilogue (no scratch copy) on every kernel, through edge tiles,
  /// several depth blocks (k > 384), transposed operands and threaded grids.
  @Test(arguments: [DType.float32, .float64])
  func alphaAndBetaOnEveryKernel(dtype: DType) {
    for (m, k, n) in [(7, 13, 5), (37, 800, 70), (129, 65, 300), (300, 50, 9)] {
      for (aColumns, bColumns) in [(false, false), (false, true), (true, false)] {
        let a = gemmOperand(dtype, batch: 1, rows: m, columns: k,
                            strides: aColumns ? columnMajor(1, m, k) : rowMajor(1, m, k),
                            value: gemmValue(dtype, seed: 13))
        let b = gemmOperand(dtype, batch: 1, rows: k, columns: n,
                            strides: bColumns ? columnMajor(1, k, n) : rowMajor(1, k, n),
                            value: gemmValue(dtype, seed: 14))
        checkMatmul(a, b, alpha: 0.5, beta: -1.5)
        checkMatmul(a, b, alpha: 2, beta: 0)
        checkMatmul(a, b, alpha: 1, beta: 1)
      }
    }
  }

  /// Every way of cutting the product among threads computes the same result (a part can be a
  /// single tile, or a slice of the depth summed afterwards).
  @Test func threadGridsCoverEveryTile() {
    let kernel = BuiltInGemm.float32Kernel
    for (m, n, k, threads) in [(128, 512, 784, 2), (2048, 16, 64, 4), (16, 4096, 64, 4), (96, 96, 900, 6)] {
      let grid = BuiltInGemm.threadGrid(m: m, n: n, k: k, threads: threads, kernel: kernel)
      #expect(grid.rows * grid.columns * grid.depth == threads, "\(m)×\(n)×\(k) on \(threads) threads: \(grid)")
    }
    #expect(BuiltInGemm.threadGrid(m: 8, n: 8, k: 8, threads: 4, kernel: kernel) == (1, 1, 1))
    // Tall and skinny C is cut by rows, short and wide C by columns, a small C over a long k by depth.
    #expect(BuiltInGemm.threadGrid(m: 4096, n: 32, k: 256, threads: 2, kernel: kernel) == (2, 1, 1))
    #expect(BuiltInGemm.threadGrid(m: 8, n: 4096, k: 256, threads: 2, kernel: kernel) == (1, 2, 1))
    #expect(BuiltInGemm.threadGrid(m: 32, n: 9, k: 86528, threads: 2, kernel: kernel) == (1, 1, 2))
    // A short depth still splits (by rows: a column cut makes both threads write beside it).
    #expect(BuiltInGemm.threadGrid(m: 128, n: 512, k: 10, threads: 2, kernel: kernel) == (2, 1, 1))
    let saved = Parallel.threadCount
    defer { Parallel.threadCount = saved }
    for threads in [2, 3, 4] {
      Parallel.threadCount = threads
      let a = gemmOperand(.float32, batch: 1, rows: 150, columns: 100, strides: rowMajor(1, 150, 100),
                          value: gemmValue(.float32, seed: 15))
      let b = gemmOperand(.float32, batch: 1, rows: 100, columns: 160, strides: columnMajor(1, 100, 160),
                          value: gemmValue(.float32, seed: 16))
      checkMatmul(a, b)
      // A small C over a long depth: cut by depth, parts summed into C (with α and β).
      for dtype in [DType.float32, .float64] {
        let wide = gemmOperand(dtype, batch: 1, rows: 20, columns: 9000, strides: columnMajor(1, 20, 9000),
                               value: gemmValue(dtype, seed: 17))
        let tall = gemmOperand(dtype, batch: 1, rows: 9000, columns: 12, strides: rowMajor(1, 9000, 12),
                               value: gemmValue(dtype, seed: 18))
        checkMatmul(wide, tall, alpha: 0.5, beta: -1.5)
        checkMatmul(wide, tall)
      }
    }
  }

  /// Products with few columns take the narrow tile where the instruction set has one (the size
  /// tables above, with n = 1…16, then check its packing, edge tiles and transposes on every kernel).
  @Test func fewColumnsTakeTheNarrowTile() {
    for variant in 0...3 {
      guard let kernel = BuiltInGemm.float32Kernel(variant: variant) else { continue }
      let narrow = kernel.fitting(columns: kernel.nr / 2)
      if let expected = kernel.narrow {
        #expect(narrow.nr == expected.nr && narrow.nr < kernel.nr && narrow.mr > kernel.mr, "variant \(variant)")
      } else {
        #expect(narrow.nr == kernel.nr, "variant \(variant)")
      }
      #expect(kernel.fitting(columns: kernel.nr / 2 + 1).nr == kernel.nr)
    }
    if CPUFeatures.current.contains(.avx512F) { #expect(BuiltInGemm.float32Kernel.narrow?.mr == 16) }
    for (m, k, n) in [(700, 400, 9), (37, 60, 16), (13, 9, 3)] {
      let a = gemmOperand(.float32, batch: 1, rows: m, columns: k, strides: rowMajor(1, m, k),
                          value: gemmValue(.float32, seed: 19))
      let b = gemmOperand(.float32, batch: 1, rows: k, columns: n, strides: columnMajor(1, k, n),
                          value: gemmValue(.float32, seed: 20))
      checkMatmul(a, b, alpha: 1.5, beta: 0.5)
    }
  }

  @Test func integerProductsWrap() {
    let a = gemmOperand(.int32, batch: 1, rows: 1, columns: 2, strides: [2, 2, 1]) { _, _, _ in 65536 }
    let b = gemmOperand(.int32, batch: 1, rows: 2, columns: 1, strides: [2, 1, 1]) { _, _, _ in 65536 }
    let c = gemmOperand(.int32, batch: 1, rows: 1, columns: 1, strides: [1, 1, 1]) { _, _, _ in 1 }
    GemmKernels.matmul(a, b, to: c)
    #expect(gemmLoad(c, 0) == 0)  // 2 · 2³² wraps to 0
  }

  @Test func blasLayoutChoosesTransposeAndLeadingDimension() {
    #expect(GemmKernels.blasLayout(rows: 3, columns: 4, rowStride: 4, columnStride: 1)! == (false, 4))
    #expect(GemmKernels.blasLayout(rows: 3, columns: 4, rowStride: 1, columnStride: 3)! == (true, 3))
    #expect(GemmKernels.blasLayout(rows: 3, columns: 4, rowStride: 10, columnStride: 1)! == (false, 10))
    #expect(GemmKernels.blasLayout(rows: 1, columns: 4, rowStride: 0, columnStride: 1)! == (false, 4))
    #expect(GemmKernels.blasLayout(rows: 3, columns: 1, rowStride: 1, columnStride: 0)! == (false, 1))
    #expect(GemmKernels.blasLayout(rows: 3, columns: 4, rowStride: 8, columnStride: 2) == nil)
    #expect(GemmKernels.blasLayout(rows: 3, columns: 4, rowStride: 0, columnStride: 1) == nil)
  }

  @Test func benchmarkReportsAPositiveRate() {
    #expect(GemmBenchmark.gflops(n: 64, samples: 3, warmup: 1, minSampleSeconds: 0.01) > 0)
    let transposed = GemmBenchmark.gflops(
      m: 33, n: 17, k: 9, transposeA: true, transposeB: true, batch: 2, path: .builtIn, samples: 1,
      warmup: 0, minSampleSeconds: 0.01)
    #expect(transposed.map { $0 > 0 } == true)
    #expect((GemmBenchmark.gflops(m: 8, n: 8, k: 8, path: .blas, samples: 1) == nil) == (BLAS.comparison == nil))
  }
}
