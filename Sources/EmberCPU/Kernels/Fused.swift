import CEmberKernels
import Dispatch
import EmberBackend
import Foundation

/// The CPU's fused elementwise kernel: a `FusedProgram` run over blocks of `blockBytes` bytes per
/// register.
///
/// Each instruction is one tight loop over a block of raw scratch registers (small enough to stay
/// in L1), so a whole expression makes one pass over memory. At launch the program is planned once:
/// instructions that depend only on scalars are folded to constants (operand stride 0 in the
/// loops), dead instructions are dropped, contiguous inputs of the program's dtype are read where
/// they lie and contiguous outputs written where they lie (an in-place update too, when the
/// instruction that computes it is the last to read its memory; otherwise it stores after the
/// block's last read), every other input is
/// gathered and converted into scratch, and scratch registers are reused once their last reader
/// has run. Float32 arithmetic and exp/sigmoid/tanh/erf run C loops compiled for AVX2/AVX-512
/// (VectorMath.c); everything else runs the element functions of ElementFunctions.swift. Blocks
/// are split into pieces that the threads take in turn; each element's result depends only on its
/// own index, never on the split.
enum FusedKernels {
  /// Bytes of one scratch register: 1024 float32 or 512 float64 elements per block (measured on
  /// GELU forward + backward: 1024 float32 elements ran about 10% faster than 256; a program's
  /// registers still fit in L1/L2).
  static let blockBytes = 4096

  static func run(
    _ program: FusedProgram, scalars: [Double], inputs: [Operand], outputs: [Operand],
    random: PhiloxPosition?
  ) {
    precondition(!outputs.isEmpty && outputs.count == program.results.count,
                 "fused: \(outputs.count) outputs for a program with \(program.results.count) results")
    precondition(inputs.count >= program.inputCount,
                 "fused: \(inputs.count) inputs for a program reading \(program.inputCount)")
    precondition(scalars.count >= program.scalarCount,
                 "fused: \(scalars.count) scalars for a program reading \(program.scalarCount)")
    precondition(!program.isRandom || random != nil, "fused: a random program needs a PhiloxPosition")
    let shape = outputs[0].shape
    for operand in inputs + outputs {
      precondition(operand.shape == shape,
                   "fused: operand shape \(operand.shape) differs from output shape \(shape)")
    }
    if outputs[0].count == 0 { return }
    switch program.dtype {
    case .float32:
      FusedExecutor<Float>(program, scalars, inputs, outputs, random).run()
    case .float64:
      FusedExecutor<Double>(program, scalars, inputs, outputs, random).run()
    default:
      preconditionFailure("fused: programs compute in float32 or float64, not \(program.dtype)")
    }
  }
}

/// The elements of one operand in row-major order: its memory and dtype, and its non-unit axes,
/// merged where adjacent axes are laid out as one. Plain values and raw pointers only, so the block
/// loop reads it without reference counting; `deallocate()` frees its axis table.
private struct OperandWalk {
  let base: UnsafeMutableRawPointer
  let dtype: DType
  let offset: Int
  let rank: Int
  /// Sizes at `0 ..< rank`, strides at `rank ..< 2·rank`.
  let axes: UnsafeMutablePointer<Int>

  init(_ operand: Operand) {
    let layout = operand.layout
    var sizes: [Int] = [], strides: [Int] = []
    for d in 0..<layout.rank where layout.shape[d] != 1 {
      if let last = sizes.indices.last, strides[last] == layout.strides[d] &* layout.shape[d] {
        sizes[last] &*= layout.shape[d]
        strides[last] = layout.strides[d]
      } else {
        sizes.append(layout.shape[d])
        strides.append(layout.strides[d])
      }
    }
    base = operand.buffer.pointer
    dtype = operand.dtype
    offset = layout.offset
    rank = sizes.count
    axes = .allocate(capacity: Swift.max(1, 2 * rank))
    for d in 0..<rank {
      axes[d] = sizes[d]
      axes[rank + d] = strides[d]
    }
  }

  func deallocate() { axes.deallocate() }

  /// Calls `body(offset, stride, start, length)` for the runs covering elements `e0 ..< e0 + n`:
  /// element `e0 + start + j` of the run lies at `offset + j·stride`.
  @inline(__always)
  func forEachRun(_ e0: Int, _ n: Int, _ body: (Int, Int, Int, Int) -> Void) {
    if rank == 0 { return body(offset, 0, 0, n) }
    let innerStride = axes[2 * rank - 1]
    if rank == 1 { return body(offset &+ e0 &* innerStride, innerStride, 0, n) }
    let inner = axes[rank - 1]
    var row = e0 / inner
    var column = e0 &- row &* inner
    var done = 0
    while done < n {
      var r = row
      var rowOffset = offset
      for d in stride(from: rank - 2, through: 0, by: -1) {
        let i = r % axes[d]
        r /= axes[d]
        rowOffset &+= i &* axes[rank + d]
      }
      let length = Swift.min(inner &- column, n &- done)
      body(rowOffset &+ column &* innerStride, innerStride, done, length)
      done &+= length
      column = 0
      row &+= 1
    }
  }
}

/// One instruction as the block loop runs it: its kind and its registers.
private struct FusedStep {
  enum Kind {
    case load(Int), uniform, bernoulli(UInt64), unary(UnaryOp), binary(BinaryOp), select
    /// `a·s + b·t`: an `add` or `sub` of scaled operands, planned as one loop.
    case linear(Double, Double)
  }
  var kind: Kind
  var destination: Int
  var a = 0, b = 0, c = 0
}

/// A planned launch of one program computing in `T`.
private struct FusedExecutor<T: KernelFloat> {
  let program: FusedProgram
  let inputs: [Operand]
  let outputs: [Operand]
  let random: PhiloxPosition?
  let count: Int
  /// The steps of the non-constant, live instructions, in order.
  var steps: [FusedStep] = []
  /// Per register: 1 when it holds a block, 0 when it is a constant.
  var strides: [Int]
  /// Per register: its scratch slot, or -1 (constant, read in place or written in place).
  var slots: [Int]
  var slotCount = 0
  /// Folded constants, one per register (meaningful where `strides` is 0).
  var constants: [T]
  /// Registers that point into an input or output: `(register, base pointer)`.
  var inPlaceRegisters: [(register: Int, base: UnsafeMutablePointer<T>)] = []
  /// Outputs written at the end of each block: `(output, register)`.
  var stores: [(output: Int, register: Int)] = []
  /// The walks of the gathered inputs, by input index (freed at the end of `run()`).
  var walks: [OperandWalk?]
  var outputWalks: [OperandWalk] = []

  init(
    _ program: FusedProgram, _ scalars: [Double], _ inputs: [Operand], _ outputs: [Operand],
    _ random: PhiloxPosition?
  ) {
    self.program = program
    self.inputs = inputs
    self.outputs = outputs
    self.random = random
    count = outputs[0].count
    let instructions = program.instructions
    let registerCount = instructions.count
    strides = [Int](repeating: 1, count: registerCount)
    slots = [Int](repeating: -1, count: registerCount)
    constants = [T](repeating: 0, count: registerCount)
    outputWalks = outputs.map { OperandWalk($0) }
    walks = [OperandWalk?](repeating: nil, count: inputs.count)

    // Live registers: those the results depend on.
    var live = [Bool](repeating: false, count: registerCount)
    for r in program.results { live[r] = true }
    var lastUse = [Int](repeating: -1, count: registerCount)
    for r in program.results { lastUse[r] = Int.max }
    for i in stride(from: registerCount - 1, through: 0, by: -1) where live[i] {
      for operand in Self.operands(instructions[i]) {
        live[operand] = true
        lastUse[operand] = Swift.max(lastUse[operand], i)
      }
    }

    // Constants: scalars and anything computed from constants alone, folded here.
    var isConstant = [Bool](repeating: false, count: registerCount)
    for (i, instruction) in instructions.enumerated() where live[i] {
      switch instruction {
      case .scalar(let k):
        isConstant[i] = true
        constants[i] = T(scalars[k])
      case .unary, .binary, .select:
        let operands = Self.operands(instruction)
        guard operands.allSatisfy({ isConstant[$0] }) else { continue }
        isConstant[i] = true
        let step = Self.step(instruction, destination: i, scalars: scalars)
        let zeroStrides = [Int](repeating: 0, count: registerCount)
        constants.withUnsafeMutableBufferPointer { values in
          let base = values.baseAddress!
          let registers = UnsafeMutablePointer<UnsafeMutablePointer<T>>.allocate(capacity: registerCount)
          defer { registers.deallocate() }
          for r in 0..<registerCount { registers[r] = base + r }
          zeroStrides.withUnsafeBufferPointer { strides in
            Self.execute(
              step, base + i, registers, UnsafeMutablePointer(mutating: strides.baseAddress!), n: 1,
              words: nil, e0: 0, random: nil, inputs: nil)
          }
        }
      default: break
      }
      if isConstant[i] { strides[i] = 0 }
    }

    // Linear combinations: `add`/`sub` of `mul(x, constant)` terms (either may be unscaled) run as
    // one `a·s + b·t` loop when each product is read nowhere else — an optimizer's moment update
    // `β·m + (1 − β)·g` is one pass instead of three. Rounding is that of the separate ops.
    var readers = [Int](repeating: 0, count: registerCount)
    for r in program.results { readers[r] += 1 }
    for (i, instruction) in instructions.enumerated() where live[i] && !isConstant[i] {
      for operand in Self.operands(instruction) { readers[operand] += 1 }
    }
    var absorbed = [Bool](repeating: false, count: registerCount)
    var linear: [Int: (a: Int, s: Double, b: Int, t: Double)] = [:]
    let folded = constants
    for (i, instruction) in instructions.enumerated() where live[i] && !isConstant[i] {
      guard case .binary(let op, let x, let y) = instruction, op == .add || op == .sub, x != y else {
        continue
      }
      func term(_ r: Int) -> (register: Int, scale: Double, absorbs: Bool) {
        if !isConstant[r], readers[r] == 1, case .binary(.mul, let p, let q) = instructions[r],
          isConstant[p] != isConstant[q]
        {
          return isConstant[q] ? (p, Double(folded[q]), true) : (q, Double(folded[p]), true)
        }
        return (r, 1, false)
      }
      let first = term(x), second = term(y)
      guard first.absorbs || second.absorbs else { continue }
      absorbed[x] = first.absorbs
      absorbed[y] = second.absorbs
      linear[i] = (first.register, first.scale, second.register, op == .sub ? -second.scale : second.scale)
    }
    func effectiveOperands(_ i: Int) -> [Int] {
      if let l = linear[i] { return [l.a, l.b] }
      return Self.operands(instructions[i])
    }
    if !linear.isEmpty {
      lastUse = [Int](repeating: -1, count: registerCount)
      for r in program.results { lastUse[r] = Int.max }
      for i in 0..<registerCount where live[i] && !isConstant[i] && !absorbed[i] {
        for operand in effectiveOperands(i) { lastUse[operand] = Swift.max(lastUse[operand], i) }
      }
    }

    // Where each register lives.
    let inputBuffers = inputs.map { ObjectIdentifier($0.buffer) }
    var directOutput = [Int: Int]()  // register -> output
    for (k, r) in program.results.enumerated() where !isConstant[r] && directOutput[r] == nil {
      if case .input = instructions[r] { continue }
      let out = outputs[k]
      guard out.dtype == program.dtype && out.layout.isContiguous else { continue }
      guard inputBuffers.contains(ObjectIdentifier(out.buffer)) else {
        directOutput[r] = k
        continue
      }
      // An in-place update (p ← p − …) writes its output where it lies too, when every read of
      // that memory is of the very same elements, read in place, and over by the instruction that
      // computes the output: within a block, each element is then read before it is written.
      let safe = instructions.indices.allSatisfy { i in
        guard live[i], case .input(let j) = instructions[i],
          ObjectIdentifier(inputs[j].buffer) == ObjectIdentifier(out.buffer)
        else { return true }
        return inputs[j].dtype == program.dtype && inputs[j].layout == out.layout && i < r
          && lastUse[i] <= r
      }
      if safe { directOutput[r] = k }
    }
    var freeSlots: [Int] = []
    for (i, instruction) in instructions.enumerated() where live[i] && !isConstant[i] && !absorbed[i] {
      // Operands read for the last time here free their slots before the result takes one.
      for operand in Set(effectiveOperands(i)) where lastUse[operand] == i && slots[operand] >= 0 {
        freeSlots.append(slots[operand])
      }
      if case .input(let k) = instruction {
        let input = inputs[k]
        if input.dtype == program.dtype && input.layout.isContiguous {
          let base = input.buffer.pointer.assumingMemoryBound(to: T.self) + input.layout.offset
          inPlaceRegisters.append((i, base))
          continue
        }
        if walks[k] == nil { walks[k] = OperandWalk(input) }
      }
      if let k = directOutput[i] {
        let out = outputs[k]
        let base = out.buffer.pointer.assumingMemoryBound(to: T.self) + out.layout.offset
        inPlaceRegisters.append((i, base))
      } else if let slot = freeSlots.popLast() {
        slots[i] = slot
      } else {
        slots[i] = slotCount
        slotCount += 1
      }
      if let l = linear[i] {
        steps.append(FusedStep(kind: .linear(l.s, l.t), destination: i, a: l.a, b: l.b))
      } else {
        steps.append(Self.step(instruction, destination: i, scalars: scalars))
      }
    }
    for (k, r) in program.results.enumerated() where directOutput[r] != k {
      stores.append((k, r))
    }
  }

  private static func operands(_ instruction: FusedProgram.Instruction) -> [Int] {
    switch instruction {
    case .unary(_, let a): return [a]
    case .binary(_, let a, let b): return [a, b]
    case .select(let c, let a, let b): return [c, a, b]
    default: return []
    }
  }

  private static func step(
    _ instruction: FusedProgram.Instruction, destination: Int, scalars: [Double]
  ) -> FusedStep {
    switch instruction {
    case .input(let k): return FusedStep(kind: .load(k), destination: destination)
    case .uniform: return FusedStep(kind: .uniform, destination: destination)
    case .bernoulli(let k):
      // word < ⌊p·2³²⌋, compared as 64-bit integers (p = 1 keeps every element).
      let p = Swift.min(Swift.max(scalars[k], 0), 1)
      return FusedStep(kind: .bernoulli(UInt64((p * 4294967296).rounded(.down))), destination: destination)
    case .unary(let op, let a): return FusedStep(kind: .unary(op), destination: destination, a: a)
    case .binary(let op, let a, let b):
      return FusedStep(kind: .binary(op), destination: destination, a: a, b: b)
    case .select(let c, let a, let b):
      return FusedStep(kind: .select, destination: destination, a: a, b: b, c: c)
    case .scalar: preconditionFailure("unreachable: scalars are folded")
    }
  }

  /// Elements per block.
  static var blockSize: Int { FusedKernels.blockBytes / MemoryLayout<T>.stride }

  func run() {
    let b = Self.blockSize
    let blocks = (count + b - 1) / b
    let cost = b * Swift.max(1, steps.count + stores.count)
    let threads = Parallel.threadCount
    if threads <= 1 || blocks < 2 || blocks &* cost < 1 << 15 {
      runBlocks(0..<blocks)
    } else {
      // Eight pieces per thread, taken in turn by `threads` workers: a worker that other processes
      // slow down takes fewer pieces instead of holding up the rest (as a static split would).
      let pieces = Swift.min(blocks, threads * 8)
      let chunk = (blocks + pieces - 1) / pieces
      let queue = PieceQueue(count: pieces)
      Parallel.onThreads(Swift.min(threads, pieces)) { _ in
        while let piece = queue.next() {
          let start = piece &* chunk
          if start < blocks { runBlocks(start..<Swift.min(blocks, start &+ chunk)) }
        }
      }
    }
    for walk in walks { walk?.deallocate() }
    for walk in outputWalks { walk.deallocate() }
  }

  /// Runs the blocks in `range` with scratch of their own. Everything the block loop reads is
  /// copied to raw memory first (allocated once per call, not per block), so the loop does no
  /// allocation and no reference counting.
  private func runBlocks(_ range: Range<Int>) {
    let b = Self.blockSize
    let registerCount = program.instructions.count
    let scratch = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, slotCount) * b)
    let registers = UnsafeMutablePointer<UnsafeMutablePointer<T>>.allocate(capacity: registerCount)
    let constantValues = UnsafeMutablePointer<T>.allocate(capacity: registerCount)
    let registerStrides = UnsafeMutablePointer<Int>.allocate(capacity: registerCount)
    let words: UnsafeMutablePointer<UInt32>? = program.isRandom ? .allocate(capacity: 2 * b) : nil
    let stepCount = steps.count, inPlaceCount = inPlaceRegisters.count, storeCount = stores.count
    let stepList = UnsafeMutablePointer<FusedStep>.allocate(capacity: Swift.max(1, stepCount))
    let inPlace = UnsafeMutablePointer<(register: Int, base: UnsafeMutablePointer<T>)>.allocate(
      capacity: Swift.max(1, inPlaceCount))
    let storeList = UnsafeMutablePointer<(output: Int, register: Int)>.allocate(
      capacity: Swift.max(1, storeCount))
    let inputWalks = UnsafeMutablePointer<OperandWalk?>.allocate(capacity: Swift.max(1, walks.count))
    let outputList = UnsafeMutablePointer<OperandWalk>.allocate(capacity: outputWalks.count)
    stepList.initialize(from: steps, count: stepCount)
    inPlace.initialize(from: inPlaceRegisters, count: inPlaceCount)
    storeList.initialize(from: stores, count: storeCount)
    inputWalks.initialize(from: walks, count: walks.count)
    outputList.initialize(from: outputWalks, count: outputWalks.count)
    registerStrides.initialize(from: strides, count: registerCount)
    defer {
      for pointer in [scratch, constantValues] as [UnsafeMutablePointer<T>] { pointer.deallocate() }
      registers.deallocate()
      registerStrides.deallocate()
      words?.deallocate()
      stepList.deallocate()
      inPlace.deallocate()
      storeList.deallocate()
      inputWalks.deallocate()
      outputList.deallocate()
    }
    for r in 0..<registerCount {
      constantValues[r] = constants[r]
      registers[r] = slots[r] >= 0 ? scratch + slots[r] &* b : constantValues + r
    }
    let random = self.random
    for block in range {
      let e0 = block &* b
      let n = Swift.min(b, count &- e0)
      for j in 0..<inPlaceCount { registers[inPlace[j].register] = inPlace[j].base + e0 }
      for s in 0..<stepCount {
        let step = stepList[s]
        Self.execute(
          step, registers[step.destination], registers, registerStrides, n: n, words: words, e0: e0,
          random: random, inputs: inputWalks)
      }
      for j in 0..<storeCount {
        let (k, r) = storeList[j]
        Self.store(registers[r], stride: registerStrides[r], to: outputList[k], e0, n)
      }
    }
  }

  /// Runs one step over `n` elements into `destination`.
  @inline(__always)
  private static func execute(
    _ step: FusedStep, _ destination: UnsafeMutablePointer<T>,
    _ registers: UnsafeMutablePointer<UnsafeMutablePointer<T>>, _ strides: UnsafeMutablePointer<Int>,
    n: Int, words: UnsafeMutablePointer<UInt32>?, e0: Int, random: PhiloxPosition?,
    inputs: UnsafeMutablePointer<OperandWalk?>?
  ) {
    let y = destination
    switch step.kind {
    case .load(let k):
      gather(inputs![k]!, e0, n, into: y)
    case .uniform:
      let position = random!, w = words!
      if T.self == Float.self {
        ember_philox_u32(position.key, position.stream, position.word &+ UInt64(e0), w, n)
        for i in 0..<n { y[i] = T(Float(w[i] >> 8) * 0x1p-24) }
      } else {
        ember_philox_u32(position.key, position.stream, position.word &+ 2 &* UInt64(e0), w, 2 &* n)
        for i in 0..<n {
          let bits = (UInt64(w[2 &* i &+ 1]) << 32) | UInt64(w[2 &* i])
          y[i] = T(Double(bits >> 11) * 0x1p-53)
        }
      }
    case .bernoulli(let threshold):
      let position = random!, w = words!
      ember_philox_u32(position.key, position.stream, position.word &+ UInt64(e0), w, n)
      for i in 0..<n { y[i] = UInt64(w[i]) < threshold ? 1 : 0 }
    case .unary(let op):
      unary(op, registers[step.a], strides[step.a], y, n)
    case .binary(let op):
      binary(op, registers[step.a], strides[step.a], registers[step.b], strides[step.b], y, n)
    case .linear(let s, let t):
      linear(registers[step.a], strides[step.a], T(s), registers[step.b], strides[step.b], T(t), y, n)
    case .select:
      let c = registers[step.c], a = registers[step.a], b = registers[step.b]
      let sc = strides[step.c], sa = strides[step.a], sb = strides[step.b]
      if sc == 1 && sa == 1 && sb == 1 {
        for i in 0..<n { y[i] = c[i] != 0 ? a[i] : b[i] }
      } else {
        for i in 0..<n { y[i] = c[i &* sc] != 0 ? a[i &* sa] : b[i &* sb] }
      }
    }
  }

  /// Reads elements `e0 ..< e0 + n` of an input into `destination`, converting to `T`.
  @inline(__always)
  private static func gather(
    _ walk: OperandWalk, _ e0: Int, _ n: Int, into destination: UnsafeMutablePointer<T>
  ) {
    func read<S: KernelElement>(_: S.Type) {
      let source = walk.base.assumingMemoryBound(to: S.self)
      walk.forEachRun(e0, n) { offset, stride, start, length in
        let x = source + offset, y = destination + start
        if stride == 1 {
          for j in 0..<length { y[j] = T(converting: x[j]) }
        } else if stride == 0 {
          // A broadcast run (a per-channel scale over an image): one value, filled.
          y.update(repeating: T(converting: x[0]), count: length)
        } else {
          for j in 0..<length { y[j] = T(converting: x[j &* stride]) }
        }
      }
    }
    switch walk.dtype {
    case .float32: read(Float.self)
    case .float64: read(Double.self)
    case .int32: read(Int32.self)
    case .int64: read(Int64.self)
    case .bool: read(UInt8.self)
    }
  }

  /// Writes `n` values (stride 0 or 1) to elements `e0 ..< e0 + n` of an output, converting.
  @inline(__always)
  private static func store(
    _ values: UnsafeMutablePointer<T>, stride valueStride: Int, to walk: OperandWalk, _ e0: Int,
    _ n: Int
  ) {
    func write<D: KernelElement>(_: D.Type) {
      let target = walk.base.assumingMemoryBound(to: D.self)
      walk.forEachRun(e0, n) { offset, stride, start, length in
        let y = target + offset, x = values + start &* valueStride
        if stride == 1 && valueStride == 1 {
          for j in 0..<length { y[j] = D(converting: x[j]) }
        } else {
          for j in 0..<length { y[j &* stride] = D(converting: x[j &* valueStride]) }
        }
      }
    }
    switch walk.dtype {
    case .float32: write(Float.self)
    case .float64: write(Double.self)
    case .int32: write(Int32.self)
    case .int64: write(Int64.self)
    case .bool: write(UInt8.self)
    }
  }

  // MARK: - Instruction loops

  @inline(__always)
  private static func unary(
    _ op: UnaryOp, _ x: UnsafeMutablePointer<T>, _ sx: Int, _ y: UnsafeMutablePointer<T>, _ n: Int
  ) {
    if T.self == Float.self && sx == 1 {
      let xf = UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self)
      let yf = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
      switch op {
      case .exp: return ember_exp_f32_blocks(xf, yf, n)
      case .sigmoid: return ember_sigmoid_f32(xf, yf, n)
      case .tanh: return ember_tanh_f32(xf, yf, n)
      case .erf: return ember_erf_f32(xf, yf, n)
      case .neg: return ember_fused_unary_f32(0, xf, yf, n)
      case .abs: return ember_fused_unary_f32(1, xf, yf, n)
      case .square: return ember_fused_unary_f32(2, xf, yf, n)
      case .sqrt: return ember_fused_unary_f32(3, xf, yf, n)
      case .reciprocal: return ember_fused_unary_f32(4, xf, yf, n)
      case .relu: return ember_fused_unary_f32(5, xf, yf, n)
      default: break
      }
    }
    switch op {
    case .neg: blockMap(Negate<T>.self, x, sx, y, n)
    case .abs: blockMap(Absolute<T>.self, x, sx, y, n)
    case .sign: blockMap(Sign<T>.self, x, sx, y, n)
    case .square: blockMap(Square<T>.self, x, sx, y, n)
    case .sqrt: blockMap(SquareRoot<T>.self, x, sx, y, n)
    case .rsqrt: blockMap(ReciprocalSquareRoot<T>.self, x, sx, y, n)
    case .reciprocal: blockMap(Reciprocal<T>.self, x, sx, y, n)
    case .exp: blockMap(Exp<T>.self, x, sx, y, n)
    case .expm1: blockMap(ExpMinusOne<T>.self, x, sx, y, n)
    case .log: blockMap(Log<T>.self, x, sx, y, n)
    case .log1p: blockMap(LogOnePlus<T>.self, x, sx, y, n)
    case .sin: blockMap(Sine<T>.self, x, sx, y, n)
    case .cos: blockMap(Cosine<T>.self, x, sx, y, n)
    case .tanh: blockMap(HyperbolicTangent<T>.self, x, sx, y, n)
    case .sigmoid: blockMap(Sigmoid<T>.self, x, sx, y, n)
    case .erf: blockMap(ErrorFunction<T>.self, x, sx, y, n)
    case .softplus: blockMap(Softplus<T>.self, x, sx, y, n)
    case .relu: blockMap(ReLU<T>.self, x, sx, y, n)
    case .floor: blockMap(Floor<T>.self, x, sx, y, n)
    case .ceil: blockMap(Ceil<T>.self, x, sx, y, n)
    case .round: blockMap(Round<T>.self, x, sx, y, n)
    case .logicalNot: blockMap(FusedLogicalNot<T>.self, x, sx, y, n)
    }
  }

  /// `y = a·s + b·t`, each product and the sum rounded on their own.
  @inline(__always)
  private static func linear(
    _ a: UnsafeMutablePointer<T>, _ sa: Int, _ s: T, _ b: UnsafeMutablePointer<T>, _ sb: Int,
    _ t: T, _ y: UnsafeMutablePointer<T>, _ n: Int
  ) {
    if T.self == Float.self {
      func f(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
      }
      return ember_fused_linear_f32(f(a), sa, Float(s), f(b), sb, Float(t), f(y), n)
    }
    for i in 0..<n {
      let u = a[i &* sa] * s
      let v = b[i &* sb] * t
      y[i] = u + v
    }
  }

  @inline(__always)
  private static func binary(
    _ op: BinaryOp, _ a: UnsafeMutablePointer<T>, _ sa: Int, _ b: UnsafeMutablePointer<T>,
    _ sb: Int, _ y: UnsafeMutablePointer<T>, _ n: Int
  ) {
    if T.self == Float.self {
      let code: Int32
      switch op {
      case .add: code = 0
      case .sub: code = 1
      case .mul: code = 2
      case .div: code = 3
      case .maximum: code = 4
      case .minimum: code = 5
      default: code = -1
      }
      if code >= 0 {
        func f(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
          UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
        }
        return ember_fused_binary_f32(code, f(a), sa, f(b), sb, f(y), n)
      }
    }
    switch op {
    case .add: blockMap(Add<T>.self, a, sa, b, sb, y, n)
    case .sub: blockMap(Subtract<T>.self, a, sa, b, sb, y, n)
    case .mul: blockMap(Multiply<T>.self, a, sa, b, sb, y, n)
    case .div: blockMap(Divide<T>.self, a, sa, b, sb, y, n)
    case .pow: blockMap(Power<T>.self, a, sa, b, sb, y, n)
    case .maximum: blockMap(Maximum<T>.self, a, sa, b, sb, y, n)
    case .minimum: blockMap(Minimum<T>.self, a, sa, b, sb, y, n)
    case .floorDiv: blockMap(FloorDivide<T>.self, a, sa, b, sb, y, n)
    case .remainder: blockMap(Remainder<T>.self, a, sa, b, sb, y, n)
    case .equal: blockMap(FusedCompare<T, Equal<T>>.self, a, sa, b, sb, y, n)
    case .notEqual: blockMap(FusedCompare<T, NotEqual<T>>.self, a, sa, b, sb, y, n)
    case .less: blockMap(FusedCompare<T, Less<T>>.self, a, sa, b, sb, y, n)
    case .lessEqual: blockMap(FusedCompare<T, LessEqual<T>>.self, a, sa, b, sb, y, n)
    case .greater: blockMap(FusedCompare<T, Greater<T>>.self, a, sa, b, sb, y, n)
    case .greaterEqual: blockMap(FusedCompare<T, GreaterEqual<T>>.self, a, sa, b, sb, y, n)
    case .logicalAnd: blockMap(FusedCompare<T, LogicalAnd<T>>.self, a, sa, b, sb, y, n)
    case .logicalOr: blockMap(FusedCompare<T, LogicalOr<T>>.self, a, sa, b, sb, y, n)
    case .logicalXor: blockMap(FusedCompare<T, LogicalXor<T>>.self, a, sa, b, sb, y, n)
    }
  }
}

// The block loops below test for an output that is the very memory of an operand (the executor
// reuses a register in place) and then index through one pointer: otherwise the vectorizer's
// overlap check sends such loops to their scalar version (measured 5–8× slower in C).

/// `y[i] = F(x[i·sx])` over a block (`sx` is 0 or 1).
@inline(__always)
private func blockMap<F: UnaryFunction>(
  _: F.Type, _ x: UnsafeMutablePointer<F.Input>, _ sx: Int, _ y: UnsafeMutablePointer<F.Output>,
  _ n: Int
) where F.Input == F.Output {
  if sx == 1 {
    if x == y {
      for i in 0..<n { y[i] = F.apply(y[i]) }
    } else {
      for i in 0..<n { y[i] = F.apply(x[i]) }
    }
  } else {
    let v = F.apply(x[0])
    for i in 0..<n { y[i] = v }
  }
}

/// `y[i] = F(a[i·sa], b[i·sb])` over a block (strides 0 or 1).
@inline(__always)
private func blockMap<F: BinaryFunction>(
  _: F.Type, _ a: UnsafeMutablePointer<F.Input>, _ sa: Int, _ b: UnsafeMutablePointer<F.Input>,
  _ sb: Int, _ y: UnsafeMutablePointer<F.Output>, _ n: Int
) where F.Input == F.Output {
  if sa == 1 && sb == 1 {
    if a == y && b == y {
      for i in 0..<n { y[i] = F.apply(y[i], y[i]) }
    } else if a == y {
      for i in 0..<n { y[i] = F.apply(y[i], b[i]) }
    } else if b == y {
      for i in 0..<n { y[i] = F.apply(a[i], y[i]) }
    } else {
      for i in 0..<n { y[i] = F.apply(a[i], b[i]) }
    }
  } else if sa == 1 {
    let v = b[0]
    if a == y {
      for i in 0..<n { y[i] = F.apply(y[i], v) }
    } else {
      for i in 0..<n { y[i] = F.apply(a[i], v) }
    }
  } else if sb == 1 {
    let u = a[0]
    if b == y {
      for i in 0..<n { y[i] = F.apply(u, y[i]) }
    } else {
      for i in 0..<n { y[i] = F.apply(u, b[i]) }
    }
  } else {
    let v = F.apply(a[0], b[0])
    for i in 0..<n { y[i] = v }
  }
}

/// A comparison or logical op giving 1 or 0 in the compute type.
private enum FusedCompare<T: KernelFloat, F: BinaryFunction>: BinaryFunction
where F.Input == T, F.Output == UInt8 {
  @inline(__always) static func apply(_ x: T, _ y: T) -> T { F.apply(x, y) != 0 ? 1 : 0 }
}

/// 1 where `x` is zero, else 0, in the compute type.
private enum FusedLogicalNot<T: KernelFloat>: UnaryFunction {
  @inline(__always) static func apply(_ x: T) -> T { x == 0 ? 1 : 0 }
}

/// Hands out `0 ..< count` one number at a time to concurrent workers.
private final class PieceQueue: @unchecked Sendable {
  private let lock = NSLock()
  private var taken = 0
  private let count: Int

  init(count: Int) { self.count = count }

  /// The next piece, or `nil` when all are taken.
  func next() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard taken < count else { return nil }
    taken += 1
    return taken - 1
  }
}
