import EmberBackend

extension Tensor {
  /// A tensor holding `values` in row-major order with the given shape (default: one axis).
  public init<Scalar: TensorScalar>(_ values: [Scalar], shape: [Int]? = nil, on device: Device = .default) {
    let shape = shape ?? [values.count]
    precondition(shape.reduce(1, *) == values.count,
                 "Tensor: \(values.count) values do not fill shape \(shape)")
    let tensor = Tensor.empty(shape, dtype: Scalar.dtype, device: device)
    values.withUnsafeBytes { bytes in
      if Scalar.self == Bool.self {
        // Bool is 1 byte of 0/1 in Swift, as Ember stores it.
        tensor.backend.upload(bytes.baseAddress!, byteCount: values.count, to: tensor.buffer)
      } else if let base = bytes.baseAddress {
        tensor.backend.upload(base, byteCount: bytes.count, to: tensor.buffer)
      }
    }
    self = tensor
  }

  /// A tensor from a nested array (`[[1, 2], [3, 4]]`), float32 unless `dtype` says otherwise.
  public init(_ nested: [[Double]], dtype: DType = .float32, on device: Device = .default) {
    let rows = nested.count, columns = nested.first?.count ?? 0
    precondition(nested.allSatisfy { $0.count == columns }, "Tensor: ragged nested array")
    self = Tensor(nested.flatMap { $0 }, shape: [rows, columns], on: device).cast(to: dtype)
  }

  /// A tensor from a three-level nested array, float32 unless `dtype` says otherwise.
  public init(_ nested: [[[Double]]], dtype: DType = .float32, on device: Device = .default) {
    let a = nested.count, b = nested.first?.count ?? 0, c = nested.first?.first?.count ?? 0
    precondition(nested.allSatisfy { $0.count == b && $0.allSatisfy { $0.count == c } },
                 "Tensor: ragged nested array")
    self = Tensor(nested.flatMap { $0.flatMap { $0 } }, shape: [a, b, c], on: device).cast(to: dtype)
  }

  /// A zero-dimensional tensor holding `value`.
  public init(_ value: Double, dtype: DType = .float32, on device: Device = .default) {
    self = Tensor.full([], value, dtype: dtype, on: device)
  }

  /// A tensor of `shape` with every element `value`.
  public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, on device: Device = .default) -> Tensor {
    let tensor = empty(shape, dtype: dtype, device: device)
    tensor.backend.fill(tensor.operand, with: value)
    return tensor
  }

  /// Zeros of `shape`.
  public static func zeros(_ shape: [Int], dtype: DType = .float32, on device: Device = .default) -> Tensor {
    full(shape, 0, dtype: dtype, on: device)
  }

  /// Ones of `shape`.
  public static func ones(_ shape: [Int], dtype: DType = .float32, on device: Device = .default) -> Tensor {
    full(shape, 1, dtype: dtype, on: device)
  }

  /// Zeros with `other`'s shape, dtype and device.
  public static func zeros(like other: Tensor) -> Tensor {
    zeros(other.shape, dtype: other.dtype, on: other.device)
  }

  /// Ones with `other`'s shape, dtype and device.
  public static func ones(like other: Tensor) -> Tensor {
    ones(other.shape, dtype: other.dtype, on: other.device)
  }

  /// `value` everywhere, with `other`'s shape, dtype and device.
  public static func full(like other: Tensor, _ value: Double) -> Tensor {
    full(other.shape, value, dtype: other.dtype, on: other.device)
  }

  /// `start, start + step, …` up to but excluding `end` (like `torch.arange`): int64 when `start`,
  /// `end` and `step` are all whole numbers, float32 otherwise (`arange(0, 5.5)` is float32),
  /// unless `dtype` says.
  public static func arange(
    _ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType? = nil, on device: Device = .default
  ) -> Tensor {
    precondition(step != 0, "arange: step must not be zero")
    let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    let integral = [start, end, step].allSatisfy { $0.rounded() == $0 }
    let type = dtype ?? (integral ? .int64 : .float32)
    let values = (0..<count).map { start + Double($0) * step }
    return Tensor(values, shape: [count], on: device).cast(to: type)
  }

  /// `count` evenly spaced values from `start` to `end` inclusive.
  public static func linspace(
    _ start: Double, _ end: Double, count: Int, dtype: DType = .float32, on device: Device = .default
  ) -> Tensor {
    precondition(count >= 0, "linspace: count \(count) is negative")
    let step = count > 1 ? (end - start) / Double(count - 1) : 0
    let values = (0..<count).map { i in i == count - 1 && count > 1 ? end : start + Double(i) * step }
    return Tensor(values, shape: [count], on: device).cast(to: dtype)
  }

  /// The `n × m` identity matrix (`m` defaults to `n`).
  public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, on device: Device = .default) -> Tensor {
    let columns = m ?? n
    var values = [Double](repeating: 0, count: n * columns)
    for i in 0..<Swift.min(n, columns) { values[i * columns + i] = 1 }
    return Tensor(values, shape: [n, columns], on: device).cast(to: dtype)
  }

  // MARK: Reading values back

  /// The elements in row-major order, converted to `Scalar`.
  public func scalars<Scalar: TensorScalar>(as type: Scalar.Type = Scalar.self) -> [Scalar] {
    let source = dtype == Scalar.dtype ? self : cast(to: Scalar.dtype)
    let n = source.count
    if Scalar.self == Bool.self {
      var bytes = [UInt8](repeating: 0, count: n)
      bytes.withUnsafeMutableBytes { source.backend.download(source.operand, to: $0.baseAddress!) }
      return bytes.map { ($0 != 0) as! Scalar }
    }
    return [Scalar](unsafeUninitializedCapacity: n) { pointer, initialized in
      if n > 0 { source.backend.download(source.operand, to: UnsafeMutableRawPointer(pointer.baseAddress!)) }
      initialized = n
    }
  }

  /// The elements as `Float`s, row-major.
  public var floats: [Float] { scalars(as: Float.self) }

  /// The elements as `Double`s, row-major.
  public var doubles: [Double] { scalars(as: Double.self) }

  /// The single element of a one-element tensor, as a `Double`.
  public var item: Double {
    precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
    return scalars(as: Double.self)[0]
  }

  /// The single element of a one-element tensor, converted to `Scalar`.
  public func item<Scalar: TensorScalar>(as type: Scalar.Type) -> Scalar {
    precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
    return scalars(as: Scalar.self)[0]
  }

  /// A contiguous copy (or `self` when already contiguous with zero offset).
  public func contiguous() -> Tensor {
    if layout.isContiguous && layout.offset == 0 { return self }
    let out = Tensor.empty(shape, dtype: dtype, device: device)
    backend.copy(operand, to: out.operand)
    return Tensor.record("contiguous", out, inputs: [self]) { g in [g] }
  }

  /// A copy of this tensor on `device` (the same tensor when already there).
  public func to(_ target: Device) -> Tensor {
    if target == device { return self }
    let source = contiguous()
    let bytes = source.count * dtype.byteSize
    let staging = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes, 1), alignment: 64)
    defer { staging.deallocate() }
    source.backend.download(source.operand, to: staging)
    let out = Tensor.empty(shape, dtype: dtype, device: target)
    out.backend.upload(staging, byteCount: bytes, to: out.buffer)
    return Tensor.record("to", out, inputs: [self]) { [device] g in [g.to(device)] }
  }

  /// This tensor converted to `target` (the same tensor when already of that type).
  /// Gradients flow through float-to-float casts.
  public func cast(to target: DType) -> Tensor {
    if target == dtype { return self }
    let out = Tensor.empty(shape, dtype: target, device: device)
    backend.copy(operand, to: out.operand)
    guard dtype.isFloatingPoint && target.isFloatingPoint else { return out }
    return Tensor.record("cast", out, inputs: [self]) { [dtype] g in [g.cast(to: dtype)] }
  }
}
