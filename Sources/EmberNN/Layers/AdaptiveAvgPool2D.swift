import EmberBackend
import EmberCore

/// Average pooling to a fixed output size, like `torch.nn.AdaptiveAvgPool2d`: output cell `i` of
/// an axis averages the inputs `⌊i·in/out⌋ ..< ⌈(i + 1)·in/out⌉`.
///
/// Shapes: input `[N, C, H, W]` (or `[C, H, W]`) → `[N, C, outputSize[0], outputSize[1]]`.
public final class AdaptiveAvgPool2D: Layer {
  public let outputSize: [Int]

  public init(outputSize: [Int]) {
    precondition(outputSize.count == 2 && outputSize.allSatisfy { $0 > 0 },
                 "AdaptiveAvgPool2D: output size \(outputSize) needs two positive values")
    self.outputSize = outputSize
  }

  public convenience init(_ outputSize: Int) { self.init(outputSize: [outputSize, outputSize]) }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4 || input.rank == 3, "AdaptiveAvgPool2D: input \(input.shape) should be [N, C, H, W]")
    let (h, w) = (input.shape[input.rank - 2], input.shape[input.rank - 1])
    // y = A_h · x · A_wᵀ with each A's rows averaging one window.
    let rows = adaptiveAveraging(from: h, to: outputSize[0], like: input)
    let columns = adaptiveAveraging(from: w, to: outputSize[1], like: input)
    return rows.matmul(input.matmul(columns.transposed()))
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}

/// `[out, in]`: row `i` holds `1/count` over the window `⌊i·in/out⌋ ..< ⌈(i + 1)·in/out⌉`.
func adaptiveAveraging(from inSize: Int, to outSize: Int, like input: Tensor) -> Tensor {
  var values = [Double](repeating: 0, count: outSize * inSize)
  for i in 0..<outSize {
    let start = i * inSize / outSize, end = ((i + 1) * inSize + outSize - 1) / outSize
    for j in start..<end { values[i * inSize + j] = 1 / Double(end - start) }
  }
  return Tensor(values, shape: [outSize, inSize], on: input.device).cast(to: input.dtype)
}
