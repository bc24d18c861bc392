import EmberCore

/// Max pooling to a fixed output size, like `torch.nn.AdaptiveMaxPool2d`: output cell `i` of an
/// axis is the maximum over the inputs `⌊i·in/out⌋ ..< ⌈(i + 1)·in/out⌉`.
///
/// Shapes: input `[N, C, H, W]` (or `[C, H, W]`) → `[N, C, outputSize[0], outputSize[1]]`.
public final class AdaptiveMaxPool2D: Layer {
  public let outputSize: [Int]

  public init(outputSize: [Int]) {
    precondition(outputSize.count == 2 && outputSize.allSatisfy { $0 > 0 },
                 "AdaptiveMaxPool2D: output size \(outputSize) needs two positive values")
    self.outputSize = outputSize
  }

  public convenience init(_ outputSize: Int) { self.init(outputSize: [outputSize, outputSize]) }

  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4 || input.rank == 3,
                 "AdaptiveMaxPool2D: input \(input.shape) should be [N, C, H, W]")
    let (hAxis, wAxis) = (input.rank - 2, input.rank - 1)
    let (h, w) = (input.shape[hAxis], input.shape[wAxis])
    let (outH, outW) = (outputSize[0], outputSize[1])
    // Equal windows that tile the input are one max pooling.
    if h % outH == 0 && w % outW == 0 {
      return input.maxPool2d(kernel: [h / outH, w / outW])
    }
    // Otherwise each output cell is the maximum of its own (possibly overlapping) window.
    func window(_ i: Int, _ inSize: Int, _ outSize: Int) -> Range<Int> {
      (i * inSize / outSize)..<(((i + 1) * inSize + outSize - 1) / outSize)
    }
    let rows = (0..<outH).map { i in
      let rowBand = input[.ellipsis, window(i, h, outH), 0..<w]
      let cells = (0..<outW).map { j in
        rowBand[.ellipsis, window(j, w, outW)].max(axes: [hAxis, wAxis], keepDims: true)
      }
      return Tensor.concat(cells, axis: wAxis)
    }
    return Tensor.concat(rows, axis: hAxis)
  }

  public func visitParameters(_ visitor: inout ParameterVisitor) {}
}
