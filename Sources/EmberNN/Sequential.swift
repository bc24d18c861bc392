import EmberCore

/// Builds the layer list of a `Sequential`.
@resultBuilder
public enum LayerBuilder {
  public static func buildExpression(_ layer: any TensorLayer) -> [any TensorLayer] { [layer] }
  public static func buildBlock(_ parts: [any TensorLayer]...) -> [any TensorLayer] { parts.flatMap { $0 } }
  public static func buildOptional(_ part: [any TensorLayer]?) -> [any TensorLayer] { part ?? [] }
  public static func buildEither(first part: [any TensorLayer]) -> [any TensorLayer] { part }
  public static func buildEither(second part: [any TensorLayer]) -> [any TensorLayer] { part }
  public static func buildArray(_ parts: [[any TensorLayer]]) -> [any TensorLayer] { parts.flatMap { $0 } }
}

/// Layers applied one after another; parameters are named by position (`0.weight`, `2.bias`), as in
/// PyTorch's `nn.Sequential`.
///
/// ```swift
/// let model = Sequential { Linear(784, 128); ReLU(); Linear(128, 10) }
/// ```
public final class Sequential: Layer {
  /// The layers, in order.
  public let layers: [any TensorLayer]

  public init(@LayerBuilder _ build: () -> [any TensorLayer]) { layers = build() }

  public init(_ layers: [any TensorLayer]) { self.layers = layers }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    layers.reduce(input) { x, layer in layer(x) }
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    for (index, layer) in layers.enumerated() { visitor.visit("\(index)", layer) }
  }
}
