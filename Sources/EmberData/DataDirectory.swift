import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A file of a published dataset: its name and the SHA-256 of its official bytes.
public struct RemoteFile: Sendable, Equatable {
  /// The file name, as in the dataset's directory and under its download URL.
  public var name: String
  /// The lowercase hexadecimal SHA-256 of the official file.
  public var sha256: String

  /// A file named `name` whose official SHA-256 is `sha256`.
  public init(_ name: String, sha256: String) {
    self.name = name
    self.sha256 = sha256
  }
}

/// Where a dataset's files live online.
public struct DatasetSource: Sendable {
  /// The directory name under a data root (`mnist`, `fashion-mnist`, `tabular`).
  public var name: String
  /// Base URLs, tried in order; a file's URL is the base plus its name.
  public var mirrors: [URL]
  /// The files that make up the dataset.
  public var files: [RemoteFile]

  /// A dataset named `name` made of `files`, downloadable from any of `mirrors`.
  public init(name: String, mirrors: [URL], files: [RemoteFile]) {
    self.name = name
    self.mirrors = mirrors
    self.files = files
  }
}

/// Finds dataset files on disk and downloads them when they are missing.
///
/// A dataset named `mnist` is looked for, in order, in
/// 1. the explicit directory (`--data-dir`): `<dir>/mnist`, then `<dir>` itself;
/// 2. `$EMBER_DATA/mnist`, then `$EMBER_DATA`;
/// 3. the user cache, `$XDG_CACHE_HOME/ember/mnist` or `~/.cache/ember/mnist`.
///
/// The first directory that holds every required file wins. When none does, the files are
/// downloaded into the first candidate (the explicit directory's `mnist/`, else `$EMBER_DATA`'s,
/// else the cache), each verified against its SHA-256 before it is moved into place.
public enum DataDirectory {
  /// The user cache root: `$XDG_CACHE_HOME/ember`, else `~/.cache/ember`.
  public static func cacheRoot(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> URL
  {
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
      return URL(fileURLWithPath: xdg).appendingPathComponent("ember")
    }
    let home = environment["HOME"].map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser
    return home.appendingPathComponent(".cache/ember")
  }

  /// The directories searched for `dataset`, in order.
  public static func candidates(
    explicit: URL?, dataset: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [URL] {
    var roots: [URL] = []
    if let explicit { roots.append(explicit) }
    if let root = environment["EMBER_DATA"], !root.isEmpty {
      roots.append(URL(fileURLWithPath: root))
    }
    var result: [URL] = []
    for root in roots {
      result.append(root.appendingPathComponent(dataset))
      result.append(root)
    }
    result.append(cacheRoot(environment: environment).appendingPathComponent(dataset))
    return result
  }

  /// The first candidate directory holding `dataset` (every one of `files`, or just the
  /// directory when `files` is empty).
  ///
  /// - Throws: `DataError.notFound` listing every directory looked in.
  public static func resolve(
    explicit: URL?, dataset: String, files: [String] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(DataError) -> URL {
    let searched = candidates(explicit: explicit, dataset: dataset, environment: environment)
    for directory in searched where holds(directory, files: files) { return directory }
    let what =
      files.isEmpty ? "No such directory." : "Needed files: \(files.joined(separator: ", "))."
    throw .notFound(
      dataset: dataset, searched: searched.map(\.path),
      reason: what + " Pass --data-dir or set EMBER_DATA.")
  }

  private static func holds(_ directory: URL, files: [String]) -> Bool {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { return false }
    return files.allSatisfy {
      FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
    }
  }

  /// The directory holding `source`'s files: found by `resolve`, or else downloaded (when
  /// `download` is true) into the first candidate directory.
  public static func locate(
    _ source: DatasetSource, explicit: URL?, download: Bool = true,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(DataError) -> URL {
    let names = source.files.map(\.name)
    do {
      return try resolve(
        explicit: explicit, dataset: source.name, files: names, environment: environment)
    } catch {
      guard download, !source.mirrors.isEmpty else { throw error }
      let target = candidates(explicit: explicit, dataset: source.name, environment: environment)[0]
      do {
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
      } catch {
        throw .unreadable(file: target.path, reason: "cannot create directory: \(error)")
      }
      for file in source.files {
        let destination = target.appendingPathComponent(file.name)
        if FileManager.default.fileExists(atPath: destination.path) { continue }
        var failures: [DataError] = []
        for mirror in source.mirrors {
          do {
            try self.download(
              mirror.appendingPathComponent(file.name), to: destination, sha256: file.sha256)
            failures = []
            break
          } catch {
            failures.append(error)
          }
        }
        if let failure = failures.last {
          if failures.count == 1 { throw failure }
          throw .downloadFailed(
            url: source.mirrors.map { $0.appendingPathComponent(file.name).absoluteString }
              .joined(separator: ", "),
            reason: failures.map(\.description).joined(separator: "; "))
        }
      }
      return target
    }
  }

  /// The lowercase hexadecimal SHA-256 of the file at `url`.
  public static func sha256(of url: URL) throws(DataError) -> String {
    SHA256.hex(of: try readBytes(of: url))
  }

  /// Throws `DataError.checksumMismatch` unless the file at `url` has SHA-256 `expected`.
  public static func verify(_ url: URL, sha256 expected: String) throws(DataError) {
    let found = try sha256(of: url)
    if found != expected.lowercased() {
      throw .checksumMismatch(file: url.path, expected: expected, found: found)
    }
  }

  /// Downloads `url` to `destination`: into a temporary file first, checked against `sha256`
  /// (when given), then renamed into place. Progress goes to standard error.
  ///
  /// - Throws: `DataError.downloadFailed` naming the URL when it cannot be fetched, or
  ///   `DataError.checksumMismatch` when the bytes are not the published ones.
  public static func download(
    _ url: URL, to destination: URL, sha256: String?, timeout: TimeInterval = 60
  ) throws(DataError) {
    let temporary = destination.deletingLastPathComponent()
      .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).part")
    defer { try? FileManager.default.removeItem(at: temporary) }
    let reporter = ProgressReporter(url: url, destination: temporary)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration, delegate: reporter, delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    FileHandle.standardError.write(Data("Downloading \(url.absoluteString)\n".utf8))
    session.downloadTask(with: url).resume()
    reporter.done.wait()
    if let failure = reporter.failure {
      throw .downloadFailed(url: url.absoluteString, reason: failure)
    }
    if let sha256 {
      do {
        try verify(temporary, sha256: sha256)
      } catch {
        if case .checksumMismatch(_, let expected, let found) = error {
          throw .checksumMismatch(file: url.absoluteString, expected: expected, found: found)
        }
        throw error
      }
    }
    do {
      if FileManager.default.fileExists(atPath: destination.path) {
        try FileManager.default.removeItem(at: destination)
      }
      try FileManager.default.moveItem(at: temporary, to: destination)
    } catch {
      throw .unreadable(file: destination.path, reason: "cannot move download into place: \(error)")
    }
  }
}

/// Reports download progress to standard error and keeps the finished file.
private final class ProgressReporter: NSObject, URLSessionDownloadDelegate, @unchecked Sendable {
  let url: URL
  let destination: URL
  let done = DispatchSemaphore(value: 0)
  var failure: String?
  private var lastPercent = -1

  init(url: URL, destination: URL) {
    self.url = url
    self.destination = destination
  }

  func urlSession(
    _ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
    totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64
  ) {
    guard totalBytesExpectedToWrite > 0 else { return }
    let percent = Int(100 * totalBytesWritten / totalBytesExpectedToWrite)
    if percent / 10 != lastPercent / 10 || percent == 100 && lastPercent != 100 {
      lastPercent = percent
      let line = "\r  \(url.lastPathComponent): \(percent)% of \(totalBytesExpectedToWrite) bytes"
      FileHandle.standardError.write(Data((line + (percent == 100 ? "\n" : "")).utf8))
    }
  }

  func urlSession(
    _ session: URLSession, downloadTask: URLSessionDownloadTask,
    didFinishDownloadingTo location: URL
  ) {
    if let response = downloadTask.response as? HTTPURLResponse,
      !(200..<300).contains(response.statusCode)
    {
      failure = "HTTP status \(response.statusCode)"
      return
    }
    do {
      try FileManager.default.moveItem(at: location, to: destination)
    } catch {
      failure = "cannot keep the downloaded file: \(error.localizedDescription)"
    }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    if let error { failure = failure ?? error.localizedDescription }
    done.signal()
  }
}
