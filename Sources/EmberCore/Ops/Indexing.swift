import EmberBackend

// MARK: Gather and scatter

extension Tensor {
  /// `index` as `int64`, checked to be an integer tensor of `rank` axes on this device.
  fileprivate func indexOperand(_ index: Tensor, op: String) -> Tensor {
    checkDevice(index, op: op)
    precondition(
      index.dtype == .int64 || index.dtype == .int32,
      "\(op): index must be int64 or int32, not \(index.dtype)")
    return index.cast(to: .int64).detached()
  }

  /// Picks elements along `axis` at `index` (like `torch.gather`):
  /// `out[i][j][k] = self[i][index[i][j][k]][k]` for `axis == 1`.
  ///
  /// `index` (`int64` or `int32`) has this tensor's rank and is no larger on the other axes; the
  /// result has `index`'s shape. Indices must lie in `0..<shape[axis]`.
  public func gathered(axis: Int, index: Tensor) -> Tensor {
    let a = normalizedAxis(axis, op: "gather")
    let positions = indexOperand(index, op: "gather")
    precondition(
      positions.rank == rank
        && (0..<rank).allSatisfy { $0 == a || positions.shape[$0] <= shape[$0] },
      "gather: index shape \(index.shape) does not fit input shape \(shape) along axis \(a)")
    if rank == 0 {
      return reshaped([1]).gathered(axis: 0, index: positions.reshaped([1])).reshaped([])
    }
    let out = Tensor.empty(positions.shape, dtype: dtype, device: device)
    if out.count > 0 { backend.gather(operand, axis: a, index: positions.operand, to: out.operand) }
    let (inputShape, inputType, inputDevice) = (shape, dtype, device)
    return Tensor.record("gather", out, inputs: [self]) { g in
      // dX = zeros with G added at the gathered positions (scatter-add)
      let zeros = Tensor.zeros(inputShape, dtype: inputType, on: inputDevice)
      return [zeros.scatterAdding(axis: a, index: positions, source: g)]
    }
  }

  /// The slices at `indices` along `axis`, in order (like `torch.index_select`).
  ///
  /// `indices` is a one-dimensional `int64` or `int32` tensor of `k` positions; the result has
  /// this tensor's shape with `axis` of size `k`. Positions may repeat; gradients add up.
  public func indexSelect(axis: Int, indices: Tensor) -> Tensor {
    precondition(rank > 0, "indexSelect: cannot select from a zero-dimensional tensor")
    let a = normalizedAxis(axis, op: "indexSelect")
    precondition(
      indices.rank <= 1,
      "indexSelect: indices must be one-dimensional, not of shape \(indices.shape)")
    let positions = indexOperand(indices, op: "indexSelect").reshaped([-1])
    var outShape = shape
    outShape[a] = positions.count
    var lane = [Int](repeating: 1, count: rank)
    lane[a] = positions.count
    // The index repeated (stride 0) across the other axes; dX = scatter-add of G (via gather).
    let index = positions.reshaped(lane).expanded(to: outShape)
    return gathered(axis: a, index: index)
  }

  /// The elements in reverse order along `axis` (like `torch.flip`), a copy; the gradient is
  /// flipped back.
  public func flipped(axis: Int) -> Tensor {
    let a = normalizedAxis(axis, op: "flipped")
    let reversed = Tensor((0..<Int64(shape[a])).reversed(), shape: [shape[a]], on: device)
    return indexSelect(axis: a, indices: reversed)
  }

  /// A copy of this tensor with `source` added at `index` along `axis` (like `torch.scatter_add`):
  /// `out[i][index[i][j][k]][k] += source[i][j][k]` for `axis == 1`.
  ///
  /// `index` (`int64` or `int32`) has this tensor's rank, is no larger than `source` on any axis
  /// and no larger than this tensor on the other axes; only `source`'s elements that `index`
  /// covers are added. The dtypes are promoted. Differentiable with respect to both tensors.
  public func scatterAdding(axis: Int, index: Tensor, source: Tensor) -> Tensor {
    let a = normalizedAxis(axis, op: "scatterAdd")
    checkDevice(source, op: "scatterAdd")
    let positions = indexOperand(index, op: "scatterAdd")
    precondition(
      positions.rank == rank && source.rank == rank
        && (0..<rank).allSatisfy {
          positions.shape[$0] <= source.shape[$0] && ($0 == a || positions.shape[$0] <= shape[$0])
        },
      "scatterAdd: index \(index.shape), source \(source.shape) and input \(shape) "
        + "do not fit along axis \(a)"
    )
    if rank == 0 {
      return reshaped([1]).scatterAdding(
        axis: 0, index: positions.reshaped([1]), source: source.reshaped([1])
      ).reshaped([])
    }
    let type = DType.promoted(dtype, source.dtype)
    let base = cast(to: type)
    var values = source.cast(to: type)
    if values.shape != positions.shape {
      values = values.slice(positions.shape.map { .range(start: 0, end: $0, step: 1) })
    }
    let out = Tensor.empty(shape, dtype: type, device: device)
    backend.copy(base.operand, to: out.operand)
    if positions.count > 0 {
      backend.scatterAdd(values.operand, axis: a, index: positions.operand, into: out.operand)
    }
    return Tensor.record("scatterAdd", out, inputs: [base, values]) { g in
      [g, g.gathered(axis: a, index: positions)]  // dSelf = G, dSource = G gathered at index
    }
  }

  /// One-hot encoding: `indices`'s shape plus a last axis of `classes`, 1 at each label and 0
  /// elsewhere (like `torch.nn.functional.one_hot`). Traps on a label outside `0..<classes`.
  public static func oneHot(_ indices: Tensor, classes: Int, dtype: DType = .float32) -> Tensor {
    precondition(classes >= 0, "oneHot: classes \(classes) must not be negative")
    precondition(
      indices.dtype == .int64 || indices.dtype == .int32,
      "oneHot: labels must be int64 or int32, not \(indices.dtype)")
    if let bad = indices.scalars(as: Int64.self).first(where: { $0 < 0 || $0 >= classes }) {
      preconditionFailure("oneHot: label \(bad) is out of range for \(classes) classes")
    }
    let labels = indices.cast(to: .int64).unsqueezed(axis: -1)
    let classIndices = Tensor.arange(0, Double(classes), dtype: .int64, on: indices.device)
    return labels.equal(classIndices).cast(to: dtype)
  }
}

// MARK: Scans and sorting

extension Tensor {
  /// Inclusive cumulative sum along `axis` (like `torch.cumsum`); integers and bools sum as
  /// `int64`.
  public func cumsum(axis: Int) -> Tensor {
    if rank == 0 { return cumsum(axis: 0, ofShape: [1]).reshaped([]) }
    return cumsum(axis: normalizedAxis(axis, op: "cumsum"), ofShape: shape)
  }

  private func cumsum(axis a: Int, ofShape viewShape: [Int]) -> Tensor {
    let input = (dtype.isFloatingPoint ? self : cast(to: .int64)).reshaped(viewShape)
    let out = Tensor.empty(viewShape, dtype: input.dtype, device: device)
    if out.count > 0 { backend.cumsum(input.operand, axis: a, to: out.operand) }
    return Tensor.record("cumsum", out, inputs: [input]) { g in
      // dX = reverse cumsum of G = ΣG − cumsum(G) + G along the axis
      [g.sum(axis: a, keepDims: true) - g.cumsum(axis: a) + g]
    }
  }

  /// Sorts along `axis` (stable; NaN last when ascending) and returns the values with their source
  /// positions (`int64`), like `torch.sort`. The values are differentiable.
  public func sorted(axis: Int = -1, descending: Bool = false) -> (values: Tensor, indices: Tensor)
  {
    if rank == 0 { return (self, Tensor.zeros([], dtype: .int64, on: device)) }
    let a = normalizedAxis(axis, op: "sort")
    let values = Tensor.empty(shape, dtype: dtype, device: device)
    let indices = Tensor.empty(shape, dtype: .int64, device: device)
    if count > 0 {
      backend.sort(
        operand, axis: a, descending: descending, values: values.operand, indices: indices.operand)
    }
    let (inputType, inputDevice) = (dtype, device)
    let tracked = Tensor.record("sort", values, inputs: [self]) { [shape] g in
      // dX = zeros with G added back at each value's source position (as gather's pullback)
      let zeros = Tensor.zeros(shape, dtype: inputType, on: inputDevice)
      return [zeros.scatterAdding(axis: a, index: indices, source: g)]
    }
    return (tracked, indices)
  }

  /// The `k` largest (or smallest, when `largest` is `false`) elements along `axis`, in order, with
  /// their positions (`int64`), like `torch.topk`. The values are differentiable.
  public func topK(_ k: Int, axis: Int = -1, largest: Bool = true) -> (
    values: Tensor, indices: Tensor
  ) {
    if rank == 0 {
      precondition(k == 1, "topK: k = \(k) is out of range for a zero-dimensional tensor")
      return (self, Tensor.zeros([], dtype: .int64, on: device))
    }
    let a = normalizedAxis(axis, op: "topK")
    precondition(
      k >= 0 && k <= shape[a], "topK: k = \(k) is out of range for axis \(a) of shape \(shape)")
    let order = detached().sorted(axis: a, descending: largest).indices
    let indices = order.slice(
      [TensorIndex](repeating: .all, count: a) + [.range(start: 0, end: k, step: 1)])
    // dX = scatter-add of G at the indices (gather's pullback)
    return (gathered(axis: a, index: indices), indices)
  }
}
