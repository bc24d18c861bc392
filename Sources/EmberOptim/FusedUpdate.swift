import EmberBackend
import EmberCore

/// One optimizer step as one pass of the backend's fused kernel (`Backend.fused`), writing the
/// parameter and its state slots in place when their buffers are not shared.
///
/// A buffer is written in place only when the tensor holding it is its sole owner and contiguous;
/// otherwise (a saved state dict, a checkpoint, a view or a live graph still holds it) the new
/// value goes to a fresh buffer and the old one is left as it was.
enum FusedUpdate {
  /// A fused-program value.
  typealias Value = FusedProgramBuilder.Value

  /// Runs `rule` over the parameter, its gradient and `slots` (a missing slot starts filled with its
  /// `initial` value) and stores the results: the new parameter and the new slots, in `slots`'
  /// order. Computes in the parameter's dtype (the gradient is converted on load).
  static func run(
    _ parameter: inout Tensor, gradient: Tensor, state: inout ParameterState,
    slots: [(name: String, initial: Double)],
    _ rule: (FusedProgramBuilder, _ p: Value, _ g: Value, _ slots: [Value]) -> (Value, [Value])
  ) {
    let dtype = parameter.dtype
    precondition(dtype.isFloatingPoint, "optimizer: parameter dtype \(dtype) is not floating point")
    // Take the slots out of the state so that their tensors are the only holders of their buffers.
    var targets: [Tensor] = []
    var inPlace: [Bool] = [parameter.isContiguous && parameter.hasUniqueBuffer()]
    for (name, initial) in slots {
      var slot = state.slots.removeValue(forKey: name) ?? Tensor.full(like: parameter, initial)
      inPlace.append(slot.isContiguous && slot.hasUniqueBuffer())
      targets.append(slot)
    }
    targets.insert(parameter, at: 0)
    let (program, scalars) = FusedProgram.build(dtype: dtype) { b in
      let (p, s) = rule(b, b.input(0), b.input(1), slots.indices.map { b.input(2 + $0) })
      precondition(s.count == slots.count, "optimizer: the rule returned \(s.count) slots, not \(slots.count)")
      return [p] + s
    }
    let backend = parameter.backend
    let results = zip(targets, inPlace).map { target, writeInPlace -> Tensor in
      if writeInPlace { return target }
      let buffer = backend.allocate(count: target.count, dtype: dtype)
      return Tensor(buffer: buffer, layout: Layout(contiguous: target.shape), dtype: dtype)
    }
    var inputs = targets.map(\.operand)
    inputs.insert(gradient.operand, at: 1)
    backend.fused(
      program, scalars: scalars, inputs: inputs, outputs: results.map(\.operand), random: nil)
    targets = []
    parameter = results[0]
    for (index, slot) in slots.enumerated() { state.slots[slot.name] = results[index + 1] }
  }
}
