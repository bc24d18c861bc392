import EmberBackend
import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
  /// The values the way PyTorch prints them, followed by the shape:
  ///
  /// ```
  /// tensor([[1.0000, 2.0000],
  ///         [3.0000, 4.0000]], shape=[2, 2])
  /// ```
  ///
  /// Floats show 4 decimals (scientific notation when the magnitudes are very large, very small or
  /// far apart), integers plainly, booleans as `true`/`false`, all right-aligned in columns. Beyond
  /// 1,000 elements only the first and last 3 entries of each long axis are shown, around `...`.
  /// A dtype other than float32, int64 or bool and a device other than the CPU are named.
  public var description: String {
    withoutGradients { TensorPrinter(detached()).render() }
  }

  /// Shape, dtype, device, strides, offset and gradient tracking, e.g.
  /// `Tensor(shape: [2, 3], dtype: float32, device: cpu, strides: [3, 1], offset: 0,
  /// requiresGradient: false)` on one line.
  public var debugDescription: String {
    var text = "Tensor(shape: \(shape), dtype: \(dtype), device: \(device), strides: \(strides), "
    text += "offset: \(layout.offset), requiresGradient: \(requiresGradient)"
    if let node = gradNode { text += ", gradientOp: \(node.op)" }
    return text + ")"
  }
}

/// Renders a tensor like PyTorch's `_tensor_str` (print options: precision 4, threshold 1000,
/// edge items 3, line width 80).
private struct TensorPrinter {
  static let precision = 4, threshold = 1000, edgeItems = 3, lineWidth = 80

  enum Values {
    case floats([Double])
    case integers([Int64])
    case bools([Bool])
  }

  let tensor: Tensor
  /// The shape of the (possibly summarized) data.
  let shape: [Int]
  /// Row-major strides of `shape`.
  let strides: [Int]
  /// Per axis: whether the middle was cut out (the data then holds the edge items only).
  let elided: [Bool]
  let values: Values
  let scientific: Bool
  let width: Int

  init(_ tensor: Tensor) {
    self.tensor = tensor
    var data = tensor
    var elided = [Bool](repeating: false, count: tensor.rank)
    if tensor.count > TensorPrinter.threshold {
      let edge = TensorPrinter.edgeItems
      for axis in 0..<tensor.rank where tensor.shape[axis] > 2 * edge {
        let leading = [TensorIndex](repeating: .all, count: axis)
        data = Tensor.concat(
          [
            data.slice(leading + [.range(start: 0, end: edge, step: 1)]),
            data.slice(leading + [.range(start: -edge, end: nil, step: 1)]),
          ], axis: axis)
        elided[axis] = true
      }
    }
    self.shape = data.shape
    self.strides = Layout.contiguousStrides(for: data.shape)
    self.elided = elided
    switch data.dtype {
    case .float32, .float64:
      let doubles = data.scalars(as: Double.self)
      values = .floats(doubles)
      let magnitudes = doubles.filter { $0.isFinite && $0 != 0 }.map(Swift.abs)
      if let smallest = magnitudes.min(), let largest = magnitudes.max() {
        let sci = largest / smallest > 1000 || largest > 1e8 || smallest < 1e-4
        let widest =
          doubles.lazy.filter { $0.isFinite && $0 != 0 }
          .map { TensorPrinter.formatFloat($0, scientific: sci).count }.max() ?? 1
        (scientific, width) = (sci, Swift.max(1, widest))
      } else {
        (scientific, width) = (false, 1)
      }
    case .int32, .int64:
      let integers = data.scalars(as: Int64.self)
      values = .integers(integers)
      (scientific, width) = (false, Swift.max(1, integers.map { String($0).count }.max() ?? 1))
    case .bool:
      let bools = data.scalars(as: Bool.self)
      values = .bools(bools)
      (scientific, width) = (false, bools.contains(false) ? 5 : 4)
    }
  }

  static func formatFloat(_ value: Double, scientific: Bool) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return String(format: scientific ? "%.\(precision)e" : "%.\(precision)f", value)
  }

  /// The element at row-major position `index` of the data, right-aligned to the column width.
  func format(_ index: Int) -> String {
    let text: String
    switch values {
    case .floats(let doubles):
      text = TensorPrinter.formatFloat(doubles[index], scientific: scientific)
    case .integers(let integers): text = String(integers[index])
    case .bools(let bools): text = bools[index] ? "true" : "false"
    }
    return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
  }

  func render() -> String {
    let prefix = "tensor("
    let body: String
    if tensor.count == 0 {
      body = "[]"
    } else if shape.isEmpty {
      body = format(0)
    } else {
      body = render(axis: 0, offset: 0, indent: prefix.count)
    }
    var suffixes: [String] = []
    if ![DType.float32, .int64, .bool].contains(tensor.dtype) {
      suffixes.append("dtype=\(tensor.dtype)")
    }
    if tensor.device != .cpu { suffixes.append("device=\(tensor.device)") }
    suffixes.append("shape=\(tensor.shape)")
    // Suffixes go on the last line while they fit in the line width (PyTorch's `_add_suffixes`).
    var text = prefix + body
    let newline =
      text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) } ?? -1
    var lastLineLength = text.count - newline + 1
    for suffix in suffixes {
      if lastLineLength + suffix.count + 2 > TensorPrinter.lineWidth {
        text += ",\n" + String(repeating: " ", count: prefix.count) + suffix
        lastLineLength = prefix.count + suffix.count
      } else {
        text += ", " + suffix
        lastLineLength += suffix.count + 2
      }
    }
    return text + ")"
  }

  /// The sub-tensor starting at `offset` whose first axis is `axis`, with nested brackets.
  private func render(axis: Int, offset: Int, indent: Int) -> String {
    let size = shape[axis]
    let stride = strides[axis]
    let edge = TensorPrinter.edgeItems
    if axis == shape.count - 1 {
      var items: [String] = []
      for j in 0..<size {
        if elided[axis] && j == edge { items.append(" ...") }
        items.append(format(offset + j * stride))
      }
      let perLine = Swift.max(1, (TensorPrinter.lineWidth - indent) / (width + 2))
      let lines = Swift.stride(from: 0, to: items.count, by: perLine).map {
        items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ")
      }
      return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
    }
    var slices: [String] = []
    for j in 0..<size {
      if elided[axis] && j == edge { slices.append("...") }
      slices.append(render(axis: axis + 1, offset: offset + j * stride, indent: indent + 1))
    }
    let separator =
      "," + String(repeating: "\n", count: shape.count - axis - 1)
      + String(repeating: " ", count: indent + 1)
    return "[" + slices.joined(separator: separator) + "]"
  }
}
