import EmberCore
import Foundation

/// The Beijing PM2.5 series (UCI #381, Liang et al. 2015): hourly readings at the US embassy from
/// 2010-01-01 00:00 to 2014-12-31 23:00, 43,824 rows, the weather series of `../shared/data/weather`.
///
/// Columns of `series`, in `featureNames` order: PM2.5 (µg/m³; its 2,067 `NA` readings carried
/// forward from the last reading, the leading ones back from the first), dew point (°C),
/// temperature (°C), pressure (hPa), cumulated wind speed (m/s), cumulated hours of snow and of
/// rain, then the combined wind direction one-hot (`NE`, `NW`, `SE`, `cv`).
///
/// Shapes: `series` `[43824, 11]` float32, rows in time order.
public struct BeijingAirQuality {
  /// The UCI file and its SHA-256.
  public static let source = DatasetSource(
    name: "weather",
    mirrors: [URL(string: "https://archive.ics.uci.edu/ml/machine-learning-databases/00381/")!],
    files: [
      RemoteFile("PRSA_data_2010.1.1-2014.12.31.csv",
                 sha256: "4127f868775e31b3956522adc0ec75af8937dde6a3896e8beed3a376c6d27f1c")
    ])

  /// The wind directions of the one-hot columns, in order.
  public static let windDirections = ["NE", "NW", "SE", "cv"]

  /// The names of `series`' columns.
  public static let featureNames = ["pm2.5", "DEWP", "TEMP", "PRES", "Iws", "Is", "Ir"]
    + windDirections.map { "cbwd=" + $0 }

  /// Every hour's readings, `[rows, 11]` float32.
  public let series: Tensor
  /// How many PM2.5 readings were `NA` (and filled).
  public let missingPM25: Int

  /// The column index of `name` in `series`.
  public static func column(_ name: String) -> Int? { featureNames.firstIndex(of: name) }

  /// Loads the CSV from the `weather` data directory (see `DataDirectory`), checking its SHA-256.
  public init(dataDirectory: URL? = nil, download: Bool = true) throws(DataError) {
    let directory = try DataDirectory.locate(Self.source, explicit: dataDirectory, download: download)
    let url = directory.appendingPathComponent(Self.source.files[0].name)
    try DataDirectory.verify(url, sha256: Self.source.files[0].sha256)
    try self.init(contentsOf: url)
  }

  /// Loads a CSV in the UCI layout: `No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir`.
  ///
  /// - Throws: `DataError` naming the file, line and column of a cell that is not a number (`NA`
  ///   is allowed for PM2.5 only) or an unknown wind direction, or a header in another layout.
  public init(contentsOf url: URL) throws(DataError) {
    let file = url.path
    var records = try parseCSV(try readMaybeGzip(url), file: file)[...]
    let expected = ["No", "year", "month", "day", "hour", "pm2.5", "DEWP", "TEMP", "PRES", "cbwd", "Iws", "Is", "Ir"]
    guard let header = records.popFirst(), header.fields == expected else {
      throw .corrupt(file: file, reason: "header is not '\(expected.joined(separator: ","))'")
    }
    let width = Self.featureNames.count
    var values: [Float] = []
    values.reserveCapacity(records.count * width)
    var missing = 0
    var lastPM: Float? = nil, leading = 0
    for record in records {
      guard record.fields.count == expected.count else {
        throw .badCell(file: file, line: record.line, column: "\(record.fields.count)",
                       reason: "\(record.fields.count) fields, expected \(expected.count)")
      }
      func number(_ index: Int) throws(DataError) -> Float {
        guard let v = Float(record.fields[index]) else {
          throw .badCell(file: file, line: record.line, column: expected[index],
                         reason: "'\(record.fields[index])' is not a number")
        }
        return v
      }
      var pm: Float
      if record.fields[5] == "NA" {
        missing += 1
        if let lastPM { pm = lastPM } else { pm = 0; leading += 1 }
      } else {
        pm = try number(5)
        lastPM = pm
      }
      guard let wind = Self.windDirections.firstIndex(of: record.fields[9]) else {
        throw .badCell(file: file, line: record.line, column: "cbwd",
                       reason: "'\(record.fields[9])' is not one of \(Self.windDirections.joined(separator: ", "))")
      }
      values.append(pm)
      for index in [6, 7, 8, 10, 11, 12] { values.append(try number(index)) }
      for k in Self.windDirections.indices { values.append(k == wind ? 1 : 0) }
    }
    guard lastPM != nil else { throw .corrupt(file: file, reason: "no rows with a PM2.5 reading") }
    // The leading NAs (rows 0..<leading, before any reading) take the first reading.
    for row in 0..<leading { values[row * width] = values[leading * width] }
    series = Tensor(values, shape: [records.count, width])
    missingPM25 = missing
  }

  /// The number of hours.
  public var count: Int { series.shape[0] }
}
