import EmberCPU
import Foundation
import Testing

/// `ember info`'s BLAS report, run as a child process: OpenBLAS reads `OPENBLAS_CORETYPE` once, as it
/// loads, so each environment needs a fresh process.
@Suite struct InfoTests {
  /// The `ember` binary beside this test bundle (`nil` when it was not built).
  static let ember: URL? = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("ember")
    return FileManager.default.isExecutableFile(atPath: beside.path) ? beside : nil
  }()

  /// Runs `ember info` with `OPENBLAS_CORETYPE` and `EMBER_BLAS` set as given (`nil`: unset) and
  /// returns the BLAS row and its continuation lines.
  static func blasReport(coreType: String?, emberBLAS: String?) throws -> String {
    let process = Process()
    process.executableURL = try #require(ember)
    process.arguments = ["info"]
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_CORETYPE"] = coreType
    environment["EMBER_BLAS"] = emberBLAS
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "ember info: \(output)")
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("BLAS:") }) else { return output }
    let rest = lines[(start + 1)...].prefix { $0.hasPrefix(" ") }
    return ([lines[start]] + rest).joined(separator: "\n")
  }

  /// Whether this machine has an OpenBLAS (`EMBER_BLAS=openblas` loads one) on a CPU whose features
  /// Ember judges cores against.
  static let openBLASOnAnAVX2Machine: Bool = {
    guard ember != nil, OpenBLASCore.wanted(for: .current) != nil,
      let report = try? blasReport(coreType: nil, emberBLAS: "openblas")
    else { return false }
    return report.hasPrefix("BLAS:") && report.contains("OpenBLAS ")
      && !report.contains("no BLAS loaded")
  }()

  @Test(.enabled(if: ember != nil)) func reportSaysWhatWasAskedAndChosen() throws {
    let none = try Self.blasReport(coreType: nil, emberBLAS: "none")
    #expect(none.contains("none (built-in GEMM)") && none.contains("EMBER_BLAS=none"), "\(none)")
    let missing = try Self.blasReport(coreType: nil, emberBLAS: "/nonexistent/libblas.so")
    #expect(missing.contains("none (built-in GEMM)") && missing.contains("no BLAS loaded"), "\(missing)")
    let choice = try Self.blasReport(coreType: nil, emberBLAS: nil)
    #expect(choice.contains("Ember's choice (EMBER_BLAS unset)"), "\(choice)")
    if BLASRequest.prefersBuiltIn(features: .current) {
      #expect(choice.contains("none (built-in GEMM)") && choice.contains("EMBER_BLAS=auto"), "\(choice)")
    }
    let automatic = try Self.blasReport(coreType: nil, emberBLAS: "auto")
    #expect(automatic.contains("EMBER_BLAS=auto: the first library found"), "\(automatic)")
  }

  /// With `OPENBLAS_CORETYPE` unset, the OpenBLAS `EMBER_BLAS=auto` loads runs a core that suits this
  /// CPU: the one it picked, or the one Ember corrected it to.
  @Test(.enabled(if: openBLASOnAnAVX2Machine)) func openBLASCoreSuitsThisCPU() throws {
    let report = try Self.blasReport(coreType: nil, emberBLAS: "auto")
    // "BLAS: OpenBLAS 0.3.21 (libopenblas.so.0, core SkylakeX)"
    let row = try #require(report.split(separator: "\n").first)
    let core = try #require(row.components(separatedBy: ", core ").last?.dropLast(), "\(report)")
    #expect(OpenBLASCore.verdict(core: String(core), features: .current) == .matches, "\(report)")
    #expect(report.contains("suits this CPU") || report.contains("corrected"), "\(report)")
  }

  /// `OPENBLAS_CORETYPE=Prescott` set by the user reproduces the mis-detection: Ember leaves the
  /// variable alone, says the core does not match, and (`EMBER_BLAS=auto`) passes the library over
  /// unless `EMBER_BLAS=openblas` names it.
  @Test(.enabled(if: openBLASOnAnAVX2Machine)) func userPrescottIsRespectedAndReported() throws {
    let automatic = try Self.blasReport(coreType: "Prescott", emberBLAS: "auto")
    #expect(automatic.contains("core Prescott (OPENBLAS_CORETYPE=Prescott"), "\(automatic)")
    #expect(automatic.contains("does not match") && automatic.contains("passed over"), "\(automatic)")
    #expect(!automatic.contains("corrected") && !automatic.contains(", core Prescott)"), "\(automatic)")
    let forced = try Self.blasReport(coreType: "Prescott", emberBLAS: "openblas")
    #expect(forced.contains(", core Prescott)") && forced.contains("does not match"), "\(forced)")
    #expect(forced.contains("kept because EMBER_BLAS names it"), "\(forced)")
  }
}
