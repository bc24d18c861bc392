/// Where a tensor's memory lives and its kernels run.
public enum Device: Hashable, Sendable, CustomStringConvertible {
  case cpu
  case cuda(Int)

  /// The device that creation functions, initializers and layers use when none is named: `.cpu`
  /// unless set for the current task with `withDevice(_:_:)`.
  public static var `default`: Device { DefaultDevice.current }

  public var description: String {
    switch self {
    case .cpu: return "cpu"
    case .cuda(let index): return "cuda:\(index)"
    }
  }
}

enum DefaultDevice {
  @TaskLocal static var current: Device = .cpu
}

/// Runs `body` with `device` as `Device.default`: tensors, parameters and layers created inside
/// live there unless told otherwise.
///
/// ```swift
/// let model = withDevice(.cuda(0)) { Sequential { Linear(784, 128); ReLU(); Linear(128, 10) } }
/// ```
public func withDevice<Result>(_ device: Device, _ body: () throws -> Result) rethrows -> Result {
  try DefaultDevice.$current.withValue(device, operation: body)
}
