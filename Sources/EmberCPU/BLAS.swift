#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A BLAS library loaded at run time with `dlopen` (OpenBLAS, BLIS, MKL, or Accelerate on macOS).
///
/// `EMBER_BLAS` chooses (see `BLASRequest`): unset, Ember loads the first library whose kernels suit
/// this CPU; `openblas`, `mkl`, `blis`, `accelerate` or a path loads that one; `none` keeps the
/// built-in GEMM. An OpenBLAS that picked a core older than the CPU (`openblas_get_corename()` judged
/// by `OpenBLASCore`) is reloaded with `OPENBLAS_CORETYPE` set to the right core while it loads, or
/// passed over when that cannot be done (the user set `OPENBLAS_CORETYPE`, or the build has one core
/// only). `loadReport` says what was chosen and why. Matrix products go through BLAS when one is
/// loaded; without one Ember runs its own kernels.
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

  /// The loaded BLAS, or `nil` when none was found, none suited the CPU, or `EMBER_BLAS=none`.
  public static let shared: BLAS? = loaded.blas

  /// Why Ember chose the library it loaded, or none: what `EMBER_BLAS` asked for, each library tried
  /// and what became of it, and an OpenBLAS's core (kept, corrected, or why it was passed over). One
  /// line per fact; `ember info` shows it.
  public static let loadReport: String = loaded.report

  private static let loaded: (blas: BLAS?, report: String) = load()

  /// Library name and version, e.g. "OpenBLAS 0.3.21 (libopenblas.so.0, core SkylakeX)".
  public let name: String
  /// The core an OpenBLAS runs (`openblas_get_corename()`, e.g. "SkylakeX"); `nil` for other libraries.
  public let coreName: String?
  /// Whether this OpenBLAS carries every core and picks one as it loads (`DYNAMIC_ARCH`), so that
  /// `OPENBLAS_CORETYPE` can choose it.
  let isDynamicArch: Bool
  let sgemm: SGEMM
  let dgemm: DGEMM
  private let setThreads: ((Int) -> Void)?
  private let handle: UnsafeMutableRawPointer

  private init(
    handle: UnsafeMutableRawPointer, name: String, coreName: String?, isDynamicArch: Bool,
    sgemm: SGEMM, dgemm: DGEMM, setThreads: ((Int) -> Void)?
  ) {
    self.handle = handle
    self.name = name
    self.coreName = coreName
    self.isDynamicArch = isDynamicArch
    self.sgemm = sgemm
    self.dgemm = dgemm
    self.setThreads = setThreads
  }

  /// Sets how many threads the library's own kernels use (when it lets us; Accelerate does not).
  public func setThreadCount(_ count: Int) {
    setThreads?(Swift.max(1, count))
  }

  /// The libraries tried in order when `EMBER_BLAS` is unset.
  static var candidates: [String] { BLASRequest.automatic.candidates }

  /// A sane system BLAS to compare the built-in GEMM with (`ember bench gemm-shapes`): the loaded
  /// one, or else the first library `EMBER_BLAS=auto` would load (`nil` under `EMBER_BLAS=none` or
  /// when there is none). Ember's kernels never use it unless it is also `shared`.
  public static let comparison: BLAS? = {
    if let shared { return shared }
    let request = BLASRequest(ProcessInfo.processInfo.environment["EMBER_BLAS"])
    if request == .none { return nil }
    for path in BLASRequest.automatic.candidates {
      let userCore = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
      if case .loaded(let blas, _) = open(path, forced: false, userCoreType: userCore) {
        blas.setThreadCount(Parallel.threadCount)
        return blas
      }
    }
    return nil
  }()

  private static func load() -> (blas: BLAS?, report: String) {
    let environment = ProcessInfo.processInfo.environment
    let setting = environment["EMBER_BLAS"]
    let request = BLASRequest(setting)
    let asked: String
    switch request {
    case .none: return (nil, "EMBER_BLAS=none: BLAS disabled, using the built-in GEMM")
    case .emberDefault:
      let given = setting.map { "EMBER_BLAS=\($0)" } ?? "EMBER_BLAS unset"
      if BLASRequest.prefersBuiltIn(features: .current) {
        return (nil, "Ember's choice (\(given)): the built-in GEMM, whose \(CPUFeatures.current) "
          + "kernels match or beat a system BLAS on the products of a training step (ember bench "
          + "gemm-shapes)\nEMBER_BLAS=auto loads the first system BLAS that suits this CPU, "
          + "EMBER_BLAS=openblas|mkl|blis|PATH a given one")
      }
      asked = "Ember's choice (\(given)): no built-in kernels for this CPU's vector units "
        + "(\(CPUFeatures.current)), so the first library found whose kernels suit it"
    case .automatic:
      asked = "EMBER_BLAS=\(setting ?? "auto"): the first library found whose kernels suit this CPU "
        + "(\(CPUFeatures.current))"
    case .library, .path:
      asked = "EMBER_BLAS=\(setting ?? ""): this library only, used even if its kernels do not suit "
        + "this CPU"
    }
    var lines = [asked]
    for path in request.candidates {
      switch open(path, forced: request.isForced, userCoreType: environment["OPENBLAS_CORETYPE"]) {
      case .loaded(let blas, let note):
        blas.setThreadCount(Parallel.threadCount)
        lines.append("\(path): \(note)")
        return (blas, lines.joined(separator: "\n"))
      case .passedOver(let reason), .failed(let reason):
        lines.append("\(path): \(reason)")
      }
    }
    var hint = ""
    if case .path(let path) = request, !path.contains("/") {
      let names = BLASRequest.Family.allCases.map(\.rawValue).joined(separator: ", ")
      hint = " (EMBER_BLAS takes \(names), none, or a path)"
    }
    lines.append("no BLAS loaded\(hint), using the built-in GEMM")
    return (nil, lines.joined(separator: "\n"))
  }

  private enum Outcome {
    /// Loaded; `note` says what became of its core.
    case loaded(BLAS, note: String)
    /// Loaded but unloaded again: its kernels do not suit this CPU and could not be corrected.
    case passedOver(String)
    /// Not found, or not a CBLAS.
    case failed(String)
  }

  /// Loads `path` and judges an OpenBLAS's core, reloading it with `OPENBLAS_CORETYPE` when it
  /// picked one older than the CPU and the user has not set the variable. A library whose core
  /// still does not suit the CPU is passed over unless `forced`.
  private static func open(_ path: String, forced: Bool, userCoreType: String?) -> Outcome {
    let blas: BLAS
    switch open(path) {
    case .failure(let reason): return .failed(reason.message)
    case .success(let library): blas = library
    }
    guard let core = blas.coreName else { return .loaded(blas, note: "loaded") }
    let features = CPUFeatures.current
    let userNote = userCoreType.map { " (OPENBLAS_CORETYPE=\($0), set by the user and left as set)" }
      ?? ""
    func keepOrPassOver(_ problem: String) -> Outcome {
      if forced { return .loaded(blas, note: "\(problem); kept because EMBER_BLAS names it") }
      blas.unload()
      return .passedOver("passed over: \(problem); EMBER_BLAS=openblas would load it anyway")
    }
    switch OpenBLASCore.verdict(core: core, features: features) {
    case .matches:
      return .loaded(blas, note: "core \(core)\(userNote) suits this CPU (\(features))")
    case .unknown:
      return .loaded(blas, note: "core \(core)\(userNote), not one Ember judges: kept")
    case .unsupported(let needs):
      return keepOrPassOver("core \(core)\(userNote) needs \(needs), which this CPU lacks")
    case .tooOld(let wanted):
      let cpu = "this CPU (its \(OpenBLASCore.widestUnit(of: features)) calls for \(wanted))"
      let mismatch = "core \(core)\(userNote) does not match \(cpu)"
      if userCoreType != nil { return keepOrPassOver(mismatch) }
      guard blas.isDynamicArch else {
        return keepOrPassOver("\(mismatch); this build has no other core (not DYNAMIC_ARCH)")
      }
      // OpenBLAS reads OPENBLAS_CORETYPE once, as it loads: unload it and load it again with the
      // variable set, then unset it so that child processes see the user's environment.
      blas.unload()
      if let still = dlopen(path, RTLD_NOW | RTLD_NOLOAD) {
        // Something else in this process holds the library, so it cannot be reloaded.
        dlclose(still)
        guard case .success(let same) = open(path) else {
          return .failed("\(mismatch); reloading it failed")
        }
        let problem = "\(mismatch); it cannot be corrected, another library holds it loaded"
        if forced { return .loaded(same, note: "\(problem); kept because EMBER_BLAS names it") }
        same.unload()
        return .passedOver("passed over: \(problem)")
      }
      setenv("OPENBLAS_CORETYPE", wanted, 1)
      let reloaded = open(path)
      unsetenv("OPENBLAS_CORETYPE")
      guard case .success(let corrected) = reloaded, let newCore = corrected.coreName else {
        return .failed("\(mismatch); reloading it with OPENBLAS_CORETYPE=\(wanted) failed")
      }
      let picked = "OpenBLAS picked core \(core), which does not match \(cpu)"
      guard OpenBLASCore.verdict(core: newCore, features: features) == .matches else {
        let problem = "\(picked); reloaded with OPENBLAS_CORETYPE=\(wanted) it runs \(newCore)"
        if forced { return .loaded(corrected, note: "\(problem); kept because EMBER_BLAS names it") }
        corrected.unload()
        return .passedOver("passed over: \(problem)")
      }
      return .loaded(corrected, note: "\(picked); corrected: reloaded with OPENBLAS_CORETYPE=\(wanted)"
        + ", now core \(newCore)")
    }
  }

  private struct LoadFailure: Error { let message: String }

  /// The `OPENBLAS_THREAD_TIMEOUT` Ember loads OpenBLAS with unless the user set one: its idle
  /// threads spin for 2^N cycles before sleeping, 2^28 (about a tenth of a second) by default, which
  /// takes the cores from Ember's own kernels between products; 2^16 is tens of microseconds, as
  /// Ember's pool spins. Measured (`EMBER_BLAS=openblas ember bench mlp`, Zen 4, 2 rounds):
  /// 20.8k/19.6k samples/s with the default, 26.3k/26.6k with 16.
  static let threadTimeout = "16"

  private static func open(_ path: String) -> Result<BLAS, LoadFailure> {
    // OpenBLAS reads its environment as it loads; the variable is removed again right after.
    let setTimeout = getenv("OPENBLAS_THREAD_TIMEOUT") == nil
    if setTimeout { setenv("OPENBLAS_THREAD_TIMEOUT", threadTimeout, 1) }
    defer { if setTimeout { unsetenv("OPENBLAS_THREAD_TIMEOUT") } }
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      // dlerror() starts with the file name ("libblis.so.4: cannot open shared object file: …").
      var message = lastError() ?? "dlopen failed"
      if message.hasPrefix(path + ": ") { message.removeFirst(path.count + 2) }
      return .failure(LoadFailure(message: message))
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
    var coreName: String? = nil
    var isDynamicArch = false
    if let config = string("openblas_get_config") {
      // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"
      let words = config.split(separator: " ")
      let version = words.prefix(2).joined(separator: " ")
      isDynamicArch = words.contains("DYNAMIC_ARCH")
      coreName = string("openblas_get_corename")
      name = "\(version) (\(file)\(coreName.map { ", core \($0)" } ?? ""))"
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
    return .success(BLAS(
      handle: handle, name: name, coreName: coreName, isDynamicArch: isDynamicArch, sgemm: sgemm,
      dgemm: dgemm, setThreads: setThreads))
  }

  /// Closes the library's handle (once, for a library Ember passes over or reloads; the chosen one
  /// stays loaded for the life of the process).
  private func unload() {
    dlclose(handle)
  }

  private static func lastError() -> String? {
    guard let message = dlerror() else { return nil }
    return String(cString: message)
  }
}
