import EmberBackend

extension Tensor {
  /// Resolves one `-1` in `newShape` against `count`.
  func resolvedShape(_ newShape: [Int], op: String) -> [Int] {
    var resolved = newShape
    let unknown = newShape.indices.filter { newShape[$0] == -1 }
    precondition(unknown.count <= 1, "\(op): more than one -1 in \(newShape)")
    let known = newShape.filter { $0 != -1 }.reduce(1, *)
    if let axis = unknown.first {
      precondition(known != 0 && count % known == 0, "\(op): cannot reshape \(shape) to \(newShape)")
      resolved[axis] = count / known
    }
    precondition(resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == count,
                 "\(op): cannot reshape \(shape) (\(count) elements) to \(newShape)")
    return resolved
  }

  /// Strides that view this layout with `newShape` without copying, or `nil` when impossible.
  private func viewStrides(for newShape: [Int]) -> [Int]? {
    if layout.isContiguous { return Layout.contiguousStrides(for: newShape) }
    // Group old axes (dropping size-1 axes) into chunks that are contiguous among themselves, then
    // match the new shape's axes to the chunks (the rule PyTorch's `view` uses).
    let old = zip(shape, strides).filter { $0.0 != 1 }
    var result = [Int](repeating: 0, count: newShape.count)
    var oldIndex = 0, newIndex = 0
    while newIndex < newShape.count || oldIndex < old.count {
      if newIndex < newShape.count && newShape[newIndex] == 1 {
        result[newIndex] = 1
        newIndex += 1
        continue
      }
      guard oldIndex < old.count else { return nil }
      // Take old axes until the chunk's product is met by new axes.
      var chunkEnd = oldIndex, chunkSize = old[oldIndex].0
      var newEnd = newIndex, newSize = 1
      while true {
        while newEnd < newShape.count && newSize < chunkSize {
          newSize *= newShape[newEnd]; newEnd += 1
        }
        if newSize == chunkSize { break }
        guard chunkEnd + 1 < old.count, old[chunkEnd].1 == old[chunkEnd + 1].0 * old[chunkEnd + 1].1 else {
          return nil
        }
        chunkEnd += 1
        chunkSize *= old[chunkEnd].0
      }
      var running = old[chunkEnd].1
      for axis in stride(from: newEnd - 1, through: newIndex, by: -1) {
        result[axis] = running
        running *= newShape[axis]
      }
      oldIndex = chunkEnd + 1
      newIndex = newEnd
    }
    return result
  }

  /// The same elements with a new shape (one axis may be `-1`); a view when the layout allows,
  /// a copy otherwise (like `torch.reshape`).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    let target = resolvedShape(newShape, op: "reshape")
    if target == shape { return self }
    let source = viewStrides(for: target) == nil ? contiguous() : self
    let strides = source.viewStrides(for: target)!
    let out = source.withLayout(Layout(shape: target, strides: strides, offset: source.layout.offset))
    let inputShape = shape
    return Tensor.record("reshape", out, inputs: [source]) { g in [g.reshaped(inputShape)] }
  }

  /// The same elements with a new shape, always without copying; traps when the layout does not allow
  /// it (like `torch.view`).
  public func view(_ newShape: [Int]) -> Tensor {
    let target = resolvedShape(newShape, op: "view")
    precondition(viewStrides(for: target) != nil,
                 "view: shape \(shape) with strides \(strides) cannot be viewed as \(target); use reshaped(_:)")
    return reshaped(target)
  }

  /// Axes reordered: axis `i` of the result is axis `order[i]` of `self`.
  public func permuted(_ order: [Int]) -> Tensor {
    let normalized = order.map { normalizedAxis($0, op: "permute") }
    let out = withLayout(layout.permuted(normalized))
    var inverse = [Int](repeating: 0, count: normalized.count)
    for (i, axis) in normalized.enumerated() { inverse[axis] = i }
    return Tensor.record("permute", out, inputs: [self]) { g in [g.permuted(inverse)] }
  }

  /// Swaps two axes (default: the last two).
  public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
    if rank < 2 { return self }
    var order = Array(0..<rank)
    order.swapAt(normalizedAxis(first, op: "transpose"), normalizedAxis(second, op: "transpose"))
    return permuted(order)
  }

  /// Inserts an axis of size 1 at `axis` (negative counts from the end of the result).
  public func unsqueezed(axis: Int) -> Tensor {
    let a = axis < 0 ? axis + rank + 1 : axis
    precondition(a >= 0 && a <= rank, "unsqueeze: axis \(axis) is out of range for shape \(shape)")
    var newShape = shape
    newShape.insert(1, at: a)
    return reshaped(newShape)
  }

  /// Removes axes of size 1 (only `axis` when given).
  public func squeezed(axis: Int? = nil) -> Tensor {
    if let axis {
      let a = normalizedAxis(axis, op: "squeeze")
      guard shape[a] == 1 else { return self }
      var newShape = shape
      newShape.remove(at: a)
      return reshaped(newShape)
    }
    return reshaped(shape.filter { $0 != 1 })
  }

  /// A broadcast view with `newShape` (NumPy's rules; `-1` keeps an axis). No memory is copied.
  public func expanded(to newShape: [Int]) -> Tensor {
    let lead = newShape.count - rank
    let target = newShape.enumerated().map { i, size in size == -1 && i >= lead ? shape[i - lead] : size }
    if target == shape { return self }
    guard Layout.broadcastShape(shape, target) == target else {
      preconditionFailure("expand: shape \(shape) does not broadcast to \(newShape)")
    }
    let out = withLayout(layout.broadcast(to: target))
    return Tensor.record("expand", out, inputs: [self]) { g in [g] }  // dX = ΣG over broadcast axes (in backward)
  }

  /// A broadcast view with `other`'s shape.
  public func expanded(as other: Tensor) -> Tensor { expanded(to: other.shape) }

  /// Collapses axes `startAxis...endAxis` into one (default: everything, giving one axis).
  public func flattened(startAxis: Int = 0, endAxis: Int = -1) -> Tensor {
    if rank == 0 { return reshaped([1]) }
    let start = normalizedAxis(startAxis, op: "flatten"), end = normalizedAxis(endAxis, op: "flatten")
    precondition(start <= end, "flatten: startAxis \(startAxis) is after endAxis \(endAxis) for shape \(shape)")
    let middle = shape[start...end].reduce(1, *)
    return reshaped(Array(shape[..<start]) + [middle] + Array(shape[(end + 1)...]))
  }
}
