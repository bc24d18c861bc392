import EmberCore

/// A function applied to the inputs of every batch, such as normalization.
///
/// Transforms act on whole batches `[batch, features]` or `[batch, channels, …]`, so they cost
/// one or two tensor operations per batch.
public protocol Transform {
  /// The transformed `inputs`.
  func callAsFunction(_ inputs: Tensor) -> Tensor
}

/// `values` shaped to broadcast along axis 1 of a batch of rank `rank`, with `dtype`.
private func channelTensor(_ values: [Double], rank: Int, like x: Tensor, op: String) -> Tensor {
  precondition(rank >= 1, "\(op): inputs must have a batch axis, got shape \(x.shape)")
  if values.count == 1 { return Tensor(values[0], dtype: x.dtype, on: x.device) }
  precondition(
    rank >= 2 && x.shape[1] == values.count,
    "\(op): \(values.count) per-channel values do not match axis 1 of shape \(x.shape)")
  var shape = [Int](repeating: 1, count: rank)
  shape[1] = values.count
  return Tensor(values, shape: shape, on: x.device).cast(to: x.dtype)
}

/// Subtracts `mean` and divides by `std`, per channel (axis 1) or for all values at once.
///
/// Shapes: inputs `[batch, channels, …]` or `[batch, features]`; `mean` and `std` hold one value
/// or one per channel.
///
/// ```swift
/// let normalize = Normalize(mean: [0.1307], std: [0.3081])  // MNIST's constants
/// ```
public struct Normalize: Transform {
  /// The value subtracted from each channel.
  public var mean: [Double]
  /// The value each channel is divided by after subtracting the mean.
  public var std: [Double]

  /// A normalization with per-channel (or single) `mean` and `std`.
  public init(mean: [Double], std: [Double]) {
    precondition(
      mean.count == std.count && !mean.isEmpty,
      "Normalize: mean has \(mean.count) values, std \(std.count)")
    precondition(std.allSatisfy { $0 > 0 }, "Normalize: std \(std) must be positive")
    self.mean = mean
    self.std = std
  }

  /// `(inputs − mean) / std`.
  public func callAsFunction(_ inputs: Tensor) -> Tensor {
    let m = channelTensor(mean, rank: inputs.rank, like: inputs, op: "Normalize")
    let s = channelTensor(std, rank: inputs.rank, like: inputs, op: "Normalize")
    return (inputs - m) / s
  }
}

/// The per-feature statistics over axis 0 and any axes after 1 (the feature or channel axis).
private func reductionAxes(_ x: Tensor, op: String) -> [Int] {
  precondition(x.rank >= 2, "\(op): data must be [count, features, …], got shape \(x.shape)")
  return [0] + Array(2..<x.rank)
}

/// Scales features to zero mean and unit variance, with statistics fitted on training data.
///
/// Fit on the training set, then apply the same transform to validation and test data:
///
/// ```swift
/// let scaler = Standardizer(fittedOn: trainInputs)
/// let test = TensorDataset(inputs: testInputs, targets: testLabels, transform: scaler)
/// ```
public struct Standardizer: Transform {
  /// The per-feature means of the training data.
  public let mean: [Double]
  /// The per-feature standard deviations of the training data (population; 1 where constant).
  public let std: [Double]

  /// A standardizer with known statistics.
  public init(mean: [Double], std: [Double]) {
    precondition(mean.count == std.count, "Standardizer: \(mean.count) means, \(std.count) stds")
    self.mean = mean
    self.std = std.map { $0 > 0 ? $0 : 1 }
  }

  /// Fits the per-feature mean and standard deviation of `data` (`[count, features, …]`).
  public init(fittedOn data: Tensor) {
    let x = data.cast(to: .float64)
    let axes = reductionAxes(x, op: "Standardizer")
    let mean = x.mean(axes: axes).doubles
    let std = x.variance(axes: axes, correction: 0).sqrt().doubles
    self.init(mean: mean, std: std)
  }

  /// `(inputs − mean) / std`.
  public func callAsFunction(_ inputs: Tensor) -> Tensor {
    Normalize(mean: mean, std: std)(inputs)
  }

  /// Undoes the scaling: `scaled · std + mean`.
  public func inverse(_ scaled: Tensor) -> Tensor {
    let m = channelTensor(mean, rank: scaled.rank, like: scaled, op: "Standardizer")
    let s = channelTensor(std, rank: scaled.rank, like: scaled, op: "Standardizer")
    return scaled * s + m
  }
}

/// Scales each feature linearly so that the training data span `range` (by default `0...1`).
public struct MinMaxScaler: Transform {
  /// The per-feature minima of the training data.
  public let minimum: [Double]
  /// The per-feature maxima of the training data.
  public let maximum: [Double]
  /// The interval the training data are mapped onto.
  public let range: ClosedRange<Double>

  /// A scaler with known per-feature bounds.
  public init(minimum: [Double], maximum: [Double], range: ClosedRange<Double> = 0...1) {
    precondition(
      minimum.count == maximum.count,
      "MinMaxScaler: \(minimum.count) minima, \(maximum.count) maxima")
    self.minimum = minimum
    self.maximum = maximum
    self.range = range
  }

  /// Fits the per-feature minimum and maximum of `data` (`[count, features, …]`).
  public init(fittedOn data: Tensor, range: ClosedRange<Double> = 0...1) {
    let x = data.cast(to: .float64)
    let axes = reductionAxes(x, op: "MinMaxScaler")
    self.init(minimum: x.min(axes: axes).doubles, maximum: x.max(axes: axes).doubles, range: range)
  }

  /// `lower + (inputs − minimum) · (upper − lower) / (maximum − minimum)`; constant features map
  /// to `lower`.
  public func callAsFunction(_ inputs: Tensor) -> Tensor {
    let width = range.upperBound - range.lowerBound
    let scale = zip(minimum, maximum).map { $1 > $0 ? width / ($1 - $0) : 1 }
    let shift = zip(minimum, scale).map { range.lowerBound - $0 * $1 }
    let s = channelTensor(scale, rank: inputs.rank, like: inputs, op: "MinMaxScaler")
    let b = channelTensor(shift, rank: inputs.rank, like: inputs, op: "MinMaxScaler")
    return inputs * s + b
  }
}
