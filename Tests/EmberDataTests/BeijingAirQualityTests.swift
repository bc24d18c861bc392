import EmberCore
import Foundation
import Testing

@testable import EmberData

/// The Beijing PM2.5 loader on a small file in its layout (CRLF, `NA`s), its errors, and the real
/// file when `EMBER_DATA` holds it; the Jena layout on a small file.
@Suite struct BeijingAirQualityTests {
  static func write(_ text: String, name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(UUID())-\(name)")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  static let header = "No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir\r\n"

  @Test func readsAndFillsMissingReadings() throws {
    let url = try Self.write(Self.header
      + "1,2010,1,1,0,NA,-21,-11,1021,NW,1.79,0,0\r\n"
      + "2,2010,1,1,1,129,-16,-4,1020,SE,1.79,0,0\r\n"
      + "3,2010,1,1,2,NA,-15,-4,1020,cv,0.89,0,1\r\n"
      + "4,2010,1,1,3,181,-11,-5,1021,NE,1.79,2,0\r\n", name: "prsa.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = try BeijingAirQuality(contentsOf: url)
    #expect(data.count == 4 && data.missingPM25 == 2)
    #expect(data.series.shape == [4, 11])
    let rows = data.series.doubles
    #expect(Array(rows[0..<11]) == [129, -21, -11, 1021, 1.7899999618530273, 0, 0, 0, 1, 0, 0])
    #expect(rows[22] == 129 && rows[33] == 181)  // carried forward; then read
    #expect(Array(rows[29..<33]) == [0, 0, 0, 1] && Array(rows[40..<44]) == [1, 0, 0, 0])
    #expect(BeijingAirQuality.column("TEMP") == 2)
  }

  @Test func badCellsNameTheirLine() throws {
    let url = try Self.write(Self.header + "1,2010,1,1,0,12,-21,x,1021,NW,1.79,0,0\r\n", name: "bad.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: DataError.badCell(file: url.path, line: 2, column: "TEMP", reason: "'x' is not a number")) {
      try BeijingAirQuality(contentsOf: url)
    }
    let wind = try Self.write(Self.header + "1,2010,1,1,0,12,-21,3,1021,SW,1.79,0,0\r\n", name: "wind.csv")
    defer { try? FileManager.default.removeItem(at: wind) }
    #expect(throws: DataError.self) { try BeijingAirQuality(contentsOf: wind) }
  }

  @Test func theRealFile() throws {
    guard let root = ProcessInfo.processInfo.environment["EMBER_DATA"],
          FileManager.default.fileExists(atPath: root + "/weather/PRSA_data_2010.1.1-2014.12.31.csv")
    else { return }
    let data = try BeijingAirQuality(dataDirectory: URL(fileURLWithPath: root + "/weather"), download: false)
    #expect(data.count == 43824 && data.missingPM25 == 2067)
  }

  @Test func jenaLayout() throws {
    let url = try Self.write("\"Date Time\",\"p (mbar)\",\"T (degC)\"\n01.01.2009 00:10:00,996.52,-8.02\n"
      + "01.01.2009 00:20:00,996.57,-8.41\n", name: "jena.csv")
    defer { try? FileManager.default.removeItem(at: url) }
    let jena = try JenaClimate(contentsOf: url)
    #expect(jena.featureNames == ["p (mbar)", "T (degC)"] && jena.column("T (degC)") == 1)
    #expect(jena.series.shape == [2, 2] && jena.timestamps[1] == "01.01.2009 00:20:00")
    expectCloseFloat(jena.series.doubles, [996.52, -8.02, 996.57, -8.41])
  }
}

private func expectCloseFloat(_ a: [Double], _ b: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 }, "\(a) vs \(b)", sourceLocation: sourceLocation)
}
