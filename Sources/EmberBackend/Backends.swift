import Foundation

/// The registry that resolves a `Device` to the backend that runs it.
///
/// The CPU backend registers itself on first use; GPU backends register when their libraries load.
public enum Backends {
  nonisolated(unsafe) private static var table: [Device: any Backend] = [:]
  private static let lock = NSLock()

  /// Makes `backend` the one that runs `backend.device`.
  public static func register(_ backend: any Backend) {
    lock.lock()
    defer { lock.unlock() }
    table[backend.device] = backend
  }

  /// The backend of `device`, or `nil` when none is loaded.
  public static func backend(for device: Device) -> (any Backend)? {
    lock.lock()
    defer { lock.unlock() }
    return table[device]
  }

  /// Every device with a loaded backend, CPU first.
  public static var available: [Device] {
    lock.lock()
    defer { lock.unlock() }
    return table.keys.sorted { $0.sortKey < $1.sortKey }
  }
}

extension Device {
  fileprivate var sortKey: Int {
    switch self {
    case .cpu: return -1
    case .cuda(let index): return index
    }
  }
}
