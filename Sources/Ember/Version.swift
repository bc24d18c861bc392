/// The version of the Ember package.
public enum EmberVersion {
  /// The version as `major.minor.patch` (what `ember --version` and `ember info` print).
  public static let string = "0.1.0"
}
