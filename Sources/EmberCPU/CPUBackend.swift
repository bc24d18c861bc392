import EmberBackend
import Foundation

/// The registry's loader for the CPU backend: added at program start by a C constructor in
/// CEmberKernels (BackendRegistration.c), called once on the registry's first use.
@_cdecl("ember_cpu_backend_load")
public func loadCPUBackend() -> UnsafeMutableRawPointer? {
  BackendList([CPUBackend.shared]).retainedPointer()
}

/// The CPU backend: kernels over raw buffers, multi-threaded above a size threshold, matrix products
/// through a BLAS loaded at run time (or the built-in GEMM).
public final class CPUBackend: Backend, @unchecked Sendable {
  /// The one CPU backend of the process; the registry finds it through `loadCPUBackend()`.
  public static let shared = CPUBackend()

  public let device = Device.cpu
  let cache = BufferCache()

  private init() {}

  public var name: String {
    "CPU (\(Parallel.threadCount) threads, GEMM: \(BLAS.shared?.name ?? "built-in, \(BuiltInGemm.kernelName) kernels"))"
  }

  public func allocate(count: Int, dtype: DType) -> Buffer {
    cache.allocate(byteCount: Swift.max(count, 1) * dtype.byteSize)
  }

  public func upload(_ source: UnsafeRawPointer, byteCount: Int, to buffer: Buffer) {
    precondition(byteCount <= buffer.byteCount, "upload: \(byteCount) bytes into a \(buffer.byteCount)-byte buffer")
    buffer.pointer.copyMemory(from: source, byteCount: byteCount)
  }

  public func download(_ operand: Operand, to destination: UnsafeMutableRawPointer) {
    cache.countDownload()
    let count = operand.count
    let wrapper = Buffer(device: .cpu, pointer: destination, byteCount: count * operand.dtype.byteSize, release: nil)
    copy(operand, to: Operand(buffer: wrapper, layout: Layout(contiguous: operand.shape), dtype: operand.dtype))
  }

  public func copy(_ source: Operand, to destination: Operand) {
    CopyKernels.copy(source, to: destination)
  }

  public func fill(_ destination: Operand, with value: Double) {
    CopyKernels.fill(destination, with: value)
  }
  public func random(_ distribution: RandomDistribution, at position: PhiloxPosition, to out: Operand) {
    RandomKernels.random(distribution, at: position, to: out)
  }


  public func unary(_ op: UnaryOp, _ x: Operand, to out: Operand) {
    ElementwiseKernels.unary(op, x, to: out)
  }

  public func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand) {
    ElementwiseKernels.binary(op, a, b, to: out)
  }

  public func select(_ condition: Operand, _ a: Operand, _ b: Operand, to out: Operand) {
    ElementwiseKernels.select(condition, a, b, to: out)
  }

  public func reduce(_ op: ReduceOp, _ x: Operand, axes: [Int], to out: Operand) {
    ReductionKernels.reduce(op, x, axes: axes, to: out)
  }

  public func matmul(_ a: Operand, _ b: Operand, to c: Operand, alpha: Double, beta: Double) {
    GemmKernels.matmul(a, b, to: c, alpha: alpha, beta: beta)
  }

  public func convolution(
    _ input: Operand, weight: Operand, bias: Operand?, geometry: ConvolutionGeometry, to out: Operand
  ) {
    ConvolutionKernels.forward(input, weight: weight, bias: bias, geometry: geometry, to: out)
  }

  public func convolutionBackwardInput(
    _ gradient: Operand, weight: Operand, geometry: ConvolutionGeometry, to out: Operand
  ) {
    ConvolutionKernels.backwardInput(gradient, weight: weight, geometry: geometry, to: out)
  }

  public func convolutionBackwardWeight(
    _ input: Operand, gradient: Operand, geometry: ConvolutionGeometry, to out: Operand
  ) {
    ConvolutionKernels.backwardWeight(input, gradient: gradient, geometry: geometry, to: out)
  }

  public func maxPool(_ input: Operand, geometry: PoolingGeometry, values: Operand, indices: Operand) {
    PoolingKernels.maxPool(input, geometry: geometry, values: values, indices: indices)
  }

  public func maxPoolBackward(_ gradient: Operand, indices: Operand, geometry: PoolingGeometry, to out: Operand) {
    PoolingKernels.maxPoolBackward(gradient, indices: indices, geometry: geometry, to: out)
  }

  public func channelMoments(_ input: Operand, mean: Operand, variance: Operand) {
    NormalizationKernels.channelMoments(input, mean: mean, variance: variance)
  }

  public func channelGradientSums(
    _ gradient: Operand, _ input: Operand, mean: Operand, sum: Operand, centeredSum: Operand
  ) {
    NormalizationKernels.channelGradientSums(gradient, input, mean: mean, sum: sum, centeredSum: centeredSum)
  }

  public func averagePool(_ input: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand) {
    PoolingKernels.averagePool(input, geometry: geometry, countPadding: countPadding, to: out)
  }

  public func averagePoolBackward(
    _ gradient: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand
  ) {
    PoolingKernels.averagePoolBackward(gradient, geometry: geometry, countPadding: countPadding, to: out)
  }

  public func softmax(_ x: Operand, axis: Int, log: Bool, to out: Operand) {
    SoftmaxKernels.softmax(x, axis: axis, log: log, to: out)
  }

  public func gather(_ x: Operand, axis: Int, index: Operand, to out: Operand) {
    IndexingKernels.gather(x, axis: axis, index: index, to: out)
  }

  public func scatterAdd(_ source: Operand, axis: Int, index: Operand, into out: Operand) {
    IndexingKernels.scatterAdd(source, axis: axis, index: index, into: out)
  }

  public func cumsum(_ x: Operand, axis: Int, to out: Operand) {
    ScanKernels.cumsum(x, axis: axis, to: out)
  }

  public func sort(_ x: Operand, axis: Int, descending: Bool, values: Operand, indices: Operand) {
    SortKernels.sort(x, axis: axis, descending: descending, values: values, indices: indices)
  }

  public func fused(
    _ program: FusedProgram, scalars: [Double], inputs: [Operand], outputs: [Operand],
    random: PhiloxPosition?
  ) {
    FusedKernels.run(program, scalars: scalars, inputs: inputs, outputs: outputs, random: random)
  }

  public var memoryStatistics: MemoryStatistics { cache.memoryStatistics }

  public func resetPeakMemory() { cache.resetPeak() }

  public func synchronize() {}
}
