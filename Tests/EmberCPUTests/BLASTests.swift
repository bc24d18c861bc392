import Foundation
import Testing
@testable import EmberCPU

@Suite struct BLASTests {
  @Test func loadFollowsEmberBLAS() {
    let setting = ProcessInfo.processInfo.environment["EMBER_BLAS"]
    if setting?.lowercased() == "none" {
      #expect(BLAS.shared == nil)
      #expect(BLAS.loadReport.contains("EMBER_BLAS=none"))
    } else if BLASRequest(setting) == .emberDefault && BLASRequest.prefersBuiltIn(features: .current) {
      // Ember's choice on a CPU with AVX2/AVX-512 kernels: the built-in GEMM, and the report says how
      // to load a system BLAS instead.
      #expect(BLAS.shared == nil)
      #expect(BLAS.loadReport.contains("the built-in GEMM") && BLAS.loadReport.contains("EMBER_BLAS=auto"),
              "\(BLAS.loadReport)")
    } else if let blas = BLAS.shared {
      #expect(!blas.name.isEmpty)
      // The first line says what was asked, the last which library loaded and what became of its core.
      let lines = BLAS.loadReport.split(separator: "\n")
      #expect(lines.count >= 2, "\(BLAS.loadReport)")
      #expect(lines.first?.contains("EMBER_BLAS") == true, "\(BLAS.loadReport)")
    } else {
      #expect(BLAS.loadReport.contains("no BLAS loaded"), "no BLAS and no explanation: \(BLAS.loadReport)")
    }
  }

  /// Ember's choice never keeps an OpenBLAS core that does not suit this CPU: it corrects it, or, when
  /// the user set `OPENBLAS_CORETYPE` (`OPENBLAS_CORETYPE=Prescott swift test` reproduces Debian's
  /// 0.3.21 on Sapphire Rapids), passes the library over and says why. The user's variable is left as
  /// set, and a corrected load leaves the environment as it found it.
  @Test func loadedOpenBLASCoreSuitsThisCPU() {
    let environment = ProcessInfo.processInfo.environment
    let userCore = environment["OPENBLAS_CORETYPE"]
    let report = BLAS.loadReport
    let request = BLASRequest(environment["EMBER_BLAS"])
    let automatic = request == .automatic || request == .emberDefault
    if automatic, let core = BLAS.shared?.coreName {
      let verdict = OpenBLASCore.verdict(core: core, features: .current)
      #expect(verdict == .matches || verdict == .unknown, "core \(core): \(report)")
    }
    if let userCore {
      #expect(String(cString: getenv("OPENBLAS_CORETYPE")) == userCore)
      #expect(!report.contains("corrected"), "\(report)")
      if case .tooOld = OpenBLASCore.verdict(core: userCore, features: .current),
        report.contains("core \(userCore)")
      {
        #expect(report.contains("does not match"), "\(report)")
        if automatic {
          #expect(BLAS.shared?.coreName == nil, "\(report)")
          #expect(report.contains("passed over"), "\(report)")
        }
      }
    }
    if report.contains("corrected") {
      #expect(getenv("OPENBLAS_CORETYPE") == nil, "Ember's OPENBLAS_CORETYPE leaked: \(report)")
      #expect(report.contains("does not match"), "\(report)")
    }
  }

  /// One row per rule: a core below the CPU's widest unit is corrected, one above it cannot run,
  /// a core OpenBLAS picked right on a CPU it knows is kept, and names Ember does not know are trusted.
  @Test(arguments: [
    ("Prescott", [.avx2FMA, .avx512F], .tooOld(wanted: "SkylakeX")),
    ("Nehalem", [.avx2FMA, .avx512F], .tooOld(wanted: "SkylakeX")),
    ("Sandybridge", [.avx2FMA, .avx512F], .tooOld(wanted: "SkylakeX")),
    ("Haswell", [.avx2FMA, .avx512F], .tooOld(wanted: "SkylakeX")),
    ("Zen", [.avx2FMA, .avx512F], .tooOld(wanted: "SkylakeX")),
    ("SkylakeX", [.avx2FMA, .avx512F], .matches),
    ("Cooperlake", [.avx2FMA, .avx512F], .matches),
    ("SapphireRapids", [.avx2FMA, .avx512F], .matches),
    ("SKYLAKEX", [.avx2FMA, .avx512F], .matches),
    ("Core2", [.avx2FMA], .tooOld(wanted: "Haswell")),
    ("Atom", [.avx2FMA], .tooOld(wanted: "Haswell")),
    ("Katmai", [.avx2FMA], .tooOld(wanted: "Haswell")),
    ("Piledriver", [.avx2FMA], .tooOld(wanted: "Haswell")),
    ("Haswell", [.avx2FMA], .matches),
    ("Zen", [.avx2FMA], .matches),
    ("Excavator", [.avx2FMA], .matches),
    ("haswell", [.avx2FMA], .matches),
    ("SkylakeX", [.avx2FMA], .unsupported(needs: "AVX-512F")),
    ("Haswell", [], .unsupported(needs: "AVX2+FMA")),
    ("Prescott", [], .matches),
    ("Sandybridge", [], .matches),
    ("NeoverseN1", [], .unknown),
    ("Unknown", [.avx2FMA, .avx512F], .unknown),
  ] as [(String, CPUFeatures, OpenBLASCore.Verdict)])
  func coreVerdict(core: String, features: CPUFeatures, expected: OpenBLASCore.Verdict) {
    #expect(OpenBLASCore.verdict(core: core, features: features) == expected)
  }

  @Test func wantedCoreFollowsTheWidestUnit() {
    #expect(OpenBLASCore.wanted(for: [.avx2FMA, .avx512F]) == "SkylakeX")
    #expect(OpenBLASCore.wanted(for: [.avx2FMA]) == "Haswell")
    #expect(OpenBLASCore.wanted(for: []) == nil)
  }

  /// Ember loads OpenBLAS with a short thread timeout unless the user set one, and leaves the
  /// environment as it found it.
  @Test func threadTimeoutDoesNotLeak() {
    _ = BLAS.shared
    _ = BLAS.comparison
    let user = ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"]
    #expect(getenv("OPENBLAS_THREAD_TIMEOUT").map { String(cString: $0) } == user)
    #expect(BLAS.threadTimeout == "16")
  }

  @Test func emberBLASParses() {
    #expect(BLASRequest(nil) == .emberDefault)
    #expect(BLASRequest(" ") == .emberDefault)
    #expect(BLASRequest("auto") == .automatic)
    #expect(BLASRequest.prefersBuiltIn(features: [.avx2FMA, .avx512F]))
    #expect(BLASRequest.prefersBuiltIn(features: [.avx2FMA]))
    #expect(!BLASRequest.prefersBuiltIn(features: []))
    #expect(BLASRequest("None") == .none)
    #expect(BLASRequest("OpenBLAS") == .library(.openblas))
    #expect(BLASRequest("mkl") == .library(.mkl))
    #expect(BLASRequest("blis") == .library(.blis))
    #expect(BLASRequest("/opt/lib/libopenblas.so") == .path("/opt/lib/libopenblas.so"))
    #expect(BLASRequest("libfoo.so") == .path("libfoo.so"))
    #expect(!BLASRequest.automatic.isForced && !BLASRequest.none.isForced && !BLASRequest.emberDefault.isForced)
    #expect(BLASRequest.library(.blis).isForced && BLASRequest.path("x").isForced)
    #expect(BLASRequest.none.candidates.isEmpty)
    #expect(BLASRequest.path("x").candidates == ["x"])
    #if os(Linux)
    #expect(BLASRequest.library(.openblas).candidates == ["libopenblas.so.0", "libopenblas.so"])
    #expect(BLASRequest.library(.mkl).candidates.allSatisfy { $0.hasPrefix("libmkl_rt") })
    #endif
  }

  @Test(.enabled(if: BLAS.shared != nil)) func openBLASNameHasVersionFileAndCore() throws {
    let blas = try #require(BLAS.shared)
    guard blas.name.hasPrefix("OpenBLAS") else { return }
    #expect(blas.name.contains("(libopenblas"))
    #expect(blas.name.contains("core "))
  }

  @Test(.enabled(if: BLAS.shared != nil)) func sgemmAndDgemmComputeATransposedProduct() throws {
    let blas = try #require(BLAS.shared)
    // A = [[1, 2], [3, 4]] stored column-major (so Aᵀ row-major), B = [[5, 6], [7, 8]] row-major.
    let a: [Float] = [1, 3, 2, 4], b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: 0, count: 4)
    blas.sgemm(BLAS.rowMajor, BLAS.transpose, BLAS.noTranspose, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    #expect(c == [19, 22, 43, 50])
    var d = [Double](repeating: 0, count: 4)
    blas.dgemm(BLAS.rowMajor, BLAS.transpose, BLAS.noTranspose, 2, 2, 2, 1, a.map { Double($0) }, 2,
               b.map { Double($0) }, 2, 0, &d, 2)
    #expect(d == [19, 22, 43, 50])
  }

  @Test(.enabled(if: BLAS.shared != nil)) func setThreadCountKeepsResultsCorrect() throws {
    let blas = try #require(BLAS.shared)
    blas.setThreadCount(1)
    defer { blas.setThreadCount(Parallel.threadCount) }
    let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: 0, count: 4)
    blas.sgemm(BLAS.rowMajor, BLAS.noTranspose, BLAS.noTranspose, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    #expect(c == [19, 22, 43, 50])
  }

  @Test func candidatesStartWithOpenBLAS() {
    #if os(Linux)
    #expect(BLAS.candidates.first == "libopenblas.so.0")
    #endif
  }
}
