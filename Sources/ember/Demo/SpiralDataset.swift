import Ember

/// Points on interleaved noisy spirals, one arm per class (the classic CS231n toy problem).
///
/// Class `k`'s `i`-th point lies at radius `r = i / (n − 1)` and angle `t = 4k + 4r + 0.2·ε`,
/// `ε ~ N(0, 1)`, at `(r·sin t, r·cos t)`. Drawn from Ember's seeded generator.
struct SpiralDataset {
  /// Coordinates, `[classes · pointsPerClass, 2]` float32.
  let points: Tensor
  /// Class of each point, `[classes · pointsPerClass]` int64.
  let labels: Tensor

  var count: Int { points.shape[0] }

  init(classes: Int, pointsPerClass: Int, noise: Double = 0.2) {
    let n = pointsPerClass
    let radius = Tensor.linspace(0, 1, count: n).reshaped([1, n])  // [1, n]
    let arm = Tensor.arange(0, Double(classes), dtype: .float32).reshaped([classes, 1])
    let jitter = Tensor.normal([classes, n], mean: 0, standardDeviation: noise)
    let angle = arm * 4 + radius * 4 + jitter  // [classes, n]
    let x = radius * angle.sin(), y = radius * angle.cos()  // [classes, n] each
    points = Tensor.stack([x, y], axis: -1).reshaped([classes * n, 2])
    labels = Tensor.arange(0, Double(classes)).reshaped([classes, 1])
      .expanded(to: [classes, n]).reshaped([classes * n])
  }
}
