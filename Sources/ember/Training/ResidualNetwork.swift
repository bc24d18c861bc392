import Ember

/// The network of `ember train cifar10`, the 32-64-128 network of `../shared/bench/torch_cifar10.py`
/// with optional skip connections: random horizontal flips and ±2-pixel shifts (training only), a stem `Conv2D(3→width)` → `BatchNorm2D` → `GELU`, then per stage
/// a block of two 3×3 convolutions (each with batch norm and GELU, no bias) and a 2×2 max pooling;
/// `AdaptiveMaxPool2D(1)`, `Flatten`, `Linear(→ classes)`. With `residual` the block's second
/// convolution is a residual branch, `y = a + GELU(BN(conv(a)))`, which costs one addition.
///
/// Shapes: input `[batch] + inputShape` → logits `[batch, classes]`.
///
/// Stored in a checkpoint as `ember.architecture` `resnet` and this value as JSON in
/// `ember.model_config`.
struct ResidualNetwork: Codable, Equatable {
  /// `[channels, height, width]` of one input image.
  var inputShape: [Int]
  /// Output channels of the stem.
  var stem: Int
  /// Output channels of each stage's block.
  var stages: [Int]
  /// Whether each block's second convolution is a residual branch.
  var residual: Bool
  var classes: Int

  /// The anchor network of `torch_cifar10.py` at `width` (32: stages 64, 128, 128).
  static func anchor(width: Int = 32, residual: Bool, classes: Int = 10) -> ResidualNetwork {
    ResidualNetwork(inputShape: [3, 32, 32], stem: width, stages: [2 * width, 4 * width, 4 * width],
                    residual: residual, classes: classes)
  }

  /// `nil` when the sizes make a network, else what is wrong with them.
  var problem: String? {
    guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }), stem > 0, !stages.isEmpty,
          stages.allSatisfy({ $0 > 0 }), classes >= 2
    else { return "sizes must be positive, with one or more stages and two or more classes" }
    guard inputShape[1] >> stages.count >= 1 && inputShape[2] >> stages.count >= 1 else {
      return "the \(inputShape) input is too small for \(stages.count) poolings"
    }
    return nil
  }

  /// The network, freshly initialized from the default generator.
  func build() -> Sequential {
    precondition(problem == nil, "ResidualNetwork: \(problem ?? "")")
    func convolution(_ input: Int, _ output: Int) -> [any TensorLayer] {
      [Conv2D(input, output, kernelSize: 3, padding: .same, bias: false), BatchNorm2D(output), GELU()]
    }
    // Augmentation first (identity outside training): mirror images and ±2-pixel shifts.
    var layers: [any TensorLayer] = [
      RandomFlip(.horizontal),
      RandomCrop(height: inputShape[1], width: inputShape[2], padding: 2, fillMode: .reflect),
    ]
    layers += convolution(inputShape[0], stem)
    var previous = stem
    for width in stages {
      let second = convolution(width, width)
      layers.append(Sequential(convolution(previous, width) + (residual ? [Residual(second)] : second)))
      layers.append(MaxPool2D(2))
      previous = width
    }
    layers += [AdaptiveMaxPool2D(1), Flatten(), Linear(previous, classes)] as [any TensorLayer]
    return Sequential(layers)
  }

  /// Multiply-adds ×2 of one image's forward pass (the convolutions and the classifier).
  var forwardFlops: Double {
    var (height, width) = (inputShape[1], inputShape[2])
    var flops = 2.0 * Double(height * width * stem * inputShape[0] * 9)
    var previous = stem
    for channels in stages {
      flops += 2 * Double(height * width * channels * 9 * (previous + channels))
      (height, width, previous) = (height / 2, width / 2, channels)
    }
    return flops + 2 * Double(previous * classes)
  }

  /// `32 | 64-128-128, residual` for the model line of `ember evaluate`.
  var summary: String {
    "\(residual ? "residual " : "")network, stem \(stem), stages "
      + stages.map(String.init).joined(separator: "-") + " (3×3, batch norm, GELU)"
  }
}
