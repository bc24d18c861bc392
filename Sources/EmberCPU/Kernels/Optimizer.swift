import CEmberKernels
import EmberBackend

/// Fused optimizer steps: one pass that reads the parameter, gradient and state and writes their new
/// values, instead of a dozen elementwise kernels each a full pass over memory.
enum OptimizerKernels {
  static func adam(
    _ step: AdamStep, parameter: Operand, gradient: Operand, firstMoment: Operand?,
    secondMoment: Operand?, maxSecondMoment: Operand?, allocate: (Int, DType) -> Buffer
  ) -> AdamStepResult {
    let operands = [parameter, gradient] + [firstMoment, secondMoment, maxSecondMoment].compactMap { $0 }
    precondition(operands.allSatisfy { $0.layout.isContiguous && $0.shape == parameter.shape && $0.dtype == parameter.dtype },
                 "adamStep: operands must be contiguous and of one shape and dtype, got \(operands.map(\.shape))")
    let count = parameter.count
    let result = AdamStepResult(
      parameter: allocate(count, parameter.dtype), firstMoment: allocate(count, parameter.dtype),
      secondMoment: allocate(count, parameter.dtype),
      maxSecondMoment: step.amsgrad ? allocate(count, parameter.dtype) : nil)
    switch parameter.dtype {
    case .float32:
      adam(Float.self, step, parameter, gradient, firstMoment, secondMoment, maxSecondMoment, result)
    case .float64:
      adam(Double.self, step, parameter, gradient, firstMoment, secondMoment, maxSecondMoment, result)
    default:
      preconditionFailure("adamStep: dtype \(parameter.dtype) is not floating point")
    }
    return result
  }

  private static func adam<T: BinaryFloatingPoint>(
    _: T.Type, _ step: AdamStep, _ parameter: Operand, _ gradient: Operand, _ firstMoment: Operand?,
    _ secondMoment: Operand?, _ maxSecondMoment: Operand?, _ result: AdamStepResult
  ) {
    func read(_ operand: Operand?) -> UnsafeMutablePointer<T>? {
      operand.map { ($0.buffer.pointer.assumingMemoryBound(to: T.self)) + $0.layout.offset }
    }
    func write(_ buffer: Buffer?) -> UnsafeMutablePointer<T>? {
      buffer.map { $0.pointer.assumingMemoryBound(to: T.self) }
    }
    let p0 = read(parameter)!, g0 = read(gradient)!
    let m0 = read(firstMoment), v0 = read(secondMoment), vMax0 = read(maxSecondMoment)
    let p1 = write(result.parameter)!, m1 = write(result.firstMoment)!
    let v1 = write(result.secondMoment)!, vMax1 = write(result.maxSecondMoment)
    let beta1 = T(step.beta1), oneMinusBeta1 = T(1 - step.beta1)
    let beta2 = T(step.beta2), oneMinusBeta2 = T(1 - step.beta2)
    let correction2 = T(step.correction2), epsilon = T(step.epsilon), stepSize = T(step.stepSize)
    let l2 = T(step.l2), decay = T(step.decay)
    Parallel.forEachChunk(parameter.count, costPerItem: 8) { range in
      if T.self == Float.self, let m0, let v0, vMax1 == nil, l2 == 0, decay == 1 {
        // The common float32 case as a vectorized C loop.
        func f(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
          UnsafeMutableRawPointer(pointer + range.lowerBound).assumingMemoryBound(to: Float.self)
        }
        ember_adam_f32(
          f(p0), f(g0), f(m0), f(v0), f(p1), f(m1), f(v1), range.count, Float(step.beta1),
          Float(1 - step.beta1), Float(step.beta2), Float(1 - step.beta2), Float(step.correction2),
          Float(step.epsilon), Float(step.stepSize))
        return
      }
      if let m0, let v0, vMax1 == nil, l2 == 0, decay == 1 {
        // The common case (Adam or AdamW without decay, after the first step), branch-free.
        for i in range {
          let g = g0[i]
          let m = m0[i] * beta1 + g * oneMinusBeta1
          let v = v0[i] * beta2 + (g * g) * oneMinusBeta2
          m1[i] = m
          v1[i] = v
          p1[i] = p0[i] - m / (v.squareRoot() / correction2 + epsilon) * stepSize
        }
        return
      }
      for i in range {
        var p = p0[i], g = g0[i]
        if l2 != 0 { g = g + p * l2 }  // g + λ·p
        if decay != 1 { p = p * decay }  // p·(1 − lr·λ)
        // m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²
        let m = (m0.map { $0[i] * beta1 } ?? 0) + g * oneMinusBeta1
        let v = (v0.map { $0[i] * beta2 } ?? 0) + (g * g) * oneMinusBeta2
        m1[i] = m
        v1[i] = v
        var vHat = v
        if let vMax1 {
          if let vMax0 { vHat = Swift.max(vMax0[i], v) }  // v̂ ← max(v̂, v)
          vMax1[i] = vHat
        }
        p1[i] = p - m / (vHat.squareRoot() / correction2 + epsilon) * stepSize
      }
    }
  }
}
