import Foundation
import Testing

@testable import EmberData

@Suite struct IDXTests {
  @Test func parsesPlainAndGzippedFiles() throws {
    try withTemporaryDirectory { dir in
      let bytes = idxBytes(dimensions: [2, 3], data: [1, 2, 3, 4, 5, 6])
      write(bytes, to: dir.appendingPathComponent("a.idx"))
      write(storedGzip(bytes), to: dir.appendingPathComponent("a.idx.gz"))
      for name in ["a.idx", "a.idx.gz"] {
        let array = try IDXArray(contentsOf: dir.appendingPathComponent(name))
        #expect(array.dimensions == [2, 3])
        #expect(array.bytes == [1, 2, 3, 4, 5, 6])
      }
    }
  }

  @Test func badMagicThrowsNamingTheFile() {
    let bytes = idxBytes(dimensions: [1], data: [0], magic: [0x12, 0x34, 0x08, 1])
    #expect {
      try IDXArray(bytes, name: "labels.idx")
    } throws: { error in
      "\(error)".contains("labels.idx") && "\(error)".contains("magic")
    }
    let wrongType = idxBytes(dimensions: [1], data: [0, 0, 0, 0], magic: [0, 0, 0x0D, 1])
    #expect(throws: DataError.self) { try IDXArray(wrongType, name: "x") }
  }

  @Test func truncatedDataThrows() {
    let bytes = idxBytes(dimensions: [2, 2], data: [1, 2, 3])
    #expect {
      try IDXArray(bytes, name: "images.idx")
    } throws: { error in
      "\(error)".contains("images.idx") && "\(error)".contains("truncated")
    }
    #expect(throws: DataError.self) { try IDXArray([0, 0, 8, 2, 0, 0], name: "short") }
  }
}
