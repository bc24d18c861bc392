import EmberBackend
import EmberCore
import EmberNN

/// A Keras-like table of the model's layers, their output shapes and parameter counts, with the
/// totals of trainable and non-trainable parameters.
///
/// The output shapes come from running a batch of one zero example (of `inputShape`, without the
/// batch axis, and `dtype`) through the model in inference phase; the batch axis prints as `-1`.
/// A `Sequential` gets one row per layer, named by position as in its state dict; any other model
/// one row.
///
/// ```swift
/// print(summary(of: Sequential { Linear(4, 8); ReLU(); Linear(8, 3) }, inputShape: [4]))
/// // Layer (type)    Output Shape    Param #
/// // ==========================================
/// // 0 (Linear)      [-1, 8]              40
/// // …
/// ```
public func summary(of model: any TensorLayer, inputShape: [Int], dtype: DType = .float32) -> String {
  var rows: [[String]] = []
  withoutGradients {
    withLearningPhase(.inference) {
      var x = Tensor.zeros([1] + inputShape, dtype: dtype)
      let layers: [(String, any TensorLayer)] =
        (model as? Sequential).map { $0.layers.enumerated().map { ("\($0.offset)", $0.element) } }
        ?? [("model", model)]
      for (name, layer) in layers {
        x = layer(x)
        let shape = x.shape.enumerated().map { $0.offset == 0 ? "-1" : String($0.element) }
        rows.append([
          "\(name) (\(type(of: layer)))", "[" + shape.joined(separator: ", ") + "]",
          groupedDigits(layer.parameterCount),
        ])
      }
    }
  }
  let header = ["Layer (type)", "Output Shape", "Param #"]
  let widths = (0..<3).map { column in
    ([header] + rows).map { $0[column].count }.max()! + (column < 2 ? 4 : 0)
  }
  func line(_ cells: [String]) -> String {
    let left = cells[0].padding(toLength: widths[0]) + cells[1].padding(toLength: widths[1])
    return left + String(repeating: " ", count: widths[2] - cells[2].count) + cells[2]
  }
  let total = model.parameterCount
  let trainable = model.trainableParameters.reduce(0) { $0 + $1.count }
  let rule = String(repeating: "=", count: widths.reduce(0, +))
  var lines = ["Model: \(type(of: model))", line(header), rule]
  lines += rows.map(line)
  lines += [
    rule,
    "Total params: \(groupedDigits(total))",
    "Trainable params: \(groupedDigits(trainable))",
    "Non-trainable params: \(groupedDigits(total - trainable))",
  ]
  return lines.joined(separator: "\n")
}

/// `1234567` as `1,234,567`.
private func groupedDigits(_ value: Int) -> String {
  let digits = String(value)
  var result = ""
  for (index, character) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
    result.append(character)
  }
  return result
}

extension String {
  fileprivate func padding(toLength length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }
}
