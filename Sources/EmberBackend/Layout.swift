/// Which elements of a buffer a tensor sees: shape, strides (in elements) and offset (in elements).
///
/// A stride of 0 repeats one element along that axis (broadcasting); negative strides are not used.
public struct Layout: Hashable, Sendable, CustomStringConvertible {
  public var shape: [Int]
  public var strides: [Int]
  public var offset: Int

  public init(shape: [Int], strides: [Int], offset: Int = 0) {
    precondition(shape.count == strides.count, "Layout: shape \(shape) and strides \(strides) differ in rank")
    self.shape = shape
    self.strides = strides
    self.offset = offset
  }

  /// A row-major layout of `shape`.
  public init(contiguous shape: [Int]) {
    self.init(shape: shape, strides: Layout.contiguousStrides(for: shape), offset: 0)
  }

  /// Row-major strides of `shape`.
  public static func contiguousStrides(for shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = running
      running *= Swift.max(shape[axis], 1)
    }
    return strides
  }

  public var rank: Int { shape.count }

  /// Number of elements.
  public var count: Int { shape.reduce(1, *) }

  /// `true` when the elements are row-major and packed (ignoring axes of size 1).
  public var isContiguous: Bool {
    var expected = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
      if strides[axis] != expected { return false }
      expected *= shape[axis]
    }
    return true
  }

  /// This layout stretched to `target` by NumPy's rules (new leading axes and axes of size 1 get stride 0).
  public func broadcast(to target: [Int]) -> Layout {
    precondition(target.count >= rank, "broadcast: cannot broadcast shape \(shape) to \(target)")
    let lead = target.count - rank
    var newStrides = [Int](repeating: 0, count: target.count)
    for axis in 0..<rank {
      let size = shape[axis]
      if size == target[lead + axis] {
        newStrides[lead + axis] = size == 1 ? 0 : strides[axis]
      } else {
        precondition(size == 1, "broadcast: cannot broadcast shape \(shape) to \(target)")
      }
    }
    return Layout(shape: target, strides: newStrides, offset: offset)
  }

  /// The axes reordered: axis `i` of the result is axis `order[i]` of this layout.
  public func permuted(_ order: [Int]) -> Layout {
    precondition(order.count == rank && Set(order) == Set(0..<rank),
                 "permute: \(order) is not a permutation of the axes of shape \(shape)")
    return Layout(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
  }

  /// The shape of broadcasting `a` with `b` (NumPy's rules), or `nil` when they are incompatible.
  public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if x == y || y == 1 { result[i] = x } else if x == 1 { result[i] = y } else { return nil }
    }
    return result
  }

  public var description: String { "Layout(shape: \(shape), strides: \(strides), offset: \(offset))" }
}
