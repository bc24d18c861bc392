import Foundation

/// A JSON value whose objects keep their keys in insertion order (so `ember bench` prints
/// `"256", "512", "1024", "2048"` in that order).
enum JSONValue: Sendable {
  case number(Double)
  case string(String)
  case object([(key: String, value: JSONValue)])

  /// The value as JSON text, indented by two spaces per level.
  func rendered(indent: Int = 0) -> String {
    switch self {
    case .number(let value):
      guard value.isFinite else { return "null" }
      if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
      // Enough digits for a benchmark: 1 decimal from 1000 up, 4 from 1, 4 significant below.
      let magnitude = Swift.abs(value)
      return String(format: magnitude >= 1000 ? "%.1f" : magnitude >= 1 ? "%.4f" : "%.4g", value)
    case .string(let text):
      return "\"" + JSONValue.escaped(text) + "\""
    case .object(let members):
      if members.isEmpty { return "{}" }
      let inner = String(repeating: " ", count: indent + 2)
      let lines = members.map { key, value in
        "\(inner)\"\(JSONValue.escaped(key))\": \(value.rendered(indent: indent + 2))"
      }
      let closing = String(repeating: " ", count: indent) + "}"
      return "{\n" + lines.joined(separator: ",\n") + "\n" + closing
    }
  }

  private static func escaped(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
