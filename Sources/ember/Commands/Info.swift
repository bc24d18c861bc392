import ArgumentParser
import Ember
import EmberCPU
import Foundation

/// `ember info`: versions, CPU features, devices, the BLAS in use and the thread count.
struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show Ember's version, the platform, devices, BLAS and threads.")

  func run() throws {
    _ = CPUBackend.shared  // registers the CPU backend (and loads BLAS)
    let rows: [(String, String)] = [
      ("Ember", EmberVersion.string),
      ("Swift", HostPlatform.swiftVersion),
      ("OS", HostPlatform.operatingSystem),
      ("CPU", HostPlatform.cpuModel),
      ("CPU features", CPUFeatures.current.description),
      ("Devices", Backends.available.map(Self.describe).joined(separator: "; ")),
      // The library (or none), then why: what EMBER_BLAS asked, each library tried, an OpenBLAS's core.
      ("BLAS", (BLAS.shared?.name ?? "none (built-in GEMM)") + "\n" + BLAS.loadReport),
      ("Threads", "\(Parallel.threadCount)"),
    ]
    let width = rows.map(\.0.count).max() ?? 0
    for (key, value) in rows {
      let label = key + ":" + String(repeating: " ", count: width - key.count)
      // Continuation lines (the BLAS load report) line up under the value.
      let indent = "\n" + String(repeating: " ", count: width + 2)
      print("\(label) \(value.replacingOccurrences(of: "\n", with: indent))")
    }
  }

  private static func describe(_ device: Device) -> String {
    guard let backend = Backends.backend(for: device) else { return device.description }
    return "\(device): \(backend.name)"
  }
}
