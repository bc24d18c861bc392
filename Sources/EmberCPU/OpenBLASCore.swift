/// Whether an OpenBLAS core (the kernel set `openblas_get_corename()` names) suits this CPU.
///
/// A `DYNAMIC_ARCH` OpenBLAS picks its core from the CPU's model number when it loads. One older than
/// the CPU (Debian's 0.3.21 on Sapphire Rapids) falls back to `Prescott`, SSE3 kernels about 4× slower
/// than its `SkylakeX` ones. Ember judges a core by the widest vector instructions its kernels use,
/// against the CPU's own features (`CPUFeatures`), not by model numbers, so a core OpenBLAS picked on a
/// CPU it knows (`Cooperlake`, `Zen`, …) is kept.
public enum OpenBLASCore {
  /// The widest vector instructions a core's kernels use, in order.
  enum Level: Int, Comparable {
    case sse, avx, avx2FMA, avx512F

    static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
  }

  /// Ember's judgement of a core on a CPU.
  public enum Verdict: Equatable, Sendable {
    /// The core uses the widest vector unit this CPU has (or Ember does not judge this CPU).
    case matches
    /// The core's kernels are older than the CPU: `OPENBLAS_CORETYPE=wanted` gives the right ones.
    case tooOld(wanted: String)
    /// The core needs instructions (`needs`, e.g. "AVX-512F") this CPU lacks.
    case unsupported(needs: String)
    /// Ember does not know the name (another architecture, or a core newer than this table): trusted.
    case unknown
  }

  /// x86 cores by the vector instructions their kernels use (lowercased; dynamic and static builds).
  static let levels: [String: Level] = {
    var table: [String: Level] = [:]
    for name in ["katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn",
                 "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano",
                 "bobcat"] { table[name] = .sse }
    for name in ["sandybridge", "bulldozer", "piledriver", "steamroller"] { table[name] = .avx }
    for name in ["haswell", "zen", "excavator"] { table[name] = .avx2FMA }
    for name in ["skylakex", "cooperlake", "sapphirerapids"] { table[name] = .avx512F }
    return table
  }()

  /// The core Ember asks for on a CPU with `features`: `SkylakeX` with AVX-512F, `Haswell` with
  /// AVX2+FMA, `nil` otherwise (OpenBLAS's own choice stands).
  public static func wanted(for features: CPUFeatures) -> String? {
    if features.contains(.avx512F) { return "SkylakeX" }
    if features.contains(.avx2FMA) { return "Haswell" }
    return nil
  }

  /// The CPU's widest vector unit as Ember names it ("AVX-512F", "AVX2+FMA"), for reports.
  static func widestUnit(of features: CPUFeatures) -> String {
    features.contains(.avx512F) ? "AVX-512F" : features.contains(.avx2FMA) ? "AVX2+FMA" : "SSE"
  }

  /// Judges `core` (as `openblas_get_corename()` returns it, any case) on a CPU with `features`.
  ///
  /// A core below the CPU's widest unit (`Prescott` or `Haswell` with AVX-512F, `Sandybridge` with
  /// AVX2+FMA) is `.tooOld`; one above it is `.unsupported`; names outside the table are `.unknown`.
  public static func verdict(core: String, features: CPUFeatures) -> Verdict {
    guard let level = levels[core.lowercased()] else { return .unknown }
    if level == .avx512F && !features.contains(.avx512F) { return .unsupported(needs: "AVX-512F") }
    if level == .avx2FMA && !features.contains(.avx2FMA) { return .unsupported(needs: "AVX2+FMA") }
    let cpu: Level? =
      features.contains(.avx512F) ? .avx512F : features.contains(.avx2FMA) ? .avx2FMA : nil
    guard let cpu, level < cpu, let wanted = wanted(for: features) else { return .matches }
    return .tooOld(wanted: wanted)
  }
}
