import Testing

@testable import EmberBackend

@Suite struct LayoutTests {
  @Test func contiguousStrides() {
    #expect(Layout.contiguousStrides(for: [2, 3, 4]) == [12, 4, 1])
    #expect(Layout.contiguousStrides(for: []) == [])
    #expect(Layout(contiguous: [2, 3]).isContiguous)
    #expect(Layout(contiguous: [2, 3]).count == 6)
    #expect(Layout(contiguous: []).count == 1)
  }

  @Test func transposedIsNotContiguous() {
    let t = Layout(contiguous: [2, 3]).permuted([1, 0])
    #expect(t.shape == [3, 2])
    #expect(t.strides == [1, 3])
    #expect(!t.isContiguous)
    // Axes of size 1 do not break contiguity.
    #expect(Layout(shape: [1, 3], strides: [99, 1]).isContiguous)
  }

  @Test func broadcastUsesZeroStrides() {
    let b = Layout(contiguous: [3, 1]).broadcast(to: [2, 3, 4])
    #expect(b.shape == [2, 3, 4])
    #expect(b.strides == [0, 1, 0])
  }

  @Test func broadcastShapes() {
    #expect(Layout.broadcastShape([2, 1, 3], [4, 1]) == [2, 4, 3])
    #expect(Layout.broadcastShape([3], []) == [3])
    #expect(Layout.broadcastShape([2, 3], [4]) == nil)
  }

  @Test func promotion() {
    #expect(DType.promoted(.int32, .float32) == .float32)
    #expect(DType.promoted(.float64, .float32) == .float64)
    #expect(DType.promoted(.bool, .int64) == .int64)
    #expect(DType.bool.byteSize == 1 && DType.int64.byteSize == 8)
  }
}
