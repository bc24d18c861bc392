// PLACEHOLDER — to be replaced by the BLAS loader work.
/// A BLAS library loaded at run time.
public final class BLAS: @unchecked Sendable {
  /// The loaded BLAS, or `nil` when none was found (or `EMBER_BLAS=none`).
  public static let shared: BLAS? = nil
  /// Library name and version.
  public let name: String = ""
  public func setThreadCount(_ count: Int) {}
}
