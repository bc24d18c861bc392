#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A BLAS library loaded at run time with `dlopen` (OpenBLAS, BLIS, MKL, or Accelerate on macOS).
///
/// Set `EMBER_BLAS=none` to use the built-in GEMM, or `EMBER_BLAS=<path>` to load a specific library.
/// Matrix products go through BLAS when one is loaded; without one Ember runs its own kernels.
public final class BLAS: @unchecked Sendable {
  /// `cblas_sgemm`'s C signature (row/column order and transpose flags as CBLAS's enum values).
  typealias SGEMM = @convention(c) (
    Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
    UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
  ) -> Void
  /// `cblas_dgemm`'s C signature.
  typealias DGEMM = @convention(c) (
    Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
    UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32
  ) -> Void
  private typealias SetThreads = @convention(c) (Int32) -> Void
  private typealias SetThreadsBLIS = @convention(c) (Int) -> Void  // takes a `dim_t`
  private typealias GetString = @convention(c) () -> UnsafePointer<CChar>?

  /// CBLAS's `CblasRowMajor`.
  static let rowMajor: Int32 = 101
  /// CBLAS's `CblasNoTrans`.
  static let noTranspose: Int32 = 111
  /// CBLAS's `CblasTrans`.
  static let transpose: Int32 = 112

  /// The loaded BLAS, or `nil` when none was found (or `EMBER_BLAS=none`).
  public static let shared: BLAS? = loaded.blas

  /// What was tried and why it failed when no BLAS loaded (empty when one did); `ember info` shows it.
  public static let loadReport: String = loaded.report

  private static let loaded: (blas: BLAS?, report: String) = load()

  /// Library name and version, e.g. "OpenBLAS 0.3.21 (libopenblas.so.0, core Haswell)".
  public let name: String
  let sgemm: SGEMM
  let dgemm: DGEMM
  private let setThreads: ((Int) -> Void)?
  private let handle: UnsafeMutableRawPointer

  private init(
    handle: UnsafeMutableRawPointer, name: String, sgemm: SGEMM, dgemm: DGEMM,
    setThreads: ((Int) -> Void)?
  ) {
    self.handle = handle
    self.name = name
    self.sgemm = sgemm
    self.dgemm = dgemm
    self.setThreads = setThreads
  }

  /// Sets how many threads the library's own kernels use (when it lets us; Accelerate does not).
  public func setThreadCount(_ count: Int) {
    setThreads?(Swift.max(1, count))
  }

  /// The libraries tried in order when `EMBER_BLAS` is unset.
  static var candidates: [String] {
    #if os(macOS)
    return ["/System/Library/Frameworks/Accelerate.framework/Accelerate",
            "libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
            "/usr/local/opt/openblas/lib/libopenblas.dylib"]
    #else
    return ["libopenblas.so.0", "libopenblas.so", "libblis.so.4", "libblis.so",
            "libmkl_rt.so.2", "libmkl_rt.so"]
    #endif
  }

  private static func load() -> (blas: BLAS?, report: String) {
    let setting = ProcessInfo.processInfo.environment["EMBER_BLAS"] ?? ""
    if setting.lowercased() == "none" {
      return (nil, "EMBER_BLAS=none: BLAS disabled, using the built-in GEMM")
    }
    let paths = setting.isEmpty ? candidates : [setting]
    var failures: [String] = []
    for path in paths {
      switch open(path) {
      case .success(let blas):
        blas.setThreadCount(Parallel.threadCount)
        return (blas, "")
      case .failure(let reason):
        failures.append("\(path): \(reason.message)")
      }
    }
    let source = setting.isEmpty ? "no BLAS found" : "EMBER_BLAS=\(setting) did not load"
    return (nil, "\(source), using the built-in GEMM. Tried:\n  " + failures.joined(separator: "\n  "))
  }

  private struct LoadFailure: Error { let message: String }

  private static func open(_ path: String) -> Result<BLAS, LoadFailure> {
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      return .failure(LoadFailure(message: lastError() ?? "dlopen failed"))
    }
    func symbol<F>(_ name: String, as type: F.Type) -> F? {
      dlsym(handle, name).map { unsafeBitCast($0, to: type) }
    }
    guard let sgemm = symbol("cblas_sgemm", as: SGEMM.self),
      let dgemm = symbol("cblas_dgemm", as: DGEMM.self)
    else {
      dlclose(handle)
      return .failure(LoadFailure(message: "no cblas_sgemm/cblas_dgemm"))
    }
    func string(_ getter: String) -> String? {
      guard let get = symbol(getter, as: GetString.self), let text = get() else { return nil }
      return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    let file = (path as NSString).lastPathComponent
    var setThreads: ((Int) -> Void)? = symbol("openblas_set_num_threads", as: SetThreads.self)
      .map { f in { f(Int32(clamping: $0)) } }
    let name: String
    if let config = string("openblas_get_config") {
      // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64" → "OpenBLAS 0.3.21"
      let version = config.split(separator: " ").prefix(2).joined(separator: " ")
      let core = string("openblas_get_corename").map { ", core \($0)" } ?? ""
      name = "\(version) (\(file)\(core))"
    } else if let version = string("bli_info_get_version_str") {
      setThreads = symbol("bli_thread_set_num_threads", as: SetThreadsBLIS.self).map { f in { f($0) } }
      name = "BLIS \(version) (\(file))"
    } else if dlsym(handle, "MKL_Set_Num_Threads") != nil {
      setThreads = symbol("MKL_Set_Num_Threads", as: SetThreads.self)
        .map { f in { f(Int32(clamping: $0)) } }
      name = "Intel MKL (\(file))"
    } else if file == "Accelerate" {
      name = "Apple Accelerate"
    } else {
      name = "BLAS (\(file))"
    }
    return .success(BLAS(handle: handle, name: name, sgemm: sgemm, dgemm: dgemm, setThreads: setThreads))
  }

  private static func lastError() -> String? {
    guard let message = dlerror() else { return nil }
    return String(cString: message)
  }
}
