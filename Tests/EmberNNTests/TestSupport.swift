import EmberBackend
import EmberCore
import EmberTestSupport
import Foundation
import Testing

@testable import EmberNN

// Helpers shared by the EmberNN tests (the gradient check is in EmberTestSupport).

/// `#expect` that a scalar tensor holds `expected` within `tolerance`.
func expectClose(
  _ actual: Tensor, _ expected: Double, tolerance: Double = 1e-9, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectClose(actual.doubles, [expected], tolerance: tolerance, what, sourceLocation: sourceLocation)
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("ember-nn-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
