import EmberBackend

// Launching the backend's fused elementwise primitive (`Backend.fused`) from tensors.

extension Tensor {
  /// Evaluates `body`'s formulas over `inputs` (broadcast together, NumPy's rules) in one pass of the
  /// backend's fused kernel and returns one fresh contiguous tensor per formula; records nothing.
  ///
  /// Computes in `dtype` (default: float64 when an input is float64, else float32); output `k` has
  /// `outputDTypes[k]` (default: the compute dtype). `body` gets the builder and one value per input.
  ///
  /// ```swift
  /// let y = Tensor.fused("gelu", [x]) { _, v in [v[0] * 0.5 * ((v[0] * 0.7071067811865476).erf() + 1)] }[0]
  /// ```
  public static func fused(
    _ name: String, _ inputs: [Tensor], dtype: DType? = nil, outputDTypes: [DType]? = nil,
    random: PhiloxPosition? = nil,
    _ body: (FusedProgramBuilder, [FusedProgramBuilder.Value]) -> [FusedProgramBuilder.Value]
  ) -> [Tensor] {
    let type = dtype ?? (inputs.contains { $0.dtype == .float64 } ? .float64 : .float32)
    let (program, scalars) = FusedProgram.build(dtype: type) { b in
      body(b, inputs.indices.map { b.input($0) })
    }
    return launchFused(
      name, program, scalars: scalars, inputs: inputs, outputDTypes: outputDTypes, random: random)
  }

  /// Runs a built `program` over `inputs` (broadcast together) into fresh contiguous outputs of
  /// `outputDTypes` (default: the program's dtype); records nothing.
  public static func launchFused(
    _ name: String, _ program: FusedProgram, scalars: [Double], inputs: [Tensor],
    outputDTypes: [DType]? = nil, shape: [Int]? = nil, random: PhiloxPosition? = nil
  ) -> [Tensor] {
    precondition(!inputs.isEmpty || shape != nil, "\(name): a fused launch needs an input or a shape")
    var outputShape = shape ?? inputs[0].shape
    for input in inputs {
      input.checkDevice(inputs[0], op: name)
      guard let s = Layout.broadcastShape(outputShape, input.shape) else {
        preconditionFailure("\(name): shapes \(inputs.map(\.shape)) do not broadcast")
      }
      outputShape = s
    }
    let device = inputs.first?.device ?? .cpu
    let types = outputDTypes ?? [DType](repeating: program.dtype, count: program.results.count)
    let outputs = types.map { empty(outputShape, dtype: $0, device: device) }
    let operands = inputs.map { input -> Operand in
      var operand = input.operand
      operand.layout = input.layout.broadcast(to: outputShape)
      return operand
    }
    backend(for: device).fused(
      program, scalars: scalars, inputs: operands, outputs: outputs.map(\.operand), random: random)
    return outputs
  }
}
