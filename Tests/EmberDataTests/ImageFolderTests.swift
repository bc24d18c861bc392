import EmberBackend
import EmberCore
import Foundation
import Testing

@testable import EmberData

/// A ustar archive of `files` (path → bytes), written here so the tests need no `tar` tool.
func makeTar(_ files: [(String, [UInt8])]) -> [UInt8] {
  var out: [UInt8] = []
  for (path, bytes) in files {
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
    put(path, at: 0)
    put("0000644", at: 100)
    put(String(bytes.count, radix: 8).leftPadded(to: 11), at: 124)
    put("00000000000", at: 136)
    header[156] = UInt8(ascii: "0")
    put("ustar", at: 257)
    put("00", at: 263)
    for i in 148..<156 { header[i] = 32 }
    let sum = header.reduce(0) { $0 + Int($1) }
    put(String(sum, radix: 8).leftPadded(to: 6), at: 148)
    header[154] = 0
    out += header + bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
  }
  return out + [UInt8](repeating: 0, count: 1024)
}

extension String {
  func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}

@Suite struct ImageFolderTests {
  /// Three small images in two class folders, and what they hold.
  static func sampleFiles() throws -> [(String, [UInt8])] {
    func png(_ value: UInt8) throws -> [UInt8] {
      try Image(width: 3, height: 2, channels: 3, pixels: (0..<18).map { UInt8($0) &+ value }).pngData()
    }
    return [("cats/b.png", try png(100)), ("dogs/a.png", try png(10)), ("cats/a.png", try png(50))]
  }

  @Test func readsClassFoldersFromADirectoryAndAnArchive() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-folder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    for (path, bytes) in try Self.sampleFiles() {
      let url = directory.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: url)
    }
    let fromDirectory = try ImageFolder(directory: directory)
    let archive = try TarArchive(bytes: makeTar(try Self.sampleFiles().map { ("train/" + $0.0, $0.1) }))
    #expect(archive.entries.map(\.path) == ["train/cats/b.png", "train/dogs/a.png", "train/cats/a.png"])
    let fromArchive = try ImageFolder(archive: archive, folder: "train", name: "pets.tar")
    for folder in [fromDirectory, fromArchive] {
      #expect(folder.classNames == ["cats", "dogs"])
      #expect(folder.labels == [0, 0, 1])  // sorted by class, then by file
      #expect(folder.imageShape == [3, 2, 3])
      let batch = folder.batch(at: [2, 0])
      #expect(batch.inputs.shape == [2, 3, 2, 3] && batch.targets.scalars(as: Int64.self) == [1, 0])
      // Image 0 is cats/a.png (second in the batch): value 50 + i at interleaved index i, so its
      // channel 0 is 50, 53, 56, … and channel 1 51, 54, ….
      let first = batch.inputs.doubles[18..<27].map { ($0 * 255).rounded() }
      #expect(first == [50, 53, 56, 59, 62, 65, 51, 54, 57])
    }
    #expect(fromArchive.paths[0] == "pets.tar:train/cats/a.png")
  }

  @Test func corruptImagesAreNamedOrSkipped() throws {
    var files = try Self.sampleFiles()
    files.append(("dogs/broken.png", Array(files[0].1.prefix(30))))
    let archive = try TarArchive(bytes: makeTar(files))
    do {
      _ = try ImageFolder(archive: archive, name: "x.tar")
      Issue.record("a truncated PNG was accepted")
    } catch {
      #expect(error.description.hasPrefix("x.tar:dogs/broken.png: "), "\(error)")
    }
    let folder = try ImageFolder(archive: archive, name: "x.tar", skipCorrupt: true)
    #expect(folder.count == 3 && folder.skipped.map(\.path) == ["x.tar:dogs/broken.png"])
  }

  /// Images of different sizes are refused by name, or resized to one size when asked.
  @Test func mixedSizesAreNamedOrResized() throws {
    var files = try Self.sampleFiles()
    let large = Image(width: 6, height: 4, channels: 3, pixels: (0..<72).map { UInt8($0) })
    files.append(("dogs/large.png", try large.pngData()))
    let archive = try TarArchive(bytes: makeTar(files))
    do {
      _ = try ImageFolder(archive: archive, name: "mixed.tar")
      Issue.record("images of two sizes were accepted")
    } catch {
      #expect(error.description.contains("mixed.tar:dogs/large.png") && error.description.contains("6×4"), "\(error)")
    }
    let resized = try ImageFolder(archive: archive, name: "mixed.tar", size: (width: 3, height: 2))
    #expect(resized.count == 4 && resized.imageShape == [3, 2, 3])
    // The large image is the last (dogs/large.png after dogs/a.png), resized as Image.resized does.
    let expected = large.resized(width: 3, height: 2).tensor().doubles.map { ($0 * 255).rounded() }
    #expect(resized.batch(at: [3]).inputs.doubles.map { ($0 * 255).rounded() } == expected)
  }

  @Test func damagedArchivesAreExplained() throws {
    var bytes = makeTar(try Self.sampleFiles())
    bytes[10] ^= 0x20  // the first name, so the header checksum no longer matches
    #expect(throws: DataError.self) { try TarArchive(bytes: bytes, name: "bad.tar") }
    let cut = Array(makeTar(try Self.sampleFiles()).prefix(560))
    do {
      _ = try TarArchive(bytes: cut, name: "cut.tar")
      Issue.record("a cut archive was accepted")
    } catch {
      #expect(error.description.contains("cut.tar") && error.description.contains("past the end"), "\(error)")
    }
  }

  @Test func cifarBinaryRecords() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-cifar-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var records: [UInt8] = []
    for label in [3, 7] { records += [UInt8(label)] + (0..<3072).map { UInt8(($0 + label) % 256) } }
    let url = directory.appendingPathComponent("test_batch.bin")
    try Data(records).write(to: url)
    let set = try CIFAR10(binaryFiles: [url])
    #expect(set.images.shape == [2, 3, 32, 32] && set.labels.scalars(as: Int64.self) == [3, 7])
    #expect((set.images.doubles[1024] * 255).rounded() == Double((1024 + 3) % 256))  // green plane starts
    try Data(records.dropLast()).write(to: url)
    #expect(throws: DataError.self) { try CIFAR10(binaryFiles: [url]) }
  }

  /// The shared JPEG archive's test split: 10,000 images, 1,000 per class.
  @Test func cifarArchiveTestSplit() throws {
    guard let root = realDataRoot,
          FileManager.default.fileExists(atPath: root.appendingPathComponent("cifar10/\(CIFAR10.archiveName)").path)
    else { return }
    let test = try CIFAR10(split: .test, dataDirectory: root)
    #expect(test.images.shape == [10_000, 3, 32, 32])
    let counts = Dictionary(grouping: test.labels.scalars(as: Int64.self), by: { $0 }).mapValues(\.count)
    #expect(counts.count == 10 && counts.values.allSatisfy { $0 == 1000 })
  }
}
