/// The element type of a tensor.
///
/// `float32` is the default. Booleans are stored as one byte each (0 or 1).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
  case float32, float64, int32, int64, bool

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .float32, .int32: return 4
    case .float64, .int64: return 8
    case .bool: return 1
    }
  }

  /// `true` for `float32` and `float64`.
  public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

  /// `true` for `int32` and `int64`.
  public var isInteger: Bool { self == .int32 || self == .int64 }

  /// The type two operands are computed in, following PyTorch's promotion for same-category
  /// operands: bool < int32 < int64 < float32 < float64.
  public static func promoted(_ a: DType, _ b: DType) -> DType {
    a.rank >= b.rank ? a : b
  }

  private var rank: Int {
    switch self {
    case .bool: return 0
    case .int32: return 1
    case .int64: return 2
    case .float32: return 3
    case .float64: return 4
    }
  }

  public var description: String { rawValue }
}
