import EmberBackend
import EmberCore
import Foundation

/// Which fan a variance-scaling initializer divides by (PyTorch's `mode`).
public enum FanMode: Sendable {
  /// Preserves the variance of activations in the forward pass (PyTorch's default).
  case fanIn
  /// Preserves the variance of gradients in the backward pass.
  case fanOut
}

/// A rule that creates the initial value of a parameter from its shape.
///
/// The fans follow PyTorch's `_calculate_fan_in_and_fan_out`: for a `[out, in, k₁, k₂, …]`
/// weight, `fanIn = in·k₁·k₂…` and `fanOut = out·k₁·k₂…`. A one-axis shape has
/// `fanIn = fanOut = size` and a scalar has fans of 1 (as in Keras; PyTorch rejects them).
///
/// ```swift
/// let layer = Linear(784, 512, weightInitializer: .heUniform)
/// var generator = RandomGenerator(seed: 1)
/// let w = Initializer.orthogonal()([64, 32], using: &generator)
/// ```
public struct Initializer: Sendable {
  /// Draws a tensor of `shape` and `dtype` from `generator`.
  public typealias Body =
    @Sendable (_ shape: [Int], _ dtype: DType, _ generator: inout RandomGenerator) -> Tensor

  private let body: Body

  /// An initializer from a closure that draws from the generator it is given.
  public init(_ body: @escaping Body) { self.body = body }

  /// A tensor of `shape` drawn from `generator`.
  public func callAsFunction(
    _ shape: [Int], dtype: DType = .float32, using generator: inout RandomGenerator
  ) -> Tensor {
    body(shape, dtype, &generator)
  }

  /// A tensor of `shape` drawn from the default generator (`Random`).
  public func callAsFunction(_ shape: [Int], dtype: DType = .float32) -> Tensor {
    Random.withGenerator { body(shape, dtype, &$0) }
  }

  /// `(fanIn, fanOut)` of a weight of `shape`, as PyTorch computes them.
  public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    switch shape.count {
    case 0: return (1, 1)
    case 1: return (shape[0], shape[0])
    default:
      let receptiveField = shape.dropFirst(2).reduce(1, *)
      return (shape[1] * receptiveField, shape[0] * receptiveField)
    }
  }

  /// PyTorch's `calculate_gain('leaky_relu', negativeSlope)`: `√(2 / (1 + a²))` (√2 for ReLU).
  public static func leakyReLUGain(negativeSlope: Double = 0) -> Double {
    (2 / (1 + negativeSlope * negativeSlope)).squareRoot()
  }

  private static func fan(_ shape: [Int], _ mode: FanMode) -> Double {
    let (fanIn, fanOut) = fans(shape)
    let value = Double(mode == .fanIn ? fanIn : fanOut)
    precondition(value > 0, "Initializer: shape \(shape) has a zero fan")
    return value
  }

  // MARK: Constants and plain distributions

  /// All zeros.
  public static let zeros = constant(0)

  /// All ones.
  public static let ones = constant(1)

  /// Every element `value`.
  public static func constant(_ value: Double) -> Initializer {
    Initializer { shape, dtype, _ in Tensor.full(shape, value, dtype: dtype) }
  }

  /// Uniform samples from `range`.
  public static func uniform(in range: ClosedRange<Double>) -> Initializer {
    Initializer { shape, dtype, generator in
      Tensor.uniform(shape, in: range, dtype: dtype, using: &generator)
    }
  }

  /// Normal samples with `mean` and `standardDeviation`.
  public static func normal(mean: Double = 0, standardDeviation: Double = 1) -> Initializer {
    Initializer { shape, dtype, generator in
      Tensor.normal(
        shape, mean: mean, standardDeviation: standardDeviation, dtype: dtype, using: &generator)
    }
  }

  /// Normal samples with `standardDeviation` restricted to `mean ± 2σ` unless other bounds are
  /// given (Keras's `TruncatedNormal`; PyTorch's `trunc_normal_` takes absolute bounds, ±2 by
  /// default, which coincide when σ = 1), drawn by the inverse CDF as `trunc_normal_` does.
  public static func truncatedNormal(
    standardDeviation: Double, mean: Double = 0, lower: Double? = nil, upper: Double? = nil
  ) -> Initializer {
    Initializer { shape, dtype, generator in
      Tensor.truncatedNormal(
        shape, mean: mean, standardDeviation: standardDeviation, lower: lower, upper: upper,
        dtype: dtype, using: &generator)
    }
  }

  // MARK: Variance scaling

  /// Glorot/Xavier uniform: `U(±gain·√(6 / (fanIn + fanOut)))`, like `xavier_uniform_`.
  public static func glorotUniform(gain: Double = 1) -> Initializer {
    Initializer { shape, dtype, generator in
      let (fanIn, fanOut) = fans(shape)
      let bound = gain * (6 / Double(Swift.max(fanIn + fanOut, 1))).squareRoot()
      return Tensor.uniform(shape, in: -bound...bound, dtype: dtype, using: &generator)
    }
  }

  /// Glorot/Xavier normal: `N(0, gain²·2 / (fanIn + fanOut))`, like `xavier_normal_`.
  public static func glorotNormal(gain: Double = 1) -> Initializer {
    Initializer { shape, dtype, generator in
      let (fanIn, fanOut) = fans(shape)
      let std = gain * (2 / Double(Swift.max(fanIn + fanOut, 1))).squareRoot()
      return Tensor.normal(shape, standardDeviation: std, dtype: dtype, using: &generator)
    }
  }

  /// He/Kaiming uniform: `U(±gain·√(3 / fan))` with `gain = √(2 / (1 + a²))`, like
  /// `kaiming_uniform_(a: negativeSlope, mode:, nonlinearity: 'leaky_relu')`.
  ///
  /// `negativeSlope: √5` gives PyTorch's default `Linear` and `Conv` weights, `U(±1/√fanIn)`.
  public static func heUniform(mode: FanMode = .fanIn, negativeSlope: Double = 0) -> Initializer {
    Initializer { shape, dtype, generator in
      let gain = leakyReLUGain(negativeSlope: negativeSlope)
      let bound = gain * (3 / fan(shape, mode)).squareRoot()
      return Tensor.uniform(shape, in: -bound...bound, dtype: dtype, using: &generator)
    }
  }

  /// He/Kaiming normal: `N(0, gain² / fan)` with `gain = √(2 / (1 + a²))`, like
  /// `kaiming_normal_`.
  public static func heNormal(mode: FanMode = .fanIn, negativeSlope: Double = 0) -> Initializer {
    Initializer { shape, dtype, generator in
      let std = leakyReLUGain(negativeSlope: negativeSlope) / fan(shape, mode).squareRoot()
      return Tensor.normal(shape, standardDeviation: std, dtype: dtype, using: &generator)
    }
  }

  /// LeCun uniform: `U(±√(3 / fanIn))` (Keras's `lecun_uniform`).
  public static let lecunUniform = Initializer { shape, dtype, generator in
    let bound = (3 / fan(shape, .fanIn)).squareRoot()
    return Tensor.uniform(shape, in: -bound...bound, dtype: dtype, using: &generator)
  }

  /// LeCun normal: a normal truncated at ±2σ whose standard deviation after truncation is
  /// `√(1 / fanIn)` (Keras's `lecun_normal`, the initializer SELU networks expect).
  public static let lecunNormal = Initializer { shape, dtype, generator in
    // 0.8796… is the standard deviation of a standard normal truncated to [−2, 2].
    let std = (1 / fan(shape, .fanIn)).squareRoot() / 0.879_625_661_034_239_78
    return Tensor.truncatedNormal(shape, standardDeviation: std, dtype: dtype, using: &generator)
  }

  /// `glorotUniform()`.
  public static let glorotUniform = glorotUniform()
  /// `glorotNormal()`.
  public static let glorotNormal = glorotNormal()
  /// `glorotUniform()`, PyTorch's name.
  public static let xavierUniform = glorotUniform()
  /// `glorotNormal()`, PyTorch's name.
  public static let xavierNormal = glorotNormal()
  /// `heUniform()`: fan-in, ReLU gain √2.
  public static let heUniform = heUniform()
  /// `heNormal()`: fan-in, ReLU gain √2.
  public static let heNormal = heNormal()
  /// `heUniform()`, PyTorch's name.
  public static let kaimingUniform = heUniform()
  /// `heNormal()`, PyTorch's name.
  public static let kaimingNormal = heNormal()

  // MARK: Orthogonal

  /// A (semi-)orthogonal matrix scaled by `gain`, like `torch.nn.init.orthogonal_`.
  ///
  /// The shape is seen as `[shape[0], rest]`; a normal matrix is drawn and orthonormalized on the
  /// host in `Double` (Gram–Schmidt, twice for stability), so rows are orthonormal when there are
  /// no more rows than columns and columns are orthonormal otherwise.
  public static func orthogonal(gain: Double = 1) -> Initializer {
    Initializer { shape, dtype, generator in
      precondition(shape.count >= 2, "orthogonal: shape \(shape) needs at least two axes")
      let rows = shape[0], columns = shape.dropFirst().reduce(1, *)
      // Orthonormalize the columns of a tall `[m, n]` matrix (m ≥ n), transposing a wide one.
      let (m, n) = (Swift.max(rows, columns), Swift.min(rows, columns))
      let draws = Tensor.normal([m * n], dtype: .float64, using: &generator).doubles
      let q = orthonormalColumns(draws, rows: m, columns: n)
      var values = [Double](repeating: 0, count: rows * columns)
      for i in 0..<rows {
        for j in 0..<columns {
          values[i * columns + j] = gain * (rows >= columns ? q[i * n + j] : q[j * n + i])
        }
      }
      return Tensor(values, shape: shape).cast(to: dtype)
    }
  }

  /// `orthogonal()`.
  public static let orthogonal = orthogonal()

  /// Q of the QR factorization of the row-major `[rows, columns]` matrix `a` (rows ≥ columns),
  /// with R's diagonal positive (as PyTorch makes it), by modified Gram–Schmidt applied twice.
  static func orthonormalColumns(_ a: [Double], rows: Int, columns: Int) -> [Double] {
    var q = a
    for j in 0..<columns {
      for _ in 0..<2 {
        for k in 0..<j {
          var dot = 0.0
          for i in 0..<rows { dot += q[i * columns + k] * q[i * columns + j] }
          for i in 0..<rows { q[i * columns + j] -= dot * q[i * columns + k] }
        }
      }
      var norm = 0.0
      for i in 0..<rows { norm += q[i * columns + j] * q[i * columns + j] }
      norm = norm.squareRoot()
      precondition(norm > 1e-12, "orthogonal: drew a rank-deficient matrix")
      for i in 0..<rows { q[i * columns + j] /= norm }
    }
    return q
  }
}
