import EmberBackend

// MARK: Joining

extension Tensor {
  /// Joins `tensors` end to end along `axis` (like `torch.cat`).
  ///
  /// Every tensor has the same rank and the same sizes on the other axes; dtypes are promoted
  /// (bool < int32 < int64 < float32 < float64). The result is a new contiguous tensor.
  ///
  /// ```swift
  /// Tensor.concat([a, b], axis: 1)  // [2, 3] and [2, 4] → [2, 7]
  /// ```
  public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concat: needs at least one tensor")
    let first = tensors[0]
    precondition(first.rank > 0, "concat: zero-dimensional tensors cannot be joined; use stack")
    let a = first.normalizedAxis(axis, op: "concat")
    var shape = first.shape
    var type = first.dtype
    shape[a] = 0
    for tensor in tensors {
      first.checkDevice(tensor, op: "concat")
      precondition(
        tensor.rank == first.rank
          && (0..<first.rank).allSatisfy { $0 == a || tensor.shape[$0] == first.shape[$0] },
        "concat: shapes \(first.shape) and \(tensor.shape) differ off axis \(a)")
      shape[a] += tensor.shape[a]
      type = DType.promoted(type, tensor.dtype)
    }
    let out = empty(shape, dtype: type, device: first.device)
    let steps = [Int](repeating: 1, count: first.rank)
    var starts = [Int](repeating: 0, count: first.rank)
    var offsets: [Int] = []
    for tensor in tensors {
      offsets.append(starts[a])
      if tensor.count > 0 {
        let region = stridedView(of: out, shape: tensor.shape, starts: starts, steps: steps)
        out.backend.copy(tensor.operand, to: region)
      }
      starts[a] += tensor.shape[a]
    }
    let leading = [TensorIndex](repeating: .all, count: a)
    let pieces = tensors.map { (size: $0.shape[a], dtype: $0.dtype) }
    return record("concat", out, inputs: tensors) { g in
      // dXᵢ = G[…, offsetᵢ ..< offsetᵢ + sizeᵢ, …]
      zip(pieces, offsets).map { piece, start -> Tensor? in
        guard piece.dtype.isFloatingPoint else { return nil }
        return g.slice(leading + [.range(start: start, end: start + piece.size, step: 1)])
          .cast(to: piece.dtype)
      }
    }
  }

  /// Joins equally shaped `tensors` along a new axis `axis` (like `torch.stack`).
  ///
  /// `axis` may be `0...rank` (negative counts from the end of the result).
  public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "stack: needs at least one tensor")
    let first = tensors[0]
    for tensor in tensors {
      precondition(
        tensor.shape == first.shape, "stack: shapes \(first.shape) and \(tensor.shape) differ")
    }
    let a = axis < 0 ? axis + first.rank + 1 : axis
    precondition(
      a >= 0 && a <= first.rank, "stack: axis \(axis) is out of range for shape \(first.shape)")
    // dXᵢ = G[…, i, …], through unsqueeze and concat
    return concat(tensors.map { $0.unsqueezed(axis: a) }, axis: a)
  }
}

// MARK: Splitting

extension Tensor {
  /// Views of consecutive pieces along `axis` whose sizes are `sizes` (like `torch.split` with a
  /// list). The sizes add up to the axis's size. Gradients flow into each piece's elements.
  public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
    let a = normalizedAxis(axis, op: "split")
    precondition(rank > 0, "split: cannot split a zero-dimensional tensor")
    precondition(
      sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[a],
      "split: sizes \(sizes) do not add up to \(shape[a]), axis \(a) of shape \(shape)")
    let leading = [TensorIndex](repeating: .all, count: a)
    var start = 0
    let pieces = withoutGradients {
      sizes.map { size in
        defer { start += size }
        return slice(leading + [.range(start: start, end: start + size, step: 1)])
      }
    }
    // One node for every piece: dX = concat of the pieces' gradients (zeros where none arrived)
    let (type, device, pieceShapes) = (dtype, device, pieces.map(\.shape))
    return Tensor.recordOutputs("split", pieces, inputs: [self]) { gradients in
      let filled = gradients.enumerated().map { index, g in
        g ?? Tensor.zeros(pieceShapes[index], dtype: type, on: device)
      }
      return [filled.count == 1 ? filled[0] : Tensor.concat(filled, axis: a)]
    }
  }

  public func split(size: Int, axis: Int = 0) -> [Tensor] {
    precondition(size > 0, "split: size \(size) must be positive")
    let a = normalizedAxis(axis, op: "split")
    precondition(rank > 0, "split: cannot split a zero-dimensional tensor")
    let length = shape[a]
    if length == 0 { return split(sizes: [0], axis: a) }
    let sizes = stride(from: 0, to: length, by: size).map { Swift.min(size, length - $0) }
    return split(sizes: sizes, axis: a)
  }

  /// `count` views along `axis` of equal size rounded up, the last one smaller (like
  /// `torch.chunk`). Fewer than `count` pieces come back when the axis is too short to fill them.
  public func chunked(_ count: Int, axis: Int = 0) -> [Tensor] {
    precondition(count > 0, "chunk: count \(count) must be positive")
    let a = normalizedAxis(axis, op: "chunk")
    precondition(rank > 0, "chunk: cannot chunk a zero-dimensional tensor")
    let length = shape[a]
    if length == 0 { return split(sizes: [Int](repeating: 0, count: count), axis: a) }
    return split(size: (length + count - 1) / count, axis: a)
  }

  /// The slices along `axis`, each without that axis (like `torch.unbind`): `[3, 4]` along 0
  /// gives three `[4]` views. One gradient node serves every slice; its pullback stacks them.
  public func unbind(axis: Int = 0) -> [Tensor] {
    let a = normalizedAxis(axis, op: "unbind")
    precondition(rank > 0, "unbind: cannot unbind a zero-dimensional tensor")
    let slices = withoutGradients {
      (0..<shape[a]).map { index -> Tensor in
        var layout = self.layout
        layout.offset += index * layout.strides[a]
        layout.shape.remove(at: a)
        layout.strides.remove(at: a)
        return withLayout(layout)
      }
    }
    // dX = stack of the slices' gradients along the axis (zeros where none arrived)
    let (type, device, sliceShape) = (dtype, device, slices.first?.shape ?? [])
    return Tensor.recordOutputs("unbind", slices, inputs: [self]) { gradients in
      [Tensor.stack(gradients.map { $0 ?? Tensor.zeros(sliceShape, dtype: type, on: device) }, axis: a)]
    }
  }
}

// MARK: Padding

extension Tensor {
  /// Pads with `value`: `padding[i]` elements before and after axis `i`, one entry per axis from
  /// axis 0 (unlike `torch.nn.functional.pad`, which lists the last axis first).
  ///
  /// ```swift
  /// x.padded([(0, 0), (1, 2)])  // [2, 3] → [2, 6]: one column before, two after
  /// ```
  public func padded(_ padding: [(before: Int, after: Int)], value: Double = 0) -> Tensor {
    precondition(
      padding.count == rank,
      "pad: \(padding.count) padding entries for shape \(shape); give one per axis")
    precondition(
      padding.allSatisfy { $0.before >= 0 && $0.after >= 0 },
      "pad: padding \(padding.map { [$0.before, $0.after] }) must not be negative")
    let newShape = zip(shape, padding).map { $0 + $1.before + $1.after }
    let starts = padding.map(\.before)
    let out = Tensor.full(newShape, value, dtype: dtype, on: device)
    if count > 0 {
      let region = Tensor.stridedView(
        of: out, shape: shape, starts: starts, steps: [Int](repeating: 1, count: rank))
      backend.copy(operand, to: region)
    }
    let ranges = zip(starts, shape).map { TensorIndex.range(start: $0, end: $0 + $1, step: 1) }
    // dX = G[inner region]
    return Tensor.record("pad", out, inputs: [self]) { g in [g.slice(ranges)] }
  }
}
