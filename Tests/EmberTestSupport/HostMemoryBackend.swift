import EmberBackend
import EmberCPU
import Foundation

/// A second device for tests: host memory under another `Device` name, every kernel delegated to
/// the CPU backend. Registering it shows that the core, layers, optimizers and trainer run on a
/// backend they were never told about, and lets tests mix devices on a machine with no GPU.
public final class HostMemoryBackend: Backend, @unchecked Sendable {
  public let device: Device
  private let cpu = CPUBackend.shared
  private let lock = Lock()
  private var stats = MemoryStatistics()

  /// The test backend named `cuda:15`, registered with `Backends` on first use.
  public static let shared = named(15)

  nonisolated(unsafe) private static var instances: [Int: HostMemoryBackend] = [:]
  private static let instancesLock = Lock()

  /// The test backend named `cuda:index`, registered on first use. Tests that count a backend's
  /// downloads or bytes take an index of their own, since tests run in parallel.
  public static func named(_ index: Int) -> HostMemoryBackend {
    instancesLock.run {
      if let existing = instances[index] { return existing }
      let backend = HostMemoryBackend(device: .cuda(index))
      Backends.register(backend)
      instances[index] = backend
      return backend
    }
  }

  init(device: Device) { self.device = device }

  public var name: String { "host memory as \(device) (tests)" }

  public func allocate(count: Int, dtype: DType) -> Buffer {
    let inner = cpu.allocate(count: count, dtype: dtype)
    lock.run {
      stats.allocations += 1
      stats.currentBytes += inner.byteCount
      stats.peakBytes = max(stats.peakBytes, stats.currentBytes)
    }
    let byteCount = inner.byteCount
    return Buffer(device: device, pointer: inner.pointer, byteCount: byteCount) { [self] _, _ in
      _ = inner  // keeps the host block alive until this buffer dies
      lock.run { stats.currentBytes -= byteCount }
    }
  }

  private func host(_ operand: Operand) -> Operand {
    precondition(operand.buffer.device == device, "HostMemoryBackend: operand on \(operand.buffer.device)")
    let wrapper = Buffer(device: .cpu, pointer: operand.buffer.pointer, byteCount: operand.buffer.byteCount,
                         release: { [buffer = operand.buffer] _, _ in _ = buffer })
    return Operand(buffer: wrapper, layout: operand.layout, dtype: operand.dtype)
  }

  public func upload(_ source: UnsafeRawPointer, byteCount: Int, to buffer: Buffer) {
    buffer.pointer.copyMemory(from: source, byteCount: byteCount)
  }

  public func download(_ operand: Operand, to destination: UnsafeMutableRawPointer) {
    lock.run { stats.downloads += 1 }
    let wrapper = Buffer(device: .cpu, pointer: destination, byteCount: operand.count * operand.dtype.byteSize,
                         release: nil)
    cpu.copy(host(operand), to: Operand(buffer: wrapper, layout: Layout(contiguous: operand.shape), dtype: operand.dtype))
  }

  public func copy(_ source: Operand, to destination: Operand) { cpu.copy(host(source), to: host(destination)) }
  public func fill(_ destination: Operand, with value: Double) { cpu.fill(host(destination), with: value) }
  public func random(_ distribution: RandomDistribution, at position: PhiloxPosition, to out: Operand) {
    cpu.random(distribution, at: position, to: host(out))
  }
  public func unary(_ op: UnaryOp, _ x: Operand, to out: Operand) { cpu.unary(op, host(x), to: host(out)) }
  public func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand, to out: Operand) {
    cpu.binary(op, host(a), host(b), to: host(out))
  }
  public func select(_ condition: Operand, _ a: Operand, _ b: Operand, to out: Operand) {
    cpu.select(host(condition), host(a), host(b), to: host(out))
  }
  public func reduce(_ op: ReduceOp, _ x: Operand, axes: [Int], to out: Operand) {
    cpu.reduce(op, host(x), axes: axes, to: host(out))
  }
  public func matmul(_ a: Operand, _ b: Operand, to c: Operand, alpha: Double, beta: Double) {
    cpu.matmul(host(a), host(b), to: host(c), alpha: alpha, beta: beta)
  }
  public func softmax(_ x: Operand, axis: Int, log: Bool, to out: Operand) {
    cpu.softmax(host(x), axis: axis, log: log, to: host(out))
  }
  public func gather(_ x: Operand, axis: Int, index: Operand, to out: Operand) {
    cpu.gather(host(x), axis: axis, index: host(index), to: host(out))
  }
  public func scatterAdd(_ source: Operand, axis: Int, index: Operand, into out: Operand) {
    cpu.scatterAdd(host(source), axis: axis, index: host(index), into: host(out))
  }
  public func convolution(
    _ input: Operand, weight: Operand, bias: Operand?, geometry: ConvolutionGeometry, to out: Operand
  ) {
    cpu.convolution(host(input), weight: host(weight), bias: bias.map(host), geometry: geometry, to: host(out))
  }
  public func convolutionBackwardInput(
    _ gradient: Operand, weight: Operand, geometry: ConvolutionGeometry, to out: Operand
  ) {
    cpu.convolutionBackwardInput(host(gradient), weight: host(weight), geometry: geometry, to: host(out))
  }
  public func convolutionBackwardWeight(
    _ input: Operand, gradient: Operand, geometry: ConvolutionGeometry, to out: Operand
  ) {
    cpu.convolutionBackwardWeight(host(input), gradient: host(gradient), geometry: geometry, to: host(out))
  }
  public func maxPool(_ input: Operand, geometry: PoolingGeometry, values: Operand, indices: Operand) {
    cpu.maxPool(host(input), geometry: geometry, values: host(values), indices: host(indices))
  }
  public func maxPoolBackward(_ gradient: Operand, indices: Operand, geometry: PoolingGeometry, to out: Operand) {
    cpu.maxPoolBackward(host(gradient), indices: host(indices), geometry: geometry, to: host(out))
  }
  public func channelMoments(_ input: Operand, mean: Operand, variance: Operand) {
    cpu.channelMoments(host(input), mean: host(mean), variance: host(variance))
  }
  public func channelGradientSums(
    _ gradient: Operand, _ input: Operand, mean: Operand, sum: Operand, centeredSum: Operand
  ) {
    cpu.channelGradientSums(host(gradient), host(input), mean: host(mean), sum: host(sum),
                            centeredSum: host(centeredSum))
  }
  public func averagePool(_ input: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand) {
    cpu.averagePool(host(input), geometry: geometry, countPadding: countPadding, to: host(out))
  }
  public func averagePoolBackward(
    _ gradient: Operand, geometry: PoolingGeometry, countPadding: Bool, to out: Operand
  ) {
    cpu.averagePoolBackward(host(gradient), geometry: geometry, countPadding: countPadding, to: host(out))
  }
  public func cumsum(_ x: Operand, axis: Int, to out: Operand) { cpu.cumsum(host(x), axis: axis, to: host(out)) }
  public func sort(_ x: Operand, axis: Int, descending: Bool, values: Operand, indices: Operand) {
    cpu.sort(host(x), axis: axis, descending: descending, values: host(values), indices: host(indices))
  }
  public func fused(
    _ program: FusedProgram, scalars: [Double], inputs: [Operand], outputs: [Operand],
    random: PhiloxPosition?
  ) {
    cpu.fused(program, scalars: scalars, inputs: inputs.map(host), outputs: outputs.map(host), random: random)
  }

  public var memoryStatistics: MemoryStatistics { lock.run { stats } }
  public func resetPeakMemory() { lock.run { stats.peakBytes = stats.currentBytes } }
  public func synchronize() {}
}

/// A mutex around a closure.
final class Lock: @unchecked Sendable {
  private let lock = NSLock()
  func run<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
