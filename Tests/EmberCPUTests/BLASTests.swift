import Foundation
import Testing
@testable import EmberCPU

@Suite struct BLASTests {
  @Test func loadFollowsEmberBLAS() {
    let setting = ProcessInfo.processInfo.environment["EMBER_BLAS"]
    if setting?.lowercased() == "none" {
      #expect(BLAS.shared == nil)
      #expect(BLAS.loadReport.contains("EMBER_BLAS=none"))
    } else if let blas = BLAS.shared {
      #expect(!blas.name.isEmpty)
      #expect(BLAS.loadReport.isEmpty)
    } else {
      #expect(BLAS.loadReport.contains("Tried"), "no BLAS and no explanation: \(BLAS.loadReport)")
    }
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
