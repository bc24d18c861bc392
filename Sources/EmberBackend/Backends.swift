import CEmberRegistry
import Foundation

/// The registry that resolves a `Device` to the backend that runs it.
///
/// Every backend joins the same way: its target adds a loader at program start (a C constructor,
/// see `CEmberRegistry`), and the first lookup calls every loader once. Linking EmberCPU (as
/// `import Ember` does) is what makes the CPU available; a CUDA backend joins by linking the same
/// way, with no change to anything above this registry. Lookups of loaded backends take no lock;
/// `register(_:)` adds one by hand (a test double, a backend a program builds itself).
public enum Backends {
  /// The backends the loaders returned, indexed by `Device.slot`; immutable after first use.
  private static let loaded: [(any Backend)?] = {
    var slots: [(any Backend)?] = []
    for index in 0..<ember_backend_loader_count() {
      guard let raw = ember_backend_loader_at(index)() else { continue }
      let list = Unmanaged<BackendList>.fromOpaque(raw).takeRetainedValue()
      for backend in list.backends {
        let slot = backend.device.slot
        if slots.count <= slot { slots += Array(repeating: nil, count: slot + 1 - slots.count) }
        slots[slot] = backend
      }
    }
    return slots
  }()

  nonisolated(unsafe) private static var registered: [Device: any Backend] = [:]
  private static let lock = NSLock()

  /// Makes `backend` the one that runs `backend.device` when no loader provided that device.
  public static func register(_ backend: any Backend) {
    lock.lock()
    defer { lock.unlock() }
    registered[backend.device] = backend
  }

  /// The backend of `device`, or `nil` when none is loaded.
  public static func backend(for device: Device) -> (any Backend)? {
    let slot = device.slot
    if slot < loaded.count, let backend = loaded[slot] { return backend }
    lock.lock()
    defer { lock.unlock() }
    return registered[device]
  }

  /// Every device with a loaded or registered backend, CPU first.
  public static var available: [Device] {
    lock.lock()
    let extra = registered.keys
    lock.unlock()
    let all = Set(loaded.compactMap { $0?.device }).union(extra)
    return all.sorted { $0.slot < $1.slot }
  }
}

/// What a backend loader hands the registry: the backends of one library (a CUDA loader returns
/// one per GPU).
public final class BackendList {
  public let backends: [any Backend]

  public init(_ backends: [any Backend]) { self.backends = backends }

  /// The list retained as an opaque pointer, as a loader returns it.
  public func retainedPointer() -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(self).toOpaque()
  }
}

extension Device {
  /// A dense index for the registry: the CPU first, then GPUs by ordinal.
  fileprivate var slot: Int {
    switch self {
    case .cpu: return 0
    case .cuda(let index): return index + 1
    }
  }
}
