import EmberCore

/// Layers applied one after another whose output is added to their input: `y = x + f(x)`, the skip
/// connection of a residual network (He et al., 2016). Parameters are named by position like
/// `Sequential` (`0.weight`), so a PyTorch module whose `forward` is `x + self.body(x)` over an
/// `nn.Sequential` maps one to one once the `body.` prefix is dropped.
///
/// Shapes: input `[…]` → output of the same shape (the layers must keep it).
///
/// ```swift
/// let block = Residual { Conv2D(64, 64, kernelSize: 3, padding: .same); BatchNorm2D(64); ReLU() }
/// ```
public final class Residual: Layer {
  /// The layers of the residual branch `f`, in order.
  public let layers: [any TensorLayer]

  public init(@LayerBuilder _ build: () -> [any TensorLayer]) { layers = build() }

  public init(_ layers: [any TensorLayer]) { self.layers = layers }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    let branch = layers.reduce(input) { x, layer in layer(x) }
    precondition(branch.shape == input.shape,
                 "Residual: the branch maps \(input.shape) to \(branch.shape); a skip needs the same shape")
    return input + branch
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {
    for (index, layer) in layers.enumerated() { visitor.visit("\(index)", layer) }
  }
}
