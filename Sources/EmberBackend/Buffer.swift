/// A block of device memory. A tensor holds a `Buffer` and a `Layout` that says which elements it sees.
///
/// For the CPU `pointer` is host memory; a GPU backend stores its device address in it.
/// The memory goes back to its backend (usually to a size-bucketed cache) when the last reference
/// goes away.
public final class Buffer: @unchecked Sendable {
  /// The device that owns the memory.
  public let device: Device
  /// The usable size in bytes.
  public let byteCount: Int
  /// The start of the memory.
  public let pointer: UnsafeMutableRawPointer
  private let release: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?

  /// Wraps memory that `release` gives back when the buffer dies.
  public init(
    device: Device, pointer: UnsafeMutableRawPointer, byteCount: Int,
    release: (@Sendable (UnsafeMutableRawPointer, Int) -> Void)?
  ) {
    self.device = device
    self.pointer = pointer
    self.byteCount = byteCount
    self.release = release
  }

  deinit { release?(pointer, byteCount) }
}
