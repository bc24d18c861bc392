import EmberBackend
import EmberCore
import Foundation

extension Module {
  /// Every parameter's and persistent buffer's value under its dotted name (`0.weight`,
  /// `encoder.layers.1.bias`, `bn.running_mean`), like PyTorch's `state_dict()`. The values are
  /// detached and share memory with the module; an optimizer that updates in place sees the
  /// shared buffer and writes a fresh one instead, so a saved state dict never changes.
  public func stateDict() -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, parameter) in namedParameters { result[name] = parameter.value.detached() }
    for (name, buffer) in namedBuffers where buffer.persistent { result[name] = buffer.value }
    return result
  }

  /// Loads every parameter and persistent buffer or none: all keys, shapes and dtypes are checked
  /// before anything is assigned. Values are cast to each entry's dtype and moved to its device.
  ///
  /// - Parameter strict: when `false`, missing and unexpected keys are skipped (PyTorch's
  ///   `strict=False`); shapes and dtypes are still checked.
  public func load(stateDict: [String: Tensor], strict: Bool = true) throws(CheckpointError) {
    let named = namedParameters
    var assignments: [(Parameter, Tensor)] = []
    for (name, parameter) in named {
      guard let tensor = stateDict[name] else {
        if strict { throw .missingKey(name) }
        continue
      }
      guard tensor.shape == parameter.shape else {
        throw .shapeMismatch(key: name, expected: parameter.shape, found: tensor.shape)
      }
      guard tensor.dtype.isFloatingPoint else {
        throw .dtypeMismatch(key: name, expected: parameter.value.dtype, found: tensor.dtype)
      }
      assignments.append((parameter, tensor))
    }
    let namedBuffers = self.namedBuffers.filter(\.buffer.persistent)
    var bufferAssignments: [(ModuleBuffer, Tensor)] = []
    for (name, buffer) in namedBuffers {
      guard let tensor = stateDict[name] else {
        if strict { throw .missingKey(name) }
        continue
      }
      guard tensor.shape == buffer.shape else {
        throw .shapeMismatch(key: name, expected: buffer.shape, found: tensor.shape)
      }
      guard tensor.dtype.isFloatingPoint == buffer.value.dtype.isFloatingPoint else {
        throw .dtypeMismatch(key: name, expected: buffer.value.dtype, found: tensor.dtype)
      }
      bufferAssignments.append((buffer, tensor))
    }
    let known = named.map(\.name) + namedBuffers.map(\.name)
    if strict, let extra = Set(stateDict.keys).subtracting(known).sorted().first {
      throw .unexpectedKey(extra)
    }
    for (parameter, tensor) in assignments {
      parameter.assign(tensor.detached().to(parameter.value.device))
    }
    for (buffer, tensor) in bufferAssignments { buffer.assign(tensor.detached().to(buffer.value.device)) }
  }

  /// Writes the state dict to a safetensors file (atomically: an existing file is replaced only
  /// once the new one is complete).
  public func save(to url: URL, metadata: [String: String] = [:]) throws(CheckpointError) {
    try SafeTensors.write(stateDict(), metadata: metadata, to: url)
  }

  /// Loads every parameter from a safetensors file, or none (see `load(stateDict:strict:)`).
  public func load(from url: URL, strict: Bool = true) throws(CheckpointError) {
    try load(stateDict: SafeTensors.read(from: url).tensors, strict: strict)
  }
}
