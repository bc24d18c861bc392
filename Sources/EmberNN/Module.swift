import EmberBackend
import EmberCore

/// Anything that owns parameters or buffers, directly or through child modules.
///
/// A module lists its parameters, buffers and children explicitly, under stable names that build
/// PyTorch's dotted `state_dict` keys (`encoder.layers.0.weight`). No reflection is involved.
public protocol Module: AnyObject {
  /// Calls `visitor.visit(name, parameter)` for each parameter, `visitor.visit(name, buffer)` for
  /// each `ModuleBuffer` and `visitor.visit(name, child)` for each child module. Modules without
  /// any implement it empty.
  func visitParameters(_ visitor: inout ParameterVisitor)
}

/// A module applied as a function. Most layers map one tensor to one tensor (the defaults);
/// modules with several inputs or outputs name their own types — an LSTM's
/// `(input, state) → (output, state)`, attention's `(query, key, value, mask) → output` — and
/// `Sequential` chains the one-tensor kind, `any TensorLayer<Tensor, Tensor>`.
public protocol Layer<Input, Output>: Module {
  /// What the layer takes (`Tensor` unless the layer says otherwise).
  associatedtype Input = Tensor
  /// What the layer returns (`Tensor` unless the layer says otherwise).
  associatedtype Output = Tensor

  /// Applies the layer.
  func callAsFunction(_ input: Input) -> Output
}

/// A layer from one tensor to one tensor: what `Sequential` chains and `fit` trains.
public typealias TensorLayer = Layer<Tensor, Tensor>

/// Walks a module tree, collecting parameters and buffers under their dotted names.
public struct ParameterVisitor {
  private var prefix: String = ""
  fileprivate(set) var found: [(name: String, parameter: Parameter)] = []
  fileprivate(set) var foundBuffers: [(name: String, buffer: ModuleBuffer)] = []

  init() {}

  /// Records `parameter` (if any) as `name`.
  public mutating func visit(_ name: String, _ parameter: Parameter?) {
    guard let parameter else { return }
    found.append((prefix + name, parameter))
  }

  /// Records `buffer` (if any) as `name`.
  public mutating func visit(_ name: String, _ buffer: ModuleBuffer?) {
    guard let buffer else { return }
    foundBuffers.append((prefix + name, buffer))
  }

  /// Records every parameter of `child` (if any) under `name.`.
  public mutating func visit(_ name: String, _ child: (any Module)?) {
    guard let child else { return }
    let saved = prefix
    prefix = prefix + name + "."
    child.visitParameters(&self)
    prefix = saved
  }

  /// Records each module of `children` under `name.0`, `name.1`, ….
  public mutating func visit(_ name: String, _ children: [any Module]) {
    for (index, child) in children.enumerated() { visit(name + ".\(index)", child) }
  }
}

extension Module {
  /// Every parameter with its dotted name, in visiting order (shared parameters appear once).
  public var namedParameters: [(name: String, parameter: Parameter)] {
    var visitor = ParameterVisitor()
    visitParameters(&visitor)
    var seen = Set<ObjectIdentifier>()
    return visitor.found.filter { seen.insert(ObjectIdentifier($0.parameter)).inserted }
  }

  /// Every parameter, in visiting order.
  public var parameters: [Parameter] { namedParameters.map(\.parameter) }

  /// Every buffer with its dotted name, in visiting order (shared buffers appear once).
  public var namedBuffers: [(name: String, buffer: ModuleBuffer)] {
    var visitor = ParameterVisitor()
    visitParameters(&visitor)
    var seen = Set<ObjectIdentifier>()
    return visitor.foundBuffers.filter { seen.insert(ObjectIdentifier($0.buffer)).inserted }
  }

  /// Every buffer, in visiting order.
  public var buffers: [ModuleBuffer] { namedBuffers.map(\.buffer) }

  /// The device of the module's first parameter or buffer (`Device.default` when it has none).
  public var device: Device {
    parameters.first?.value.device ?? buffers.first?.value.device ?? .default
  }

  /// Moves every parameter and buffer to `device` (PyTorch's `module.to(device)`); parameters
  /// keep their identity, so optimizer state and gradient keys stay valid.
  @discardableResult
  public func to(_ device: Device) -> Self {
    for parameter in parameters where parameter.value.device != device {
      parameter.assign(parameter.value.detached().to(device))
    }
    for buffer in buffers where buffer.value.device != device {
      buffer.assign(buffer.value.to(device))
    }
    return self
  }

  /// Parameters that receive gradients.
  public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

  /// Total number of parameter elements.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Stops gradients to every parameter (transfer learning).
  public func freeze() { for p in parameters { p.isTrainable = false } }

  /// Lets gradients reach every parameter again.
  public func unfreeze() { for p in parameters { p.isTrainable = true } }
}
