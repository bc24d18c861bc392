import EmberCore
import Foundation
import Testing

@testable import EmberData

@Suite struct CSVDatasetTests {
  func csv(_ text: String, _ body: (URL) throws -> Void) rethrows {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("table.csv")
      write(Array(text.utf8), to: url)
      try body(url)
    }
  }

  @Test func categoricalTargetWithQuotedFields() throws {
    let text = """
      height,"weight, kg",kind\r
      1.5,50,"cat"\r
      2,60,dog\r
      "3.5",70,"the ""best"" dog"\r
      4,80,cat\r

      """
    try csv(text) { url in
      let table = try CSVDataset(contentsOf: url, target: "kind")
      #expect(table.featureNames == ["height", "weight, kg"])
      #expect(table.features.shape == [4, 2])
      #expect(table.features.floats == [1.5, 50, 2, 60, 3.5, 70, 4, 80])
      #expect(table.classNames == ["cat", "dog", "the \"best\" dog"])
      #expect(table.targets.dtype == .int64)
      #expect(table.targets.scalars(as: Int.self) == [0, 1, 2, 0])
      #expect(table.batch(at: [1]).targets.scalars(as: Int.self) == [1])
    }
  }

  @Test func numericTargetForRegression() throws {
    try csv("x,y\n1,2.5\n2,4.5\n") { url in
      let table = try CSVDataset(contentsOf: url, target: "y")
      #expect(table.classNames == nil)
      #expect(table.targets.dtype == .float32 && table.targets.floats == [2.5, 4.5])
      let classes = try CSVDataset(contentsOf: url, target: "y", targetKind: .categorical)
      #expect(classes.classNames == ["2.5", "4.5"])
    }
  }

  @Test func nonNumericCellNamesFileLineAndColumn() {
    csv("a,b,label\n1,2,x\n3,oops,y\n") { url in
      #expect {
        try CSVDataset(contentsOf: url, target: "label")
      } throws: { error in
        guard case .badCell(let file, let line, let column, _) = error as? DataError else {
          return false
        }
        return file == url.path && line == 3 && column.contains("b")
      }
    }
  }

  @Test func raggedRowAndUnknownColumnThrow() {
    csv("a,b,label\n1,2,x\n3,y\n") { url in
      #expect {
        try CSVDataset(contentsOf: url, target: "label")
      } throws: { "\($0)".contains("\(url.path):3") }
      #expect(throws: DataError.self) { try CSVDataset(contentsOf: url, target: "nope") }
    }
    csv("a,label\n\"1,x\n") { url in
      #expect {
        try CSVDataset(contentsOf: url, target: "label")
      } throws: { "\($0)".contains("not closed") }
    }
  }

  @Test(.enabled(if: realDataAvailable)) func realWeatherColumns() throws {
    let url = realDataRoot!.appendingPathComponent("weather/PRSA_data_2010.1.1-2014.12.31.csv")
    guard FileManager.default.fileExists(atPath: url.path) else { return }
    let table = try CSVDataset(
      contentsOf: url, target: "cbwd", featureColumns: ["DEWP", "TEMP", "PRES"])
    #expect(table.count == 43824)
    #expect(table.classNames == ["NE", "NW", "SE", "cv"])
  }
}
