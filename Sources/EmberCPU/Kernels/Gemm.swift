import EmberBackend

/// A float type the GEMM handles: its BLAS routine and its built-in micro-kernel.
protocol GemmFloat: BinaryFloatingPoint {
  static var fallbackKernel: FallbackGemm.Kernel<Self> { get }
  /// Row-major `cblas_?gemm` with alpha 1 and beta 0.
  static func blasGemm(
    _ blas: BLAS, transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32,
    a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32,
    c: UnsafeMutablePointer<Self>, ldc: Int32)
}

extension Float: GemmFloat {
  static var fallbackKernel: FallbackGemm.Kernel<Float> { FallbackGemm.float32Kernel }
  static func blasGemm(
    _ blas: BLAS, transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32,
    a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32,
    c: UnsafeMutablePointer<Float>, ldc: Int32
  ) {
    blas.sgemm(BLAS.rowMajor, transposeA ? BLAS.transpose : BLAS.noTranspose,
               transposeB ? BLAS.transpose : BLAS.noTranspose, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
  }
}

extension Double: GemmFloat {
  static var fallbackKernel: FallbackGemm.Kernel<Double> { FallbackGemm.float64Kernel }
  static func blasGemm(
    _ blas: BLAS, transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32,
    a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32,
    c: UnsafeMutablePointer<Double>, ldc: Int32
  ) {
    blas.dgemm(BLAS.rowMajor, transposeA ? BLAS.transpose : BLAS.noTranspose,
               transposeB ? BLAS.transpose : BLAS.noTranspose, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
  }
}

/// Batched matrix products (`Backend.matmul`): BLAS for float types when loaded, else the built-in
/// blocked GEMM (`FallbackGemm`); a plain loop for integers.
enum GemmKernels {
  /// `c[i] = a[i] · b[i]`: `a` is `[batch, m, k]`, `b` is `[batch, k, n]` (batch stride 0 broadcasts,
  /// inner strides arbitrary), `c` is a contiguous `[batch, m, n]`.
  static func matmul(_ a: Operand, _ b: Operand, to c: Operand) {
    matmul(a, b, to: c, useBLAS: true)
  }

  /// As `matmul(_:_:to:)`; `useBLAS: false` runs the built-in GEMM even when a BLAS is loaded, and
  /// `kernel` picks the float micro-kernel variant (tests; -1 is the best for this CPU).
  static func matmul(_ a: Operand, _ b: Operand, to c: Operand, useBLAS: Bool, kernel: Int = -1) {
    precondition(a.layout.rank == 3 && b.layout.rank == 3 && c.layout.rank == 3,
                 "matmul: expected [batch, m, k] · [batch, k, n], got \(a.shape) and \(b.shape)")
    let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
    precondition(b.shape[0] == batch && b.shape[1] == k && c.shape == [batch, m, n],
                 "matmul: shapes \(a.shape) · \(b.shape) do not give \(c.shape)")
    precondition(a.dtype == b.dtype && a.dtype == c.dtype,
                 "matmul: dtypes \(a.dtype), \(b.dtype) and \(c.dtype) differ")
    precondition(c.layout.isContiguous, "matmul: output \(c.layout) is not contiguous")
    let blas = useBLAS ? BLAS.shared : nil
    switch a.dtype {
    case .float32:
      let micro = kernel < 0 ? Float.fallbackKernel : FallbackGemm.float32Kernel(variant: kernel)!
      floatMatmul(Float.self, a, b, c, blas: blas, kernel: micro)
    case .float64:
      let micro = kernel < 0 ? Double.fallbackKernel : FallbackGemm.float64Kernel(variant: kernel)!
      floatMatmul(Double.self, a, b, c, blas: blas, kernel: micro)
    case .int32: integerMatmul(Int32.self, a, b, c)
    case .int64: integerMatmul(Int64.self, a, b, c)
    case .bool: preconditionFailure("matmul: bool tensors are not supported")
    }
  }

  /// Multiply-adds per matrix below which a batch is split across threads, one matrix per task
  /// (OpenBLAS keeps such products on the calling thread, so tasks never oversubscribe the cores).
  static let batchParallelLimitBLAS = 1 << 18
  static let batchParallelLimitFallback = FallbackGemm.parallelThreshold

  private static func floatMatmul<T: GemmFloat>(
    _: T.Type, _ a: Operand, _ b: Operand, _ c: Operand, blas: BLAS?, kernel: FallbackGemm.Kernel<T>
  ) {
    let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
    if batch == 0 || m == 0 || n == 0 { return }
    let cBase = c.buffer.pointer.assumingMemoryBound(to: T.self) + c.layout.offset
    if k == 0 {
      cBase.update(repeating: 0, count: batch * m * n)
      return
    }
    let aBase = UnsafePointer(a.buffer.pointer.assumingMemoryBound(to: T.self)) + a.layout.offset
    let bBase = UnsafePointer(b.buffer.pointer.assumingMemoryBound(to: T.self)) + b.layout.offset
    let (sa, sb) = (a.layout.strides, b.layout.strides)
    let fitsInt32 = [m, n, k, sa[1], sa[2], sb[1], sb[2]].allSatisfy { $0 < Int(Int32.max) }
    let useBLAS = blas != nil && fitsInt32
    let work = m * n * k

    let one = { (index: Int, threaded: Bool) in
      let aMatrix = FallbackGemm.Matrix(base: aBase + index * sa[0], rowStride: sa[1], columnStride: sa[2])
      let bMatrix = FallbackGemm.Matrix(base: bBase + index * sb[0], rowStride: sb[1], columnStride: sb[2])
      let cMatrix = cBase + index * m * n
      if useBLAS, let blas {
        blasProduct(blas, m: m, n: n, k: k, a: aMatrix, b: bMatrix, c: cMatrix)
      } else {
        FallbackGemm.gemm(m: m, n: n, k: k, a: aMatrix, b: bMatrix, c: cMatrix, ldc: n,
                          kernel: kernel, threaded: threaded)
      }
    }
    let limit = useBLAS ? batchParallelLimitBLAS : batchParallelLimitFallback
    if batch > 1 && work <= limit {
      Parallel.forEachChunk(batch, costPerItem: work) { range in
        for index in range { one(index, false) }
      }
    } else {
      for index in 0..<batch { one(index, true) }
    }
  }

  /// How CBLAS (row-major) can read a `rows`×`columns` matrix in place: `transposed` and the leading
  /// dimension, or `nil` when its strides need a packed copy first.
  static func blasLayout(
    rows: Int, columns: Int, rowStride: Int, columnStride: Int
  ) -> (transposed: Bool, ld: Int)? {
    if (columns == 1 || columnStride == 1) && (rows == 1 || rowStride >= Swift.max(1, columns)) {
      return (false, rows == 1 ? Swift.max(1, columns) : rowStride)
    }
    if (rows == 1 || rowStride == 1) && (columns == 1 || columnStride >= Swift.max(1, rows)) {
      return (true, columns == 1 ? Swift.max(1, rows) : columnStride)
    }
    return nil
  }

  private static func blasProduct<T: GemmFloat>(
    _ blas: BLAS, m: Int, n: Int, k: Int, a: FallbackGemm.Matrix<T>, b: FallbackGemm.Matrix<T>,
    c: UnsafeMutablePointer<T>
  ) {
    var scratch: [UnsafeMutablePointer<T>] = []
    defer { for pointer in scratch { pointer.deallocate() } }
    // A matrix BLAS cannot read in place is copied row-major first.
    func readable(_ x: FallbackGemm.Matrix<T>, rows: Int, columns: Int)
      -> (base: UnsafePointer<T>, transposed: Bool, ld: Int)
    {
      if let (transposed, ld) = blasLayout(
        rows: rows, columns: columns, rowStride: x.rowStride, columnStride: x.columnStride),
        ld < Int(Int32.max)
      {
        return (x.base, transposed, ld)
      }
      let copy = UnsafeMutablePointer<T>.allocate(capacity: rows * columns)
      scratch.append(copy)
      for i in 0..<rows {
        let source = x.base + i * x.rowStride
        let row = copy + i * columns
        for j in 0..<columns { row[j] = source[j * x.columnStride] }
      }
      return (UnsafePointer(copy), false, Swift.max(1, columns))
    }
    let aView = readable(a, rows: m, columns: k)
    let bView = readable(b, rows: k, columns: n)
    T.blasGemm(blas, transposeA: aView.transposed, transposeB: bView.transposed,
               m: Int32(m), n: Int32(n), k: Int32(k), a: aView.base, lda: Int32(aView.ld),
               b: bView.base, ldb: Int32(bView.ld), c: c, ldc: Int32(n))
  }

  /// The integer product: a plain loop with wrapping arithmetic (correct, not fast).
  private static func integerMatmul<T: FixedWidthInteger>(
    _: T.Type, _ a: Operand, _ b: Operand, _ c: Operand
  ) {
    let (batch, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
    if batch == 0 || m == 0 || n == 0 { return }
    let aBase = UnsafePointer(a.buffer.pointer.assumingMemoryBound(to: T.self)) + a.layout.offset
    let bBase = UnsafePointer(b.buffer.pointer.assumingMemoryBound(to: T.self)) + b.layout.offset
    let cBase = c.buffer.pointer.assumingMemoryBound(to: T.self) + c.layout.offset
    let (sa, sb) = (a.layout.strides, b.layout.strides)
    Parallel.forEachChunk(batch * m, costPerItem: Swift.max(1, n * k)) { rows in
      for row in rows {
        let (index, i) = row.quotientAndRemainder(dividingBy: m)
        let aRow = aBase + index * sa[0] + i * sa[1]
        let bMatrix = bBase + index * sb[0]
        let out = cBase + row * n
        out.update(repeating: 0, count: n)
        for p in 0..<k {
          let x = aRow[p * sa[2]]
          let bRow = bMatrix + p * sb[1]
          for j in 0..<n { out[j] &+= x &* bRow[j * sb[2]] }
        }
      }
    }
  }
}
