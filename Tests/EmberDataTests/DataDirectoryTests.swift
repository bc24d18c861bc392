import Foundation
import Testing

@testable import EmberData

@Suite struct DataDirectoryTests {
  @Test func lookupOrderExplicitThenEnvironmentThenCache() throws {
    try withTemporaryDirectory { dir in
      let explicit = dir.appendingPathComponent("explicit")
      let env = dir.appendingPathComponent("env")
      let cache = dir.appendingPathComponent("cache")
      let environment = ["EMBER_DATA": env.path, "XDG_CACHE_HOME": cache.path]
      for root in [explicit, env, cache.appendingPathComponent("ember")] {
        try FileManager.default.createDirectory(
          at: root.appendingPathComponent("toy"), withIntermediateDirectories: true)
        write([1], to: root.appendingPathComponent("toy/a.bin"))
      }
      func resolve(_ explicitURL: URL?) throws -> String {
        try DataDirectory.resolve(
          explicit: explicitURL, dataset: "toy", files: ["a.bin"], environment: environment
        ).path
      }
      #expect(try resolve(explicit) == explicit.appendingPathComponent("toy").path)
      #expect(try resolve(nil) == env.appendingPathComponent("toy").path)
      let onlyCache = ["XDG_CACHE_HOME": cache.path]
      #expect(
        try DataDirectory.resolve(
          explicit: nil, dataset: "toy", files: ["a.bin"], environment: onlyCache
        ).path == cache.appendingPathComponent("ember/toy").path)
    }
  }

  @Test func notFoundListsEverywhereLooked() {
    let environment = ["EMBER_DATA": "/nonexistent/env", "XDG_CACHE_HOME": "/nonexistent/cache"]
    #expect {
      try DataDirectory.resolve(
        explicit: URL(fileURLWithPath: "/nonexistent/explicit"), dataset: "mnist",
        environment: environment)
    } throws: { error in
      let text = "\(error)"
      return text.contains("/nonexistent/explicit/mnist") && text.contains("/nonexistent/env")
        && text.contains("/nonexistent/cache/ember/mnist")
    }
  }

  @Test func unreachableDownloadThrowsNamingTheURL() {
    withTemporaryDirectory { dir in
      let url = URL(string: "http://127.0.0.1:9/mnist/train-labels-idx1-ubyte.gz")!
      #expect {
        try DataDirectory.download(
          url, to: dir.appendingPathComponent("x.gz"), sha256: nil, timeout: 5)
      } throws: { error in
        guard case .downloadFailed(let failed, _) = error as? DataError else { return false }
        return failed == url.absoluteString
      }
      #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.gz").path))
    }
  }

  @Test func locateFallsBackToDownloadAndReportsTheFailure() {
    withTemporaryDirectory { dir in
      let source = DatasetSource(
        name: "toy", mirrors: [URL(string: "http://127.0.0.1:9/toy/")!],
        files: [RemoteFile("a.bin", sha256: String(repeating: "0", count: 64))])
      #expect {
        try DataDirectory.locate(
          source, explicit: dir, environment: ["XDG_CACHE_HOME": dir.path])
      } throws: { "\($0)".contains("http://127.0.0.1:9/toy/a.bin") }
    }
  }

  @Test func verifyChecksMatchingAndMismatchingFiles() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("abc.txt")
      write(Array("abc".utf8), to: url)
      try DataDirectory.verify(
        url, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
      #expect(throws: DataError.self) {
        try DataDirectory.verify(url, sha256: String(repeating: "0", count: 64))
      }
    }
  }
}
