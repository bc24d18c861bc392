import Foundation

/// What the tool knows about the machine and toolchain it runs on.
enum HostPlatform {
  /// The Swift compiler that built the tool (major.minor).
  static var swiftVersion: String {
    #if compiler(>=7.0)
    return "7.0 or later"
    #elseif compiler(>=6.4)
    return "6.4"
    #elseif compiler(>=6.3)
    return "6.3"
    #elseif compiler(>=6.2)
    return "6.2"
    #elseif compiler(>=6.1)
    return "6.1"
    #else
    return "6.0"
    #endif
  }

  /// The OS name and version, and the architecture.
  static var operatingSystem: String {
    #if arch(x86_64)
    let arch = "x86_64"
    #elseif arch(arm64)
    let arch = "arm64"
    #else
    let arch = "unknown architecture"
    #endif
    // Linux gives the distribution ("Debian GNU/Linux 12 (bookworm)"), macOS "Version 14.5 (…)".
    #if os(macOS)
    let name = "macOS "
    #else
    let name = ""
    #endif
    return "\(name)\(ProcessInfo.processInfo.operatingSystemVersionString), \(arch)"
  }

  /// The CPU's model name (from `/proc/cpuinfo` on Linux) and its active core count.
  static var cpuModel: String {
    let cores = "\(ProcessInfo.processInfo.activeProcessorCount) cores"
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let colon = line.firstIndex(of: ":")
    else { return cores }
    let model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    return "\(model), \(cores)"
  }
}
