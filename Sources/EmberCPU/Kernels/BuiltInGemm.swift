import CEmberKernels

/// The built-in GEMM: BLIS-style cache blocking and threading in Swift around C packing routines and
/// register-blocked micro-kernels (Sources/CEmberKernels/Gemm.c) chosen at run time for the CPU.
///
/// Loop order (BLIS): columns of C in blocks of `nc` → depth in blocks of `kc` (pack B into `nr`-wide
/// panels) → rows in blocks of `mc` (pack A into `mr`-tall panels) → the C block function over the
/// micro-tiles. Threads each take one part of a grid over C (`threadGrid`), chosen so the slowest
/// part's multiply-adds and packing are least, and run the blocked product on it.
enum BuiltInGemm {
  /// One instruction set's GEMM inner loops (Sources/CEmberKernels/Gemm.c) for a generic element type.
  final class Kernel<T> {
    /// Rows of one tile (values per step of a packed A panel).
    let mr: Int
    /// Columns of one tile (values per step of a packed B panel).
    let nr: Int
    /// `(rows, depth, a, rowStride, columnStride, destination)`: packs A into `mr`-row panels.
    let packA: (Int, Int, UnsafePointer<T>, Int, Int, UnsafeMutablePointer<T>) -> Void
    /// `(depth, columns, b, rowStride, columnStride, destination)`: packs B into `nr`-column panels.
    let packB: (Int, Int, UnsafePointer<T>, Int, Int, UnsafeMutablePointer<T>) -> Void
    /// `(mc, nc, kc, packedA, packedB, c, ldc, α, β)`: C = α·A·B + β·C over one block.
    let block: (Int, Int, Int, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, Int, T, T) -> Void
    /// `block` with either operand packed or read where it lies (`block_strided` in CEmberKernels.h).
    let blockStrided: (Int, Int, Int, UnsafePointer<T>, StridedPanels, UnsafePointer<T>, StridedPanels,
                       UnsafeMutablePointer<T>, Int, T, T) -> Void
    /// The same instruction set with a narrower, taller tile, for products with at most `nr / 2`
    /// columns (`nil` where there is none).
    let narrow: Kernel<T>?

    init(
      mr: Int, nr: Int,
      packA: @escaping (Int, Int, UnsafePointer<T>, Int, Int, UnsafeMutablePointer<T>) -> Void,
      packB: @escaping (Int, Int, UnsafePointer<T>, Int, Int, UnsafeMutablePointer<T>) -> Void,
      block: @escaping (Int, Int, Int, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, Int, T, T) -> Void,
      blockStrided: @escaping (Int, Int, Int, UnsafePointer<T>, StridedPanels, UnsafePointer<T>, StridedPanels,
                               UnsafeMutablePointer<T>, Int, T, T) -> Void,
      narrow: Kernel<T>?
    ) {
      (self.mr, self.nr, self.packA, self.packB, self.block, self.blockStrided, self.narrow)
        = (mr, nr, packA, packB, block, blockStrided, narrow)
    }

    /// The kernel for a product with `columns` columns: the narrow one when C is that narrow.
    func fitting(columns: Int) -> Kernel<T> {
      if let narrow, columns <= nr / 2 { return narrow }
      return self
    }
  }

  /// The best float32 kernel for this CPU.
  static let float32Kernel: Kernel<Float> = float32Kernel(variant: -1)!
  /// The best float64 kernel for this CPU.
  static let float64Kernel: Kernel<Double> = float64Kernel(variant: -1)!

  /// The instruction set of the kernels this CPU runs (`AVX-512`, `AVX2+FMA` or `portable`).
  static var kernelName: String {
    let features = CPUFeatures.current
    return features.contains(.avx512F) ? "AVX-512" : features.contains(.avx2FMA) ? "AVX2+FMA" : "portable"
  }

  /// The float32 kernel `variant` (-1 best, 0 portable, 1 AVX2, 2 AVX-512, 3 portable with the
  /// AVX-512 tile shape), or `nil` when this CPU cannot run it.
  static func float32Kernel(variant: Int) -> Kernel<Float>? {
    ember_gemm_f32_select(Int32(variant)).map(float32Kernel(ops:))
  }

  private static func float32Kernel(ops pointer: UnsafePointer<ember_gemm_f32_ops>) -> Kernel<Float> {
    let ops = pointer.pointee
    let (packA, packB, block, strided) = (ops.pack_a!, ops.pack_b!, ops.block!, ops.block_strided!)
    return Kernel(
      mr: Int(ops.mr), nr: Int(ops.nr),
      packA: { rows, depth, a, rs, cs, dst in packA(rows, depth, a, rs, cs, dst) },
      packB: { depth, columns, b, rs, cs, dst in packB(depth, columns, b, rs, cs, dst) },
      block: { mc, nc, kc, a, b, c, ldc, alpha, beta in block(mc, nc, kc, a, b, c, ldc, alpha, beta) },
      blockStrided: { mc, nc, kc, a, ap, b, bp, c, ldc, alpha, beta in
        strided(mc, nc, kc, a, ap.inner, ap.outer, ap.tileStep, b, bp.outer, bp.tileStep, c, ldc, alpha, beta)
      },
      narrow: ops.narrow.map(float32Kernel(ops:)))
  }

  /// The float64 kernel `variant` (as for `float32Kernel(variant:)`), or `nil`.
  static func float64Kernel(variant: Int) -> Kernel<Double>? {
    ember_gemm_f64_select(Int32(variant)).map(float64Kernel(ops:))
  }

  private static func float64Kernel(ops pointer: UnsafePointer<ember_gemm_f64_ops>) -> Kernel<Double> {
    let ops = pointer.pointee
    let (packA, packB, block, strided) = (ops.pack_a!, ops.pack_b!, ops.block!, ops.block_strided!)
    return Kernel(
      mr: Int(ops.mr), nr: Int(ops.nr),
      packA: { rows, depth, a, rs, cs, dst in packA(rows, depth, a, rs, cs, dst) },
      packB: { depth, columns, b, rs, cs, dst in packB(depth, columns, b, rs, cs, dst) },
      block: { mc, nc, kc, a, b, c, ldc, alpha, beta in block(mc, nc, kc, a, b, c, ldc, alpha, beta) },
      blockStrided: { mc, nc, kc, a, ap, b, bp, c, ldc, alpha, beta in
        strided(mc, nc, kc, a, ap.inner, ap.outer, ap.tileStep, b, bp.outer, bp.tileStep, c, ldc, alpha, beta)
      },
      narrow: ops.narrow.map(float64Kernel(ops:)))
  }

  /// Where the block function reads one operand's tiles: tile `t` (rows of A from `t`, columns of
  /// B from `t`) starts `t·tileStep` elements in; within it, A's element `(i, p)` is `i·inner + p·outer`
  /// away and B's row `p` is `p·outer` away. A packed panel has `tileStep` kc, `inner` 1 and `outer`
  /// mr (A) or nr (B); an operand read where it lies has its own strides.
  struct StridedPanels {
    var tileStep: Int
    var inner: Int
    var outer: Int
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
  /// (The pool forks and joins in about a microsecond: `ember bench parallel`.)
  static let parallelThreshold = 1 << 18

  /// `c = α·a·b + β·c` for an `m`×`k` `a` and a `k`×`n` `b` (any strides) into row-major `c` with
  /// leading dimension `ldc` (β = 0 never reads `c`); splits across `Parallel.threadCount` threads
  /// when `threaded` and large enough.
  static func gemm<T: BinaryFloatingPoint>(
    m: Int, n: Int, k: Int, a: Matrix<T>, b: Matrix<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    alpha: T = 1, beta: T = 0, kernel wide: Kernel<T>, threaded: Bool = true
  ) {
    if m == 0 || n == 0 { return }
    let kernel = wide.fitting(columns: n)
    if k == 0 || alpha == 0 {
      for i in 0..<m {
        let row = c + i * ldc
        if beta == 0 { row.update(repeating: 0, count: n) } else { for j in 0..<n { row[j] *= beta } }
      }
      return
    }
    let threads = threaded ? Parallel.threadCount : 1
    let grid = threadGrid(m: m, n: n, k: k, threads: threads, kernel: kernel)
    let parts = grid.rows * grid.columns * grid.depth
    if parts == 1 {
      let bytes = packingBytes(m: m, n: n, k: k, kernel: kernel)
      let packing = CPUBackend.shared.cache.allocate(byteCount: bytes.a + bytes.b)
      defer { withExtendedLifetime(packing) {} }
      serial(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta, kernel: kernel,
             packing: (packing.pointer, packing.pointer + bytes.a))
      return
    }
    // One task per thread, each a whole blocked product over its own part of C (and of the depth):
    // one fork/join per product, and each thread packs only the A and B its part reads. Depth parts
    // after the first write α·AᵢBᵢ to scratch, added into C once every part is done.
    let rowStep = (m + kernel.mr - 1) / kernel.mr
    let columnStep = (n + kernel.nr - 1) / kernel.nr
    let scratchCount = m * n
    let scratch = grid.depth > 1
      ? UnsafeMutablePointer<T>.allocate(capacity: (grid.depth - 1) * scratchCount) : nil
    defer { scratch?.deallocate() }
    // Every part's packing buffers in one allocation (the largest part's sizes).
    let partRows = Swift.min(m, (rowStep + grid.rows - 1) / grid.rows * kernel.mr)
    let partColumns = Swift.min(n, (columnStep + grid.columns - 1) / grid.columns * kernel.nr)
    let partBytes = packingBytes(m: partRows, n: partColumns, k: (k + grid.depth - 1) / grid.depth,
                                 kernel: kernel)
    let packing = CPUBackend.shared.cache.allocate(byteCount: parts * (partBytes.a + partBytes.b))
    defer { withExtendedLifetime(packing) {} }
    Parallel.forEachChunk(parts, threshold: 0) { tasks in
      for task in tasks {
        let (tileTask, tk) = task.quotientAndRemainder(dividingBy: grid.depth)
        let (ti, tj) = tileTask.quotientAndRemainder(dividingBy: grid.columns)
        let rows = share(ti, of: rowStep, parts: grid.rows)
        let columns = share(tj, of: columnStep, parts: grid.columns)
        let depth = share(tk, of: k, parts: grid.depth)
        let (r0, r1) = (rows.lowerBound * kernel.mr, Swift.min(m, rows.upperBound * kernel.mr))
        let (c0, c1) = (columns.lowerBound * kernel.nr, Swift.min(n, columns.upperBound * kernel.nr))
        if r0 >= r1 || c0 >= c1 { continue }
        let (target, ld, partBeta) = tk == 0
          ? (c + r0 * ldc + c0, ldc, beta)
          : (scratch! + (tk - 1) * scratchCount + r0 * n + c0, n, T(0))
        if depth.isEmpty {
          for i in 0..<(r1 - r0) { (target + i * ld).update(repeating: 0, count: c1 - c0) }
          continue
        }
        let buffers = packing.pointer + task * (partBytes.a + partBytes.b)
        serial(m: r1 - r0, n: c1 - c0, k: depth.count,
               a: a.offset(rows: r0, columns: depth.lowerBound),
               b: b.offset(rows: depth.lowerBound, columns: c0), c: target, ldc: ld,
               alpha: alpha, beta: partBeta, kernel: kernel,
               packing: (buffers, buffers + partBytes.a))
      }
    }
    if let scratch {
      Parallel.forEachChunk(m, costPerItem: n * (grid.depth - 1)) { rowRange in
        for i in rowRange {
          let row = c + i * ldc
          for part in 0..<(grid.depth - 1) {
            let source = scratch + part * scratchCount + i * n
            for j in 0..<n { row[j] += source[j] }
          }
        }
      }
    }
  }

  /// Part `index` of `count` tiles cut into `parts` nearly equal runs.
  @inline(__always) static func share(_ index: Int, of count: Int, parts: Int) -> Range<Int> {
    (index * count / parts)..<((index + 1) * count / parts)
  }

  /// How to cut the product among `threads` threads: `rows`×`columns` parts of C, each over
  /// `depth` parts of k (summed afterwards), the grid whose slowest part (its tiles' multiply-adds,
  /// what it packs, and its share of summing the depth parts) is cheapest; 1×1×1 for a product too
  /// small to split. Cutting the depth suits a small C over a long k (a weight gradient summed over
  /// a batch of positions).
  static func threadGrid<T>(m: Int, n: Int, k: Int, threads: Int, kernel: Kernel<T>)
    -> (rows: Int, columns: Int, depth: Int)
  {
    if threads <= 1 || m &* n &* k < parallelThreshold { return (1, 1, 1) }
    let rowTiles = (m + kernel.mr - 1) / kernel.mr
    let columnTiles = (n + kernel.nr - 1) / kernel.nr
    // Packing an element costs about as much as this many multiply-adds in a tile; summing a
    // scratch element into C about as much as this many. Two threads writing the two sides of a
    // column boundary in the same rows fight over the cache lines there (the hardware prefetchers
    // pull the neighbour's lines): measured on Zen 4, a 128×512×10 product split by columns ran at
    // 20 GFLOP/s, split by rows at 145; so each row a boundary crosses costs this many.
    let packCost = 6, sumCost = 8, boundaryCost = 2048
    var best = (rows: 1, columns: 1, depth: 1), bestCost = Int.max
    for depth in 1...threads where threads % depth == 0 && (depth == 1 || k >= 64 * depth) {
      let tiles = threads / depth
      for rows in 1...tiles where tiles % rows == 0 {
        let columns = tiles / rows
        if rows > rowTiles || columns > columnTiles { continue }
        let tileRows = (rowTiles + rows - 1) / rows * kernel.mr
        let tileColumns = (columnTiles + columns - 1) / columns * kernel.nr
        let steps = (k + depth - 1) / depth
        let cost = tileRows * tileColumns * steps + packCost * steps * (tileRows + tileColumns)
          + (depth > 1 ? sumCost * m * n * (depth - 1) / threads : 0)
          + boundaryCost * tileRows * Swift.min(columns - 1, 2)
        if cost < bestCost { (best, bestCost) = ((rows, columns, depth), cost) }
      }
    }
    return best
  }

  /// Cache blocks for `kernel`: `kc` steps per packed panel (long enough that each C tile's load and
  /// store is a small part of its work; the B panel streams from L1/L2 with the A panel), `mc` keeps
  /// the packed A block (`mc`×`kc`) in about 768 KiB of L2, `nc` keeps the packed B block in L3.
  /// Measured on Zen 4 (1 MiB L2): kc 384 and mc 496 beat kc 192–256 and mc ≤ 336 by 10–15% at
  /// n = 512…2048 and in the MLP step.
  static func blocking<T>(_ kernel: Kernel<T>) -> (mc: Int, kc: Int, nc: Int) {
    let size = MemoryLayout<T>.stride
    let kc = 384
    let mc = Swift.max(kernel.mr, (768 * 1024 / (kc * size)) / kernel.mr * kernel.mr)
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

  /// The block sizes `serial` uses for an `m`×`n`×`k` product.
  static func steps<T>(m: Int, n: Int, k: Int, kernel: Kernel<T>) -> (m: Int, n: Int, k: Int) {
    let (mcMax, kcMax, ncMax) = blocking(kernel)
    return (balancedBlock(m, limit: mcMax, multiple: kernel.mr),
            balancedBlock(n, limit: ncMax, multiple: kernel.nr), balancedBlock(k, limit: kcMax, multiple: 8))
  }

  /// Bytes of the packed A and B blocks `serial` needs for any product of at most `m`×`n`×`k`
  /// (its blocks are at most the cache blocks and at most the sizes rounded up to whole panels),
  /// each a multiple of 64 (so both can share one 64-byte-aligned allocation).
  static func packingBytes<T>(m: Int, n: Int, k: Int, kernel: Kernel<T>) -> (a: Int, b: Int) {
    let (mcMax, kcMax, ncMax) = blocking(kernel)
    let depth = Swift.min(k, kcMax)
    let rows = Swift.min((m + kernel.mr - 1) / kernel.mr * kernel.mr, mcMax)
    let columns = Swift.min((n + kernel.nr - 1) / kernel.nr * kernel.nr, ncMax)
    let size = MemoryLayout<T>.stride
    return ((rows * depth * size + 63) & ~63, (columns * depth * size + 63) & ~63)
  }

  /// The single-threaded blocked product (BLIS's loops around the C block function), packing into
  /// `packing` (64-byte aligned, of `packingBytes` for these sizes; the backend's buffer cache
  /// hands back last call's memory, so no page faults).
  static func serial<T: BinaryFloatingPoint>(
    m: Int, n: Int, k: Int, a: Matrix<T>, b: Matrix<T>, c: UnsafeMutablePointer<T>, ldc: Int,
    alpha: T, beta: T, kernel: Kernel<T>, packing: (a: UnsafeMutableRawPointer, b: UnsafeMutableRawPointer)
  ) {
    let (mr, nr) = (kernel.mr, kernel.nr)
    let (mStep, nStep, kStep) = steps(m: m, n: n, k: k, kernel: kernel)
    let aPack = packing.a.assumingMemoryBound(to: T.self)
    let bPack = packing.b.assumingMemoryBound(to: T.self)

    // Packing pays for itself when a panel is reused: A's across C's column tiles, B's across its
    // row tiles. A C with few column tiles reads A where it lies (a broadcast takes any strides);
    // one with few rows reads B where it lies when B's rows are contiguous (its last, partial
    // column tile is still packed: the tiles read whole panels).
    let directA = n <= 4 * nr
    let directB = m <= 64 && b.columnStride == 1
    let aPanels = { (kc: Int) in
      directA ? StridedPanels(tileStep: a.rowStride, inner: a.rowStride, outer: a.columnStride)
        : StridedPanels(tileStep: kc, inner: 1, outer: mr)
    }
    let packedB = { (kc: Int) in StridedPanels(tileStep: kc, inner: 1, outer: nr) }
    for jc in stride(from: 0, to: n, by: nStep) {
      let nc = Swift.min(nStep, n - jc)
      let ncDirect = directB ? nc / nr * nr : 0
      for pc in stride(from: 0, to: k, by: kStep) {
        let kc = Swift.min(kStep, k - pc)
        let bBlock = b.offset(rows: pc, columns: jc)
        if ncDirect < nc {
          let edge = bBlock.offset(rows: 0, columns: ncDirect)
          kernel.packB(kc, nc - ncDirect, edge.base, edge.rowStride, edge.columnStride, bPack)
        }
        let blockBeta = pc == 0 ? beta : 1
        for ic in stride(from: 0, to: m, by: mStep) {
          let mc = Swift.min(mStep, m - ic)
          let aBlock = a.offset(rows: ic, columns: pc)
          if !directA {
            kernel.packA(mc, kc, aBlock.base, aBlock.rowStride, aBlock.columnStride, aPack)
          }
          let aTiles = directA ? aBlock.base : UnsafePointer(aPack)
          let cBlock = c + ic * ldc + jc
          if !directA && !directB {
            kernel.block(mc, nc, kc, aTiles, UnsafePointer(bPack), cBlock, ldc, alpha, blockBeta)
            continue
          }
          if ncDirect > 0 {
            kernel.blockStrided(mc, ncDirect, kc, aTiles, aPanels(kc), bBlock.base,
                                StridedPanels(tileStep: 1, inner: 1, outer: bBlock.rowStride),
                                cBlock, ldc, alpha, blockBeta)
          }
          if ncDirect < nc {
            kernel.blockStrided(mc, nc - ncDirect, kc, aTiles, aPanels(kc), UnsafePointer(bPack),
                                packedB(kc), cBlock + ncDirect, ldc, alpha, blockBeta)
          }
        }
      }
    }
  }
}
