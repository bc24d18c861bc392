import EmberBackend
import EmberCore
import Foundation
import Testing

@testable import EmberData

/// Tests/Fixtures/image_fixtures.json (Tests/Fixtures/make_image_fixtures.py): small files and
/// the pixels the codecs' own decoders give for them (through Pillow, on the same libraries).
private struct ImageFixture: Decodable {
  struct Case: Decodable {
    let bytes: String
    let width: Int, height: Int
    let rgb: [Int]
    let gray: [Int]?
    let tolerance: Int?
    var data: [UInt8] { [UInt8](Data(base64Encoded: bytes)!) }
  }

  struct Resized: Decodable {
    let width: Int, height: Int
    let antialias: Bool?
    let rgb: [Int]
  }
  struct Resizing: Decodable {
    let source: Resized
    let cases: [Resized]
  }

  let versions: [String: String]
  let cases: [String: Case]
  let resize: Resizing

  static let shared: ImageFixture = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/image_fixtures.json")
    return try! JSONDecoder().decode(ImageFixture.self, from: Data(contentsOf: url))
  }()
}

private func expectPixels(_ image: Image, _ expected: [Int], tolerance: Int, _ what: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(image.pixels.count == expected.count, "\(what): \(image.pixels.count) bytes", sourceLocation: sourceLocation)
  let worst = zip(image.pixels, expected).map { abs(Int($0) - $1) }.max() ?? 0
  #expect(worst <= tolerance, "\(what): pixels differ by up to \(worst)", sourceLocation: sourceLocation)
}

@Suite struct ImageTests {
  @Test func decodesLikeTheCodecs() throws {
    let fixture = ImageFixture.shared
    #expect(fixture.versions["pillow"] != nil)
    for (name, c) in fixture.cases {
      let image = try Image(decoding: c.data, source: name)
      #expect(image.width == c.width && image.height == c.height && image.channels == 3, "\(name)")
      expectPixels(image, c.rgb, tolerance: c.tolerance ?? 0, "\(name) RGB")
      if let gray = c.gray {
        let luma = try Image(decoding: c.data, channels: 1, source: name)
        expectPixels(luma, gray, tolerance: 0, "\(name) gray")
      }
    }
    #expect(Image.format(of: fixture.cases["jpeg"]!.data) == .jpeg)
    #expect(Image.format(of: fixture.cases["gif"]!.data) == .gif)
    #expect(Image.format(of: fixture.cases["png.rgba"]!.data) == .png)
  }

  @Test(arguments: [1, 3])
  func pngRoundTripsLosslessly(channels: Int) throws {
    let (width, height) = (7, 5)
    let pixels = (0..<(width * height * channels)).map { UInt8(($0 * 37 + 11) % 256) }
    let image = Image(width: width, height: height, channels: channels, pixels: pixels)
    let png = try image.pngData()
    #expect(Image.format(of: png) == .png)
    #expect(try Image(decoding: png, channels: channels) == image)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-image-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("out.png")
    try image.writePNG(to: url)
    try image.writePNG(to: url)  // replacing an existing file
    #expect(try Image(contentsOf: url, channels: channels) == image)
  }

  /// Damaged files are errors that name the file and the codec's reason, never crashes.
  @Test func damagedFilesAreExplained() throws {
    let jpeg = ImageFixture.shared.cases["jpeg"]!.data
    #expect(throws: DataError.self) { try Image(decoding: Array(jpeg.prefix(jpeg.count / 2)), source: "cut.jpg") }
    do {
      _ = try Image(decoding: Array(jpeg.prefix(jpeg.count / 2)), source: "cut.jpg")
    } catch {
      #expect("\(error)".hasPrefix("cut.jpg: "), "\(error)")
    }
    // A PNG whose header no longer matches its CRC (signature 8 bytes, then length, "IHDR", 13
    // bytes of header, the CRC).
    var png = try Image(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 90, count: 48)).pngData()
    #expect(Array(png[12..<16]) == Array("IHDR".utf8))
    png[29] ^= 0xFF
    do {
      _ = try Image(decoding: png, source: "bad.png")
      Issue.record("a PNG with a bad CRC decoded")
    } catch {
      #expect("\(error)".contains("bad.png") && "\(error)".lowercased().contains("crc"), "\(error)")
    }
    #expect(throws: DataError.corrupt(file: "notes.jpg",
                                      reason: "not a JPEG, PNG or GIF file (its first bytes match none of them)")) {
      try Image(decoding: Array("hello".utf8), source: "notes.jpg")
    }
    #expect(throws: DataError.self) { try Image(decoding: [], source: "empty.png") }
  }

  /// Resizing matches Pillow's BILINEAR (antialiased when shrinking; Pillow rounds its
  /// horizontal pass to bytes, hence ±1) and PyTorch's plain bilinear interpolation.
  @Test func resizesLikePillowAndPyTorch() {
    let fixture = ImageFixture.shared.resize
    let source = Image(width: fixture.source.width, height: fixture.source.height, channels: 3,
                       pixels: fixture.source.rgb.map { UInt8($0) })
    for c in fixture.cases {
      let antialias = c.antialias ?? true
      let resized = source.resized(width: c.width, height: c.height, antialias: antialias)
      #expect(resized.width == c.width && resized.height == c.height)
      expectPixels(resized, c.rgb, tolerance: 1, "\(c.width)×\(c.height) antialias \(antialias)")
    }
    #expect(source.resized(width: 19, height: 13) == source)
    let shorter = source.resized(shorterSide: 6)
    #expect(shorter.width == 8 && shorter.height == 6)
  }

  @Test func cropsCutWindows() {
    let image = Image(width: 4, height: 3, channels: 1, pixels: (0..<12).map { UInt8($0) })
    #expect(image.cropped(x: 1, y: 1, width: 2, height: 2).pixels == [5, 6, 9, 10])
    #expect(image.centerCropped(width: 2, height: 1).pixels == [5, 6])
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<10 {
      let crop = image.randomlyCropped(width: 3, height: 2, using: &generator)
      let windows = (0...1).flatMap { y in (0...1).map { x in image.cropped(x: x, y: y, width: 3, height: 2) } }
      #expect(windows.contains(crop))
    }
  }

  @Test func tensorIsChannelsFirstInUnitRange() {
    let image = Image(width: 2, height: 1, channels: 3, pixels: [255, 0, 51, 0, 102, 255])
    let t = image.tensor()
    #expect(t.shape == [3, 1, 2])
    #expect(t.doubles.map { ($0 * 255).rounded() } == [255, 0, 0, 102, 51, 255])
  }

  /// Every file of the Oxford-IIIT Pet subset decodes by its bytes (the GIF and the PNG that carry
  /// a `.jpg` name too); the three stray `.mat` files are reported by name.
  @Test func everyPetImageDecodesOrIsNamed() throws {
    guard let root = ProcessInfo.processInfo.environment["EMBER_DATA"] else { return }
    let folder = URL(fileURLWithPath: root).appendingPathComponent("oxford-pets-3/images")
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
    var decoded = 0, formats: [Image.Format: Int] = [:], rejected: [String] = []
    for name in names.sorted() {
      let url = folder.appendingPathComponent(name)
      do {
        let bytes = try readBytes(of: url)
        let image = try Image(decoding: bytes, source: url.path)
        #expect(image.width > 0 && image.height > 0)
        formats[Image.format(of: bytes)!, default: 0] += 1
        decoded += 1
      } catch {
        #expect("\(error)".contains(name), "\(error)")
        rejected.append(name)
      }
    }
    #expect(decoded == 600, "decoded \(decoded), rejected \(rejected)")
    #expect(rejected.allSatisfy { $0.hasSuffix(".mat") }, "\(rejected)")
    #expect(formats[.gif] ?? 0 >= 1 && formats[.png] ?? 0 >= 1, "\(formats)")
  }
}
