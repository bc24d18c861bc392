import EmberBackend

/// A float type the GEMM handles: its BLAS routine and its built-in micro-kernel.
protocol GemmFloat: BinaryFloatingPoint {
  static var builtInKernel: BuiltInGemm.Kernel<Self> { get }
  /// Row-major `cblas_?gemm`: `C = α·op(A)·op(B) + β·C`.
  static func blasGemm(
    _ blas: BLAS, transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Self,
    a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32, beta: Self,
    c: UnsafeMutablePointer<Self>, ldc: Int32)
}

extension Float: GemmFloat {
  static var builtInKernel: BuiltInGemm.Kernel<Float> { BuiltInGemm.float32Kernel }
  static func blasGemm(
    _ blas: BLAS, transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Float,
    a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int32
  ) {
    blas.sgemm(BLAS.rowMajor, transposeA ? BLAS.transpose : BLAS.noTranspose,
               transposeB ? BLAS.transpose : BLAS.noTranspose, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }
}

extension Double: GemmFloat {
  static var builtInKernel: BuiltInGemm.Kernel<Double> { BuiltInGemm.float64Kernel }
  static func blasGemm(
    _ blas: BLAS, transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Double,
    a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32, beta: Double,
    c: UnsafeMutablePointer<Double>, ldc: Int32
  ) {
    blas.dgemm(BLAS.rowMajor, transposeA ? BLAS.transpose : BLAS.noTranspose,
               transposeB ? BLAS.transpose : BLAS.noTranspose, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }
}

/// Batched matrix products (`Backend.matmul`): BLAS for float types when loaded, else the built-in
/// blocked GEMM (`BuiltInGemm`); a plain loop for integers.
enum GemmKernels {
  /// `c[i] = α·a[i]·b[i] + β·c[i]` over every batch index `i`: `a` is `[…, m, k]`, `b` is
  /// `[…, k, n]` and `c` is `[…, m, n]`, all with the same batch axes, each axis with its own
  /// stride (0 broadcasts; a transposed `[B, T, H, D]` view multiplies in place). With `β = 0`,
  /// `c` is only written.
  static func matmul(_ a: Operand, _ b: Operand, to c: Operand, alpha: Double = 1, beta: Double = 0) {
    matmul(a, b, to: c, alpha: alpha, beta: beta, useBLAS: true)
  }

  /// As `matmul(_:_:to:alpha:beta:)`; `useBLAS: false` runs the built-in GEMM even when a BLAS is
  /// loaded, and `kernel` picks the float micro-kernel variant (tests; -1 is the best for this CPU).
  static func matmul(
    _ a: Operand, _ b: Operand, to c: Operand, alpha: Double = 1, beta: Double = 0, useBLAS: Bool,
    kernel: Int = -1
  ) {
    matmul(a, b, to: c, alpha: alpha, beta: beta, blas: useBLAS ? BLAS.shared : nil, kernel: kernel)
  }

  /// As `matmul(_:_:to:alpha:beta:)` through `blas` for float types (the built-in GEMM when `nil`).
  static func matmul(
    _ a: Operand, _ b: Operand, to c: Operand, alpha: Double = 1, beta: Double = 0, blas: BLAS?,
    kernel: Int = -1
  ) {
    let rank = c.layout.rank
    precondition(rank >= 2 && a.layout.rank == rank && b.layout.rank == rank,
                 "matmul: expected [batch…, m, k] · [batch…, k, n], got \(a.shape) and \(b.shape)")
    let (m, k, n) = (a.shape[rank - 2], a.shape[rank - 1], b.shape[rank - 1])
    let batch = Array(c.shape.dropLast(2))
    precondition(Array(a.shape.dropLast(2)) == batch && Array(b.shape.dropLast(2)) == batch
                   && b.shape[rank - 2] == k && c.shape.suffix(2) == [m, n],
                 "matmul: shapes \(a.shape) · \(b.shape) do not give \(c.shape)")
    precondition(a.dtype == b.dtype && a.dtype == c.dtype,
                 "matmul: dtypes \(a.dtype), \(b.dtype) and \(c.dtype) differ")
    let product = BatchedProduct(a: a.layout, b: b.layout, c: c.layout, m: m, k: k, n: n)
    switch a.dtype {
    case .float32:
      let micro = kernel < 0 ? Float.builtInKernel : BuiltInGemm.float32Kernel(variant: kernel)!
      floatMatmul(Float.self, a, b, c, product, alpha: alpha, beta: beta, blas: blas, kernel: micro)
    case .float64:
      let micro = kernel < 0 ? Double.builtInKernel : BuiltInGemm.float64Kernel(variant: kernel)!
      floatMatmul(Double.self, a, b, c, product, alpha: alpha, beta: beta, blas: blas, kernel: micro)
    case .int32: integerMatmul(Int32.self, a, b, c, product, alpha: alpha, beta: beta)
    case .int64: integerMatmul(Int64.self, a, b, c, product, alpha: alpha, beta: beta)
    case .bool: preconditionFailure("matmul: bool tensors are not supported")
    }
  }

  /// The shape of one batched product: sizes, the element offsets of every batch index's three
  /// matrices (from the per-axis batch strides) and the inner strides.
  struct BatchedProduct {
    let m: Int, k: Int, n: Int
    let count: Int
    let aOffsets: [Int], bOffsets: [Int], cOffsets: [Int]
    let aRow: Int, aColumn: Int, bRow: Int, bColumn: Int, cRow: Int, cColumn: Int

    init(a: Layout, b: Layout, c: Layout, m: Int, k: Int, n: Int) {
      (self.m, self.k, self.n) = (m, k, n)
      let rank = c.rank, batch = Array(c.shape.dropLast(2))
      count = batch.reduce(1, *)
      var aOffsets = [Int](repeating: a.offset, count: count)
      var bOffsets = [Int](repeating: b.offset, count: count)
      var cOffsets = [Int](repeating: c.offset, count: count)
      var span = 1
      for axis in stride(from: batch.count - 1, through: 0, by: -1) {
        let size = batch[axis]
        for index in 0..<count {
          let i = (index / span) % size
          aOffsets[index] += i * a.strides[axis]
          bOffsets[index] += i * b.strides[axis]
          cOffsets[index] += i * c.strides[axis]
        }
        span *= size
      }
      (self.aOffsets, self.bOffsets, self.cOffsets) = (aOffsets, bOffsets, cOffsets)
      (aRow, aColumn) = (a.strides[rank - 2], a.strides[rank - 1])
      (bRow, bColumn) = (b.strides[rank - 2], b.strides[rank - 1])
      (cRow, cColumn) = (c.strides[rank - 2], c.strides[rank - 1])
    }
  }

  /// Multiply-adds per matrix below which a batch is split across threads, one matrix per task
  /// (OpenBLAS keeps such products on the calling thread, so tasks never oversubscribe the cores).
  static let batchParallelLimitBLAS = 1 << 18
  static let batchParallelLimitBuiltIn = 1 << 20

  private static func floatMatmul<T: GemmFloat>(
    _: T.Type, _ a: Operand, _ b: Operand, _ c: Operand, _ p: BatchedProduct, alpha: Double,
    beta: Double, blas: BLAS?, kernel: BuiltInGemm.Kernel<T>
  ) {
    let (m, k, n) = (p.m, p.k, p.n)
    if p.count == 0 || m == 0 || n == 0 { return }
    let cBase = c.buffer.pointer.assumingMemoryBound(to: T.self)
    let aBase = UnsafePointer(a.buffer.pointer.assumingMemoryBound(to: T.self))
    let bBase = UnsafePointer(b.buffer.pointer.assumingMemoryBound(to: T.self))
    // The kernels write rows of C with unit column stride; another C layout goes through scratch.
    let cDirect = (n == 1 || p.cColumn == 1) && (m == 1 || p.cRow >= n)
    let ldc = cDirect ? (m == 1 ? n : p.cRow) : n
    let fitsInt32 = [m, n, k, p.aRow, p.aColumn, p.bRow, p.bColumn, ldc].allSatisfy { $0 < Int(Int32.max) }
    let useBLAS = blas != nil && fitsInt32
    let (alphaT, betaT) = (T(alpha), T(beta))
    let work = m * n * k

    let one = { (index: Int, threaded: Bool) in
      let target = cBase + p.cOffsets[index]
      if k == 0 {
        scaleMatrix(target, rows: m, columns: n, rowStride: p.cRow, columnStride: p.cColumn, by: betaT)
        return
      }
      let aMatrix = BuiltInGemm.Matrix(base: aBase + p.aOffsets[index], rowStride: p.aRow, columnStride: p.aColumn)
      let bMatrix = BuiltInGemm.Matrix(base: bBase + p.bOffsets[index], rowStride: p.bRow, columnStride: p.bColumn)
      if useBLAS, let blas, cDirect {
        blasProduct(blas, m: m, n: n, k: k, a: aMatrix, b: bMatrix, c: target, ldc: ldc,
                    alpha: alphaT, beta: betaT)
        return
      }
      if cDirect && !useBLAS {
        BuiltInGemm.gemm(m: m, n: n, k: k, a: aMatrix, b: bMatrix, c: target, ldc: ldc,
                          alpha: alphaT, beta: betaT, kernel: kernel, threaded: threaded)
        return
      }
      // c ← α·(a·b) + β·c through a packed product.
      let scratch = UnsafeMutablePointer<T>.allocate(capacity: m * n)
      defer { scratch.deallocate() }
      if useBLAS, let blas {
        blasProduct(blas, m: m, n: n, k: k, a: aMatrix, b: bMatrix, c: scratch, ldc: n, alpha: 1, beta: 0)
      } else {
        BuiltInGemm.gemm(m: m, n: n, k: k, a: aMatrix, b: bMatrix, c: scratch, ldc: n,
                          kernel: kernel, threaded: threaded)
      }
      for i in 0..<m {
        let row = target + i * p.cRow, source = scratch + i * n
        if beta == 0 {
          for j in 0..<n { row[j * p.cColumn] = alphaT * source[j] }
        } else {
          for j in 0..<n { row[j * p.cColumn] = alphaT * source[j] + betaT * row[j * p.cColumn] }
        }
      }
    }
    let limit = useBLAS ? batchParallelLimitBLAS : batchParallelLimitBuiltIn
    if p.count > 1 && work <= limit {
      Parallel.forEachChunk(p.count, costPerItem: Swift.max(work, 1)) { range in
        for index in range { one(index, false) }
      }
    } else {
      for index in 0..<p.count { one(index, true) }
    }
  }

  /// `c ← β·c` over a strided matrix (β = 0 writes zeros, whatever `c` held).
  private static func scaleMatrix<T: BinaryFloatingPoint>(
    _ c: UnsafeMutablePointer<T>, rows: Int, columns: Int, rowStride: Int, columnStride: Int, by beta: T
  ) {
    for i in 0..<rows {
      let row = c + i * rowStride
      for j in 0..<columns { row[j * columnStride] = beta == 0 ? 0 : beta * row[j * columnStride] }
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
    _ blas: BLAS, m: Int, n: Int, k: Int, a: BuiltInGemm.Matrix<T>, b: BuiltInGemm.Matrix<T>,
    c: UnsafeMutablePointer<T>, ldc: Int, alpha: T, beta: T
  ) {
    var scratch: [UnsafeMutablePointer<T>] = []
    defer { for pointer in scratch { pointer.deallocate() } }
    // A matrix BLAS cannot read in place is copied row-major first.
    func readable(_ x: BuiltInGemm.Matrix<T>, rows: Int, columns: Int)
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
               m: Int32(m), n: Int32(n), k: Int32(k), alpha: alpha, a: aView.base, lda: Int32(aView.ld),
               b: bView.base, ldb: Int32(bView.ld), beta: beta, c: c, ldc: Int32(ldc))
  }

  /// The integer product: a plain loop with wrapping arithmetic (correct, not fast).
  private static func integerMatmul<T: FixedWidthInteger>(
    _: T.Type, _ a: Operand, _ b: Operand, _ c: Operand, _ p: BatchedProduct, alpha: Double,
    beta: Double
  ) {
    let (m, k, n) = (p.m, p.k, p.n)
    if p.count == 0 || m == 0 || n == 0 { return }
    let aBase = UnsafePointer(a.buffer.pointer.assumingMemoryBound(to: T.self))
    let bBase = UnsafePointer(b.buffer.pointer.assumingMemoryBound(to: T.self))
    let cBase = c.buffer.pointer.assumingMemoryBound(to: T.self)
    let (alphaT, betaT) = (T(alpha), T(beta))
    Parallel.forEachChunk(p.count * m, costPerItem: Swift.max(1, n * k)) { rows in
      for row in rows {
        let (index, i) = row.quotientAndRemainder(dividingBy: m)
        let aRow = aBase + p.aOffsets[index] + i * p.aRow
        let bMatrix = bBase + p.bOffsets[index]
        let out = cBase + p.cOffsets[index] + i * p.cRow
        for j in 0..<n {
          var sum: T = 0
          for q in 0..<k { sum &+= aRow[q * p.aColumn] &* bMatrix[q * p.bRow + j * p.bColumn] }
          let previous = beta == 0 ? 0 : out[j * p.cColumn]
          out[j * p.cColumn] = alphaT &* sum &+ betaT &* previous
        }
      }
    }
  }
}
