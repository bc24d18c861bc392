import EmberCore
import Foundation
import Testing

@testable import EmberData

@Suite struct MNISTTests {
  /// Writes a tiny MNIST-layout dataset of `n` 2×2 images.
  func writeTinyMNIST(to dir: URL, n: Int = 3, labels: [UInt8]? = nil) {
    let pixels = (0..<n * 4).map { UInt8($0 * 20) }
    write(
      storedGzip(idxBytes(dimensions: [n, 2, 2], data: pixels)),
      to: dir.appendingPathComponent("train-images-idx3-ubyte.gz"))
    write(
      storedGzip(idxBytes(dimensions: [n], data: labels ?? (0..<n).map { UInt8($0) })),
      to: dir.appendingPathComponent("train-labels-idx1-ubyte.gz"))
  }

  @Test func loadsTinyFilesScaledAndShaped() throws {
    try withTemporaryDirectory { dir in
      writeTinyMNIST(to: dir)
      let images = dir.appendingPathComponent("train-images-idx3-ubyte.gz")
      let labels = dir.appendingPathComponent("train-labels-idx1-ubyte.gz")
      let data = try MNIST(imagesFile: images, labelsFile: labels)
      #expect(data.images.shape == [3, 1, 2, 2])
      #expect(data.images.floats[1] == Float(20) / 255)
      #expect(data.labels.dtype == .int64 && data.labels.scalars(as: Int.self) == [0, 1, 2])
      let flat = try MNIST(imagesFile: images, labelsFile: labels, flattened: true)
      #expect(flat.images.shape == [3, 4])
      #expect(flat.dataset.batch(at: [2]).targets.scalars(as: Int.self) == [2])
    }
  }

  @Test func mismatchedCountsAndBadLabelsThrow() {
    withTemporaryDirectory { dir in
      writeTinyMNIST(to: dir, labels: [0, 1, 12])
      #expect {
        try MNIST(
          imagesFile: dir.appendingPathComponent("train-images-idx3-ubyte.gz"),
          labelsFile: dir.appendingPathComponent("train-labels-idx1-ubyte.gz"))
      } throws: { "\($0)".contains("label 12") }
      write(
        storedGzip(idxBytes(dimensions: [2], data: [0, 1])),
        to: dir.appendingPathComponent("train-labels-idx1-ubyte.gz"))
      #expect {
        try MNIST(
          imagesFile: dir.appendingPathComponent("train-images-idx3-ubyte.gz"),
          labelsFile: dir.appendingPathComponent("train-labels-idx1-ubyte.gz"))
      } throws: { "\($0)".contains("2 labels for 3 images") }
    }
  }

  @Test func truncatedGzipThrowsNamingTheFile() {
    withTemporaryDirectory { dir in
      writeTinyMNIST(to: dir)
      let url = dir.appendingPathComponent("train-images-idx3-ubyte.gz")
      let bytes = try! Data(contentsOf: url)
      try! bytes.prefix(bytes.count - 5).write(to: url)
      #expect {
        try MNIST(
          imagesFile: url, labelsFile: dir.appendingPathComponent("train-labels-idx1-ubyte.gz"))
      } throws: { "\($0)".contains(url.path) && "\($0)".contains("truncated") }
    }
  }

  @Test(.enabled(if: realDataAvailable)) func realMNIST() throws {
    let train = try MNIST(split: .train, dataDirectory: realDataRoot, flattened: true)
    #expect(train.images.shape == [60000, 784])
    let labels = train.labels.scalars(as: Int.self)
    var histogram = [Int](repeating: 0, count: 10)
    for label in labels { histogram[label] += 1 }
    #expect(histogram == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    #expect(histogram.reduce(0, +) == 60000)
    #expect(labels[0] == 5)
    let test = try MNIST(split: .test, dataDirectory: realDataRoot, verifyChecksums: true)
    #expect(test.images.shape == [10000, 1, 28, 28])
    #expect(test.labels.count == 10000)
    let mean = test.images.mean().item
    #expect(abs(mean - 33.7912 / 255) < 1e-4)
  }

  @Test(.enabled(if: realDataAvailable)) func realFashionMNISTTest() throws {
    let test = try FashionMNIST(split: .test, dataDirectory: realDataRoot)
    #expect(test.images.shape == [10000, 1, 28, 28])
    var histogram = [Int](repeating: 0, count: 10)
    for label in test.labels.scalars(as: Int.self) { histogram[label] += 1 }
    #expect(histogram == [Int](repeating: 1000, count: 10))
  }
}
