import EmberCore
import EmberNN

/// Updates a model's parameters from their gradients.
///
/// ```swift
/// let grads = loss.backward()
/// optimizer.update(model, along: grads)
/// ```
///
/// Every optimizer in EmberOptim is an ``OptimizerBase`` subclass: a per-parameter update rule
/// plus its named state slots (PyTorch's names: `exp_avg`, `exp_avg_sq`, `momentum_buffer`, …).
public protocol Optimizer: AnyObject {
  /// The step size, read on every update (schedules and ``ReduceOnPlateau`` set it).
  var learningRate: Double { get set }

  /// Updates every trainable parameter of `model` that has a gradient in `gradients`.
  func update(_ model: any Module, along gradients: Gradients)

  /// The optimizer's state under PyTorch-style dotted keys: `<parameter name>.<slot>`,
  /// `<parameter name>.step`, plus `step` and `lr`.
  func stateDict(for model: any Module) -> [String: Tensor]

  /// Restores state saved by ``stateDict(for:)``; validates every key and shape before assigning
  /// anything.
  func loadStateDict(_ state: [String: Tensor], for model: any Module) throws(OptimizerStateError)
}

/// Why an optimizer state dict could not be loaded.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
  /// A key the optimizer needs is absent.
  case missingKey(String)
  /// A key names no parameter of the model or no slot of the optimizer.
  case unexpectedKey(String)
  /// A saved tensor's shape differs from the shape the optimizer needs.
  case shapeMismatch(key: String, expected: [Int], found: [Int])

  public var description: String {
    switch self {
    case .missingKey(let key): "optimizer state: missing key '\(key)'"
    case .unexpectedKey(let key): "optimizer state: unexpected key '\(key)'"
    case .shapeMismatch(let key, let expected, let found):
      "optimizer state: '\(key)' has shape \(found), expected \(expected)"
    }
  }
}

/// The state an optimizer keeps for one parameter: its own step count and named slots.
public struct ParameterState {
  /// How many updates this parameter has received (PyTorch's per-parameter `state["step"]`).
  public var step: Int = 0
  /// Named tensors shaped like the parameter (`exp_avg`, `momentum_buffer`, …).
  public var slots: [String: Tensor] = [:]

  /// Creates an empty state (step 0, no slots).
  public init() {}

  /// The slot named `name`, or `nil` before the rule creates it.
  public subscript(_ name: String) -> Tensor? {
    get { slots[name] }
    set { slots[name] = newValue }
  }
}

/// An optimizer made of a per-parameter update rule plus its state.
///
/// A subclass overrides ``slotNames`` and ``update(_:gradient:state:)`` (in place) or
/// ``updated(_:gradient:state:)`` (a new value); this class walks the model, keys state by
/// parameter identity, runs the rule under `withoutGradients` on the parameter's own value
/// (`Parameter.updateValue`), and saves and loads the state.
open class OptimizerBase: Optimizer {
  /// The step size, read on every update.
  public var learningRate: Double
  /// How many times ``update(_:along:)-(Module,_)`` has run.
  public internal(set) var stepCount = 0
  /// State keyed by parameter identity; the parameter is held so its identity stays unique.
  var states: [ObjectIdentifier: (parameter: Parameter, state: ParameterState)] = [:]

  /// Creates an optimizer with the given step size.
  public init(learningRate: Double) {
    self.learningRate = learningRate
  }

  /// The names of the per-parameter slots the rule keeps once a parameter has been updated.
  open var slotNames: [String] { [] }

  /// The rule: returns the new value of `parameter` given its `gradient`, updating `state`
  /// (whose `step` has already been incremented for this update). Runs without gradients.
  ///
  /// Override this (composed tensor ops) or ``update(_:gradient:state:)`` (in place).
  open func updated(_ parameter: Tensor, gradient: Tensor, state: inout ParameterState) -> Tensor {
    preconditionFailure("\(type(of: self)) must override updated(_:gradient:state:)")
  }

  /// The rule in place: updates `parameter` (the parameter's stored value itself, so its buffer is
  /// unshared unless someone else holds it) and `state`. The default assigns
  /// ``updated(_:gradient:state:)``; EmberOptim's optimizers write buffers in place with one fused
  /// kernel (`FusedUpdate`).
  open func update(_ parameter: inout Tensor, gradient: Tensor, state: inout ParameterState) {
    parameter = updated(parameter.detached(), gradient: gradient, state: &state)
  }

  /// Updates every trainable parameter of `model` that has a gradient in `gradients`.
  public func update(_ model: any Module, along gradients: Gradients) {
    update(model.trainableParameters, along: gradients)
  }

  /// Updates each of `parameters` that is trainable and has a gradient in `gradients`.
  public func update(_ parameters: [Parameter], along gradients: Gradients) {
    stepCount += 1
    withoutGradients {
      for parameter in parameters where parameter.isTrainable {
        guard let gradient = gradients[parameter] else { continue }
        precondition(gradient.shape == parameter.shape,
                     "\(type(of: self)).update: gradient shape \(gradient.shape) differs from "
                       + "parameter shape \(parameter.shape)")
        let key = ObjectIdentifier(parameter)
        // Taken out of `states`, so the rule holds the only reference to the slots' buffers.
        var state = states.removeValue(forKey: key)?.state ?? ParameterState()
        state.step += 1
        parameter.updateValue { value in
          update(&value, gradient: gradient.detached(), state: &state)
        }
        states[key] = (parameter, state)
      }
    }
  }

  /// The state of `parameter`, or `nil` before its first update.
  public func state(of parameter: Parameter) -> ParameterState? {
    states[ObjectIdentifier(parameter)]?.state
  }

  /// Forgets all per-parameter state and the step count.
  public func reset() {
    states = [:]
    stepCount = 0
  }

  public func stateDict(for model: any Module) -> [String: Tensor] {
    var dict: [String: Tensor] = [
      "step": Tensor.full([], Double(stepCount), dtype: .int64),
      "lr": Tensor.full([], learningRate, dtype: .float64),
    ]
    for (name, parameter) in model.namedParameters {
      guard let state = states[ObjectIdentifier(parameter)]?.state else { continue }
      dict[name + ".step"] = Tensor.full([], Double(state.step), dtype: .int64)
      for (slot, value) in state.slots { dict[name + "." + slot] = value }
    }
    return dict
  }

  public func loadStateDict(
    _ state: [String: Tensor], for model: any Module
  ) throws(OptimizerStateError) {
    // Validate everything first.
    var known: Set<String> = ["step", "lr"]
    for key in ["step", "lr"] {
      guard let value = state[key] else { throw .missingKey(key) }
      guard value.count == 1 else {
        throw .shapeMismatch(key: key, expected: [], found: value.shape)
      }
    }
    let named = model.namedParameters
    var restored: [(Parameter, ParameterState)] = []
    for (name, parameter) in named {
      let stepKey = name + ".step"
      let slotKeys = slotNames.map { name + "." + $0 }
      guard let step = state[stepKey] else {
        if slotKeys.contains(where: { state[$0] != nil }) { throw .missingKey(stepKey) }
        continue
      }
      guard step.count == 1 else {
        throw .shapeMismatch(key: stepKey, expected: [], found: step.shape)
      }
      known.insert(stepKey)
      var parameterState = ParameterState()
      parameterState.step = Int(step.item)
      let reference = parameter.value
      for (slot, key) in zip(slotNames, slotKeys) {
        guard let value = state[key] else { throw .missingKey(key) }
        guard value.shape == parameter.shape else {
          throw .shapeMismatch(key: key, expected: parameter.shape, found: value.shape)
        }
        known.insert(key)
        parameterState[slot] = value.detached().cast(to: reference.dtype).to(reference.device)
      }
      restored.append((parameter, parameterState))
    }
    if let stray = state.keys.sorted().first(where: { !known.contains($0) }) {
      throw .unexpectedKey(stray)
    }
    // Then assign.
    states = [:]
    for (parameter, parameterState) in restored {
      states[ObjectIdentifier(parameter)] = (parameter, parameterState)
    }
    stepCount = Int(state["step"]!.item)
    learningRate = state["lr"]!.item
  }
}
