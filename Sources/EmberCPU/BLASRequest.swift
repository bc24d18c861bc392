import Foundation

/// What `EMBER_BLAS` asks for: `openblas`, `mkl`, `blis`, `accelerate`, `none`, `auto`, a path, or
/// (unset or empty) Ember's own choice.
///
/// Ember's choice is the built-in GEMM wherever it has AVX2 or AVX-512 kernels for the CPU (it
/// matches or beats the system BLAS on the products of a training step: `ember bench gemm-shapes`),
/// and otherwise what `auto` does. `auto` loads the first library in `candidates` whose kernels suit
/// this CPU, passing over an OpenBLAS whose core does not match and cannot be corrected. A named
/// library or a path is loaded even then (and the report says so).
public enum BLASRequest: Equatable, Sendable {
  /// Unset: the built-in GEMM where it has kernels for this CPU's vector units, else `.automatic`.
  case emberDefault
  /// `auto`: the first sane library in the search order.
  case automatic
  /// The built-in GEMM; no BLAS is loaded.
  case none
  /// One library family, by name.
  case library(Family)
  /// A file name or path given to `dlopen` as is.
  case path(String)

  /// The libraries Ember knows by name.
  public enum Family: String, CaseIterable, Sendable {
    case openblas, mkl, blis, accelerate

    /// The names and paths tried for this family on this platform, in order.
    var candidates: [String] {
      #if os(macOS)
      switch self {
      case .accelerate: return ["/System/Library/Frameworks/Accelerate.framework/Accelerate"]
      case .openblas:
        return ["libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
                "/usr/local/opt/openblas/lib/libopenblas.dylib"]
      case .blis: return ["libblis.4.dylib", "libblis.dylib"]
      case .mkl: return ["libmkl_rt.2.dylib", "libmkl_rt.dylib"]
      }
      #else
      switch self {
      case .openblas: return ["libopenblas.so.0", "libopenblas.so"]
      case .blis: return ["libblis.so.4", "libblis.so"]
      case .mkl: return ["libmkl_rt.so.2", "libmkl_rt.so"]
      case .accelerate: return []
      }
      #endif
    }
  }

  /// Parses a value of `EMBER_BLAS` (`nil` when unset). Names are case-insensitive; anything else is
  /// a path.
  public init(_ setting: String?) {
    let value = (setting ?? "").trimmingCharacters(in: .whitespaces)
    switch value.lowercased() {
    case "": self = .emberDefault
    case "auto": self = .automatic
    case "none": self = .none
    default:
      if let family = Family(rawValue: value.lowercased()) {
        self = .library(family)
      } else {
        self = .path(value)
      }
    }
  }

  /// The search order of `.automatic`.
  static var automaticOrder: [Family] {
    #if os(macOS)
    return [.accelerate, .openblas, .blis, .mkl]
    #else
    return [.openblas, .blis, .mkl]
    #endif
  }

  /// Whether Ember's choice is the built-in GEMM on a CPU with `features`: its AVX2/AVX-512 kernels
  /// are tuned, the portable ones are not.
  public static func prefersBuiltIn(features: CPUFeatures) -> Bool { features.contains(.avx2FMA) }

  /// The libraries to try, in order (empty for `.none`).
  var candidates: [String] {
    switch self {
    case .emberDefault, .automatic: return Self.automaticOrder.flatMap(\.candidates)
    case .none: return []
    case .library(let family): return family.candidates
    case .path(let path): return [path]
    }
  }

  /// Whether the user named the library, so Ember loads it even when its kernels do not suit the CPU.
  var isForced: Bool {
    switch self {
    case .library, .path: return true
    case .emberDefault, .automatic, .none: return false
    }
  }
}
