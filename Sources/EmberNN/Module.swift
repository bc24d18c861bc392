import EmberBackend
import EmberCore

/// Anything that owns parameters, directly or through child modules.
///
/// A module lists its parameters and children explicitly, under stable names that build PyTorch's
/// dotted `state_dict` keys (`encoder.layers.0.weight`). No reflection is involved.
public protocol Module: AnyObject {
  /// Calls `visitor.visit(name, parameter)` for each parameter and `visitor.visit(name, child)` for
  /// each child module. Modules without parameters implement it empty.
  func visitParameters(_ visitor: inout ParameterVisitor)
}

/// A module that maps one tensor to one tensor.
public protocol Layer: Module {
  /// Applies the layer.
  func callAsFunction(_ input: Tensor) -> Tensor
}

/// Walks a module tree, collecting parameters under their dotted names.
public struct ParameterVisitor {
  private var prefix: String = ""
  fileprivate(set) var found: [(name: String, parameter: Parameter)] = []

  init() {}

  /// Records `parameter` (if any) as `name`.
  public mutating func visit(_ name: String, _ parameter: Parameter?) {
    guard let parameter else { return }
    found.append((prefix + name, parameter))
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

  /// Parameters that receive gradients.
  public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

  /// Total number of parameter elements.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Stops gradients to every parameter (transfer learning).
  public func freeze() { for p in parameters { p.isTrainable = false } }

  /// Lets gradients reach every parameter again.
  public func unfreeze() { for p in parameters { p.isTrainable = true } }
}
