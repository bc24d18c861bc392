import EmberCore

/// `Σ|w|` over every element of `parameters` (an L1 weight penalty; scale it by λ yourself, as
/// Keras's `l1(λ)` computes `λ·Σ|w|`).
///
/// Shapes: → a scalar (float32 zero for no parameters).
public func l1Penalty(parameters: [Parameter]) -> Tensor {
  parameters.map { $0.value.abs().sum() }.reduce(Tensor(0)) { $0 + $1 }
}

/// `Σw²` over every element of `parameters` (an L2 weight penalty, without a ½: Keras's `l2(λ)`
/// is `λ·Σw²`; SGD's `weightDecay: λ` matches a penalty of `(λ/2)·Σw²`).
///
/// Shapes: → a scalar (float32 zero for no parameters).
public func l2Penalty(parameters: [Parameter]) -> Tensor {
  parameters.map { $0.value.squared().sum() }.reduce(Tensor(0)) { $0 + $1 }
}
