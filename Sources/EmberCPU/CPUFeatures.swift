import CEmberKernels

/// The SIMD instruction sets of this CPU that Ember's C kernels use, detected at run time.
public struct CPUFeatures: OptionSet, Sendable, CustomStringConvertible {
  public let rawValue: Int32

  public init(rawValue: Int32) { self.rawValue = rawValue }

  /// AVX2 together with FMA3 (the 256-bit kernels).
  public static let avx2FMA = CPUFeatures(rawValue: 1 << 0)
  /// AVX-512 Foundation (the 512-bit kernels).
  public static let avx512F = CPUFeatures(rawValue: 1 << 1)

  /// The features of the CPU this process runs on.
  public static let current = CPUFeatures(rawValue: ember_cpu_features())

  /// Feature names, e.g. `["AVX2+FMA", "AVX-512F"]`; empty when only portable kernels apply.
  public var names: [String] {
    var result: [String] = []
    if contains(.avx2FMA) { result.append("AVX2+FMA") }
    if contains(.avx512F) { result.append("AVX-512F") }
    return result
  }

  /// The names joined with spaces, or `"none (portable kernels)"`.
  public var description: String {
    names.isEmpty ? "none (portable kernels)" : names.joined(separator: " ")
  }
}
