import EmberCore
import Foundation
import Testing

@testable import EmberData

@Suite struct DigitsTests {
  @Test func parsesGzippedRows() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("digits.csv.gz")
      let rows = (0..<2).map { r in ((0..<64).map { String(($0 + r) % 17) } + ["\(r + 3)"]) }
      let text = rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
      write(storedGzip(Array(text.utf8)), to: url)
      let digits = try Digits(contentsOf: url, asImages: true, scaled: true)
      #expect(digits.images.shape == [2, 1, 8, 8])
      #expect(digits.images.floats[16] == 1)
      #expect(digits.labels.scalars(as: Int.self) == [3, 4])
    }
  }

  @Test func shortRowThrows() {
    withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("digits.csv")
      write(Array("1,2,3\n".utf8), to: url)
      #expect { try Digits(contentsOf: url) } throws: { "\($0)".contains("expected 65") }
    }
  }

  @Test(.enabled(if: realDataAvailable)) func realDigits() throws {
    let digits = try Digits(dataDirectory: realDataRoot, download: false)
    #expect(digits.images.shape == [1797, 64])
    var histogram = [Int](repeating: 0, count: 10)
    for label in digits.labels.scalars(as: Int.self) { histogram[label] += 1 }
    #expect(histogram == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    #expect(digits.images.max().item == 16)
  }
}
