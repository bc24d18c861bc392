/// What a kernel reads or writes: a buffer, the elements it sees, and their type.
public struct Operand: @unchecked Sendable {
  public var buffer: Buffer
  public var layout: Layout
  public var dtype: DType

  public init(buffer: Buffer, layout: Layout, dtype: DType) {
    self.buffer = buffer
    self.layout = layout
    self.dtype = dtype
  }

  public var shape: [Int] { layout.shape }
  public var count: Int { layout.count }
}
