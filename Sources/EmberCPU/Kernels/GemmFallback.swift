import CEmberKernels

/// The built-in GEMM used when no BLAS is loaded: Goto/BLIS-style packing and cache blocking in
/// Swift around a C micro-kernel (Sources/CEmberKernels/Gemm.c) chosen at run time for the CPU.
///
/// Loop order (BLIS): columns of C in blocks of `nc` → depth in blocks of `kc` (pack B into `nr`-wide
/// panels) → rows in blocks of `mc` (pack A into `mr`-tall panels) → micro-tiles. Threads pack each
/// B block together, then split C's rows (or, when C has few rows, its columns).
enum FallbackGemm {
  /// One micro-kernel: tile shape and the C function, wrapped for a generic element type.
  struct Kernel<T> {
    /// Rows of one tile (values per step of a packed A panel).
    let mr: Int
    /// Columns of one tile (values per step of a packed B panel).
    let nr: Int
    /// `(k, aPanel, bPanel, c, ldc, rows, columns, accumulate)`.
    let run: (Int, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, Int, Int, Int, Bool) -> Void
  }

  /// The best float32 micro-kernel for this CPU.
  static let float32Kernel: Kernel<Float> = float32Kernel(variant: -1)!
  /// The best float64 micro-kernel for this CPU.
  static let float64Kernel: Kernel<Double> = float64Kernel(variant: -1)!

  /// The float32 micro-kernel `variant` (-1 best, 0 portable, 1 AVX2, 2 AVX-512, 3 portable with the
  /// AVX-512 tile shape), or `nil` when this CPU cannot run it.
  static func float32Kernel(variant: Int) -> Kernel<Float>? {
    var mr: Int32 = 0, nr: Int32 = 0
    guard let f = ember_gemm_f32_select(Int32(variant), &mr, &nr) else { return nil }
    return Kernel(mr: Int(mr), nr: Int(nr)) { k, a, b, c, ldc, m, n, accumulate in
      f(k, a, b, c, ldc, m, n, accumulate ? 1 : 0)
    }
  }

  /// The float64 micro-kernel `variant` (as for `float32Kernel(variant:)`), or `nil`.
  static func float64Kernel(variant: Int) -> Kernel<Double>? {
    var mr: Int32 = 0, nr: Int32 = 0
    guard let f = ember_gemm_f64_select(Int32(variant), &mr, &nr) else { return nil }
    return Kernel(mr: Int(mr), nr: Int(nr)) { k, a, b, c, ldc, m, n, accumulate in
      f(k, a, b, c, ldc, m, n, accumulate ? 1 : 0)
    }
  }

  /// A matrix in memory: element `(i, j)` is at `base[i * rowStride + j * columnStride]`.
  struct Matrix<T> {
    var base: UnsafePointer<T>
    var rowStride: Int
    var columnStride: Int

    @inline(__always) func offset(rows: Int, columns: Int) -> Matrix {
      Matrix(base: base + rows * rowStride + columns * columnStride,
             rowStride: rowStride, columnStride: columnStride)
    }
  }

  /// Multiply-adds below which a product runs on one thread.
  static let parallelThreshold = 1 << 21

  /// `c = a · b` for an `m`×`k` `a` and a `k`×`n` `b` (any strides) into row-major `c` with leading
  /// dimension `ldc`; splits across `Parallel.threadCount` threads when `threaded` and large enough.
  static func gemm<T: BinaryFloatingPoint>(
    m: Int, n: Int, k: Int, a: Matrix<T>, b: Matrix<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    kernel: Kernel<T>, threaded: Bool = true
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
      return
    }
    let work = m &* n &* k
    if !threaded || Parallel.threadCount <= 1 || work < parallelThreshold {
      serial(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, kernel: kernel)
      return
    }
    let columnTiles = (n + kernel.nr - 1) / kernel.nr
    let rowTiles = (m + kernel.mr - 1) / kernel.mr
    if rowTiles >= 2 * Parallel.threadCount {
      sharedPanels(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, kernel: kernel)
    } else {
      // Few rows: each thread takes its own columns and packs the (small) A itself.
      Parallel.forEachChunk(columnTiles, threshold: 0) { tiles in
        let start = tiles.lowerBound * kernel.nr
        let end = Swift.min(n, tiles.upperBound * kernel.nr)
        serial(m: m, n: end - start, k: k, a: a, b: b.offset(rows: 0, columns: start),
               c: c + start, ldc: ldc, kernel: kernel)
      }
    }
  }

  /// The multi-threaded blocked product (BLIS's): threads pack each B block together, then each
  /// takes its own rows of C, packing only its own A blocks.
  static func sharedPanels<T: BinaryFloatingPoint>(
    m: Int, n: Int, k: Int, a: Matrix<T>, b: Matrix<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    kernel: Kernel<T>
  ) {
    let (mr, nr) = (kernel.mr, kernel.nr)
    let (mcMax, kcMax, ncMax) = blocking(kernel)
    let kcLimit = Swift.min(kcMax, k)
    let mcLimit = Swift.min(mcMax, (m + mr - 1) / mr * mr)
    let ncLimit = Swift.min(ncMax, (n + nr - 1) / nr * nr)
    let size = MemoryLayout<T>.stride
    let bBuffer = CPUBackend.shared.cache.allocate(byteCount: ncLimit * kcLimit * size)
    defer { withExtendedLifetime(bBuffer) {} }
    let bPack = bBuffer.pointer.bindMemory(to: T.self, capacity: ncLimit * kcLimit)
    let rowTiles = (m + mr - 1) / mr

    for jc in stride(from: 0, to: n, by: ncMax) {
      let nc = Swift.min(ncMax, n - jc)
      for pc in stride(from: 0, to: k, by: kcMax) {
        let kc = Swift.min(kcMax, k - pc)
        Parallel.forEachChunk((nc + nr - 1) / nr, threshold: 0) { panels in
          let start = panels.lowerBound * nr
          let end = Swift.min(nc, panels.upperBound * nr)
          packB(b.offset(rows: pc, columns: jc + start), depth: kc, columns: end - start, nr: nr,
                into: bPack + start * kc)
        }
        Parallel.forEachChunk(rowTiles, threshold: 0) { tiles in
          let aBuffer = CPUBackend.shared.cache.allocate(byteCount: mcLimit * kcLimit * size)
          defer { withExtendedLifetime(aBuffer) {} }
          let aPack = aBuffer.pointer.bindMemory(to: T.self, capacity: mcLimit * kcLimit)
          let rowStart = tiles.lowerBound * mr
          let rowEnd = Swift.min(m, tiles.upperBound * mr)
          let step = balancedBlock(rowEnd - rowStart, limit: mcMax, multiple: mr)
          for ic in stride(from: rowStart, to: rowEnd, by: step) {
            let mc = Swift.min(step, rowEnd - ic)
            packA(a.offset(rows: ic, columns: pc), rows: mc, depth: kc, mr: mr, into: aPack)
            for jr in stride(from: 0, to: nc, by: nr) {
              let bPanel = UnsafePointer(bPack + jr * kc)
              let columns = Swift.min(nr, nc - jr)
              for ir in stride(from: 0, to: mc, by: mr) {
                kernel.run(
                  kc, UnsafePointer(aPack + ir * kc), bPanel, c + (ic + ir) * ldc + jc + jr, ldc,
                  Swift.min(mr, mc - ir), columns, pc > 0)
              }
            }
          }
        }
      }
    }
  }

  /// Cache blocks for `kernel`: `kc` keeps one packed B panel (`kc`×`nr`) in a 32 KiB L1, `mc` keeps
  /// the packed A block (`mc`×`kc`) in about 256 KiB of L2, `nc` keeps the packed B block in L3.
  static func blocking<T>(_ kernel: Kernel<T>) -> (mc: Int, kc: Int, nc: Int) {
    let size = MemoryLayout<T>.stride
    let kc = kernel.nr * size <= 64 ? 256 : 192
    let mc = Swift.max(kernel.mr, (256 * 1024 / (kc * size)) / kernel.mr * kernel.mr)
    let nc = Swift.max(kernel.nr, 4096 / kernel.nr * kernel.nr)
    return (mc, kc, nc)
  }

  /// A block size ≤ `limit` (a multiple of `multiple`) that cuts `count` into equal blocks, so no
  /// thin last block streams all of B for a few rows.
  static func balancedBlock(_ count: Int, limit: Int, multiple: Int) -> Int {
    let blocks = Swift.max(1, (count + limit - 1) / limit)
    let size = (count + blocks - 1) / blocks
    return Swift.max(multiple, Swift.min(limit, (size + multiple - 1) / multiple * multiple))
  }

  /// The single-threaded blocked product.
  static func serial<T: BinaryFloatingPoint>(
    m: Int, n: Int, k: Int, a: Matrix<T>, b: Matrix<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    kernel: Kernel<T>
  ) {
    let (mr, nr) = (kernel.mr, kernel.nr)
    let (mcMax, kcMax, ncMax) = blocking(kernel)
    let kcLimit = Swift.min(kcMax, k)
    let mcLimit = Swift.min(mcMax, (m + mr - 1) / mr * mr)
    let ncLimit = Swift.min(ncMax, (n + nr - 1) / nr * nr)
    let size = MemoryLayout<T>.stride
    // The backend's buffer cache hands back last call's 64-byte-aligned panels (no page faults).
    let aBuffer = CPUBackend.shared.cache.allocate(byteCount: mcLimit * kcLimit * size)
    let bBuffer = CPUBackend.shared.cache.allocate(byteCount: ncLimit * kcLimit * size)
    defer { withExtendedLifetime((aBuffer, bBuffer)) {} }
    let aPack = aBuffer.pointer.bindMemory(to: T.self, capacity: mcLimit * kcLimit)
    let bPack = bBuffer.pointer.bindMemory(to: T.self, capacity: ncLimit * kcLimit)

    for jc in stride(from: 0, to: n, by: ncMax) {
      let nc = Swift.min(ncMax, n - jc)
      for pc in stride(from: 0, to: k, by: kcMax) {
        let kc = Swift.min(kcMax, k - pc)
        packB(b.offset(rows: pc, columns: jc), depth: kc, columns: nc, nr: nr, into: bPack)
        let step = balancedBlock(m, limit: mcMax, multiple: mr)
        for ic in stride(from: 0, to: m, by: step) {
          let mc = Swift.min(step, m - ic)
          packA(a.offset(rows: ic, columns: pc), rows: mc, depth: kc, mr: mr, into: aPack)
          for jr in stride(from: 0, to: nc, by: nr) {
            let bPanel = UnsafePointer(bPack + jr * kc)
            let columns = Swift.min(nr, nc - jr)
            for ir in stride(from: 0, to: mc, by: mr) {
              kernel.run(
                kc, UnsafePointer(aPack + ir * kc), bPanel, c + (ic + ir) * ldc + jc + jr, ldc,
                Swift.min(mr, mc - ir), columns, pc > 0)
            }
          }
        }
      }
    }
  }

  /// Packs `rows`×`depth` of `a` into panels of `mr` rows: panel `r` holds, for each step `p`, the
  /// `mr` values `a[r·mr + i, p]`, zero beyond the last row.
  @inline(__always)
  static func packA<T: BinaryFloatingPoint>(
    _ a: Matrix<T>, rows: Int, depth: Int, mr: Int, into dst: UnsafeMutablePointer<T>
  ) {
    let (rs, cs) = (a.rowStride, a.columnStride)
    for r in stride(from: 0, to: rows, by: mr) {
      let panel = dst + r * depth
      let valid = Swift.min(mr, rows - r)
      let src = a.base + r * rs
      if cs == 1 {
        for i in 0..<valid {
          let row = src + i * rs
          for p in 0..<depth { panel[p * mr + i] = row[p] }
        }
      } else {
        for p in 0..<depth {
          let column = src + p * cs
          let out = panel + p * mr
          for i in 0..<valid { out[i] = column[i * rs] }
        }
      }
      if valid < mr {
        for p in 0..<depth { (panel + p * mr + valid).update(repeating: 0, count: mr - valid) }
      }
    }
  }

  /// Packs `depth`×`columns` of `b` into panels of `nr` columns: panel `q` holds, for each step `p`,
  /// the `nr` values `b[p, q·nr + j]`, zero beyond the last column.
  @inline(__always)
  static func packB<T: BinaryFloatingPoint>(
    _ b: Matrix<T>, depth: Int, columns: Int, nr: Int, into dst: UnsafeMutablePointer<T>
  ) {
    let (rs, cs) = (b.rowStride, b.columnStride)
    for q in stride(from: 0, to: columns, by: nr) {
      let panel = dst + q * depth
      let valid = Swift.min(nr, columns - q)
      let src = b.base + q * cs
      if cs == 1 {
        for p in 0..<depth {
          let out = panel + p * nr
          out.update(from: src + p * rs, count: valid)
          if valid < nr { (out + valid).update(repeating: 0, count: nr - valid) }
        }
      } else {
        for p in 0..<depth {
          let out = panel + p * nr
          let row = src + p * rs
          for j in 0..<valid { out[j] = row[j * cs] }
          if valid < nr { (out + valid).update(repeating: 0, count: nr - valid) }
        }
      }
    }
  }
}
