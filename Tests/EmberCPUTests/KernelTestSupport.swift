import EmberBackend
import Foundation
import Testing

@testable import EmberCPU

/// Helpers shared by the kernel tests: operands from Swift arrays, and a reader that walks any
/// layout with plain loops (no kernel involved), so kernels are checked against independent code.
enum TestSupport {
  static let cpu = CPUBackend.shared

  /// A buffer holding `storage` (raw, in order) seen through `layout`.
  static func operand<T>(_ storage: [T], layout: Layout, dtype: DType) -> Operand {
    precondition(MemoryLayout<T>.size == dtype.byteSize)
    let buffer = cpu.allocate(count: storage.count, dtype: dtype)
    storage.withUnsafeBytes { cpu.upload($0.baseAddress!, byteCount: $0.count, to: buffer) }
    return Operand(buffer: buffer, layout: layout, dtype: dtype)
  }

  /// A contiguous operand of `shape` holding `values`.
  static func operand<T>(_ values: [T], _ shape: [Int], _ dtype: DType) -> Operand {
    precondition(values.count == shape.reduce(1, *))
    return operand(values, layout: Layout(contiguous: shape), dtype: dtype)
  }

  /// A contiguous operand of `shape` with undefined contents.
  static func empty(_ shape: [Int], _ dtype: DType) -> Operand {
    let count = shape.reduce(1, *)
    let buffer = cpu.allocate(count: count, dtype: dtype)
    memset(buffer.pointer, 0x5A, Swift.max(count, 1) * dtype.byteSize)
    return Operand(buffer: buffer, layout: Layout(contiguous: shape), dtype: dtype)
  }

  /// The elements `operand` sees, in row-major order, read with a plain index loop.
  static func values<T>(_ operand: Operand, as type: T.Type) -> [T] {
    precondition(MemoryLayout<T>.size == operand.dtype.byteSize)
    let p = operand.buffer.pointer.assumingMemoryBound(to: T.self)
    let shape = operand.shape, strides = operand.layout.strides
    var result: [T] = []
    let count = operand.count
    if count == 0 { return [] }
    var index = [Int](repeating: 0, count: shape.count)
    for _ in 0..<count {
      var offset = operand.layout.offset
      for d in 0..<shape.count { offset += index[d] * strides[d] }
      result.append(p[offset])
      var d = shape.count - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
        d -= 1
      }
    }
    return result
  }

  /// `operand` with its last two axes swapped (a strided view of the same buffer).
  static func transposed(_ operand: Operand) -> Operand {
    var result = operand
    let r = operand.layout.rank
    result.layout = operand.layout.permuted(Array(0..<(r - 2)) + [r - 1, r - 2])
    return result
  }

  /// A transposed `[rows, cols]` view whose row-major values are `values`: the storage is
  /// `[cols, rows]`, so every kernel sees a non-contiguous input.
  static func transposedOperand<T>(_ values: [T], rows: Int, cols: Int, _ dtype: DType) -> Operand
  {
    var storage = values
    for i in 0..<rows { for j in 0..<cols { storage[j * rows + i] = values[i * cols + j] } }
    return transposed(operand(storage, [cols, rows], dtype))
  }

  /// Deterministic pseudo-random floats in `range`.
  static func randomFloats(_ count: Int, in range: ClosedRange<Double>, seed: UInt64 = 42)
    -> [Double]
  {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let unit = Double(state >> 11) / Double(1 << 53)
      return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }
  }

  /// `true` when `a` and `b` agree to `tolerance` relative (and absolute near zero), NaN with NaN.
  static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a == b { return true }
    return Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(a), Swift.abs(b))
  }
}
