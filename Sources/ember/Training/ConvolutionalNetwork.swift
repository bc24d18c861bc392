import Ember

/// The convolutional models of the `ember train` recipes: per entry of `channels`, a
/// `kernelSize`×`kernelSize` `Conv2D` (no padding) → `ReLU` → `MaxPool2D(2)`; then `Flatten`,
/// `Dropout(dropout)`, `Linear(→ hidden)` → `ReLU` → `Dropout(hiddenDropout)` → `Linear(→ classes)`.
/// With `[32, 64]` on 1×28×28 images it is the `cnn` workload of `../shared/bench/README.md` plus
/// dropout.
///
/// Shapes: input `[batch] + inputShape` → logits `[batch, classes]`.
///
/// Stored in a checkpoint as `ember.architecture` `cnn` and this value as JSON in
/// `ember.model_config`, so `ember evaluate` rebuilds the same layers and state-dict names.
struct ConvolutionalNetwork: Codable, Equatable {
  /// `[channels, height, width]` of one input image.
  var inputShape: [Int]
  /// Output channels of each convolution block.
  var channels: [Int]
  var kernelSize: Int
  /// Width of the hidden fully connected layer.
  var hidden: Int
  var classes: Int
  /// Dropout before the hidden layer and after it.
  var dropout: Double
  var hiddenDropout: Double

  /// `nil` when the sizes make a network, else what is wrong with them.
  var problem: String? {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }), !channels.isEmpty,
          channels.allSatisfy({ $0 > 0 }), kernelSize > 0, hidden > 0, classes >= 2,
          (0..<1).contains(dropout), (0..<1).contains(hiddenDropout)
    else { return "sizes must be positive, with two or more classes and dropout in [0, 1)" }
    guard featureSize > 0 else { return "the \(inputShape) input is too small for \(channels.count) blocks" }
    return nil
  }

  /// The spatial size after every block, and the features the flatten hands to the hidden layer.
  var featureSize: Int {
    var (height, width) = (inputShape[1], inputShape[2])
    for _ in channels {
      (height, width) = ((height - kernelSize + 1) / 2, (width - kernelSize + 1) / 2)
      if height < 1 || width < 1 { return 0 }
    }
    return channels.last! * height * width
  }

  /// The network, freshly initialized from the default generator.
  func build() -> Sequential {
    precondition(problem == nil, "ConvolutionalNetwork: \(problem ?? "")")
    var layers: [any TensorLayer] = []
    var previous = inputShape[0]
    for width in channels {
      layers += [Conv2D(previous, width, kernelSize: kernelSize), ReLU(), MaxPool2D(2)] as [any TensorLayer]
      previous = width
    }
    layers.append(Flatten())
    if dropout > 0 { layers.append(Dropout(probability: dropout)) }
    layers += [Linear(featureSize, hidden), ReLU()] as [any TensorLayer]
    if hiddenDropout > 0 { layers.append(Dropout(probability: hiddenDropout)) }
    layers.append(Linear(hidden, classes))
    return Sequential(layers)
  }

  /// `conv 32-64 (3×3), 128 hidden` for the model line of `ember evaluate`.
  var summary: String {
    "CNN, convolutions \(channels.map(String.init).joined(separator: "-")) (\(kernelSize)×\(kernelSize)), "
      + "\(hidden) hidden"
  }
}
