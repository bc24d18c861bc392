import EmberCore
import Foundation

@testable import EmberOptim

// The optimizers' update rules written in composed tensor ops (the code the fused kernel replaced):
// the oracles of FusedUpdateTests. Each wraps the optimizer whose hyperparameters it reads.

/// Adam/AdamW as composed tensor ops.
final class ComposedAdam: OptimizerBase {
  let adam: Adam
  init(_ adam: Adam) {
    self.adam = adam
    super.init(learningRate: adam.learningRate)
  }
  override var slotNames: [String] { adam.slotNames }

  override func updated(_ parameter: Tensor, gradient: Tensor, state: inout ParameterState) -> Tensor {
    let (beta1, beta2, epsilon) = (adam.beta1, adam.beta2, adam.epsilon)
    let t = Double(state.step)
    let stepSize = learningRate / (1 - pow(beta1, t))
    let correction2 = (1 - pow(beta2, t)).squareRoot()
    var (p, g) = (parameter, gradient)
    if adam.weightDecay != 0 {
      if adam is AdamW { p = p * (1 - learningRate * adam.weightDecay) } else { g = g + p * adam.weightDecay }
    }
    let m = state["exp_avg"].map { $0 * beta1 + g * (1 - beta1) } ?? g * (1 - beta1)
    let gSquared = g.squared() * (1 - beta2)
    var v = state["exp_avg_sq"].map { $0 * beta2 + gSquared } ?? gSquared
    state["exp_avg"] = m
    state["exp_avg_sq"] = v
    if adam.amsgrad {
      v = state["max_exp_avg_sq"].map { $0.maximum(v) } ?? v
      state["max_exp_avg_sq"] = v
    }
    return p - m / (v.sqrt() / correction2 + epsilon) * stepSize
  }
}

/// SGD as composed tensor ops.
final class ComposedSGD: OptimizerBase {
  let sgd: SGD
  init(_ sgd: SGD) {
    self.sgd = sgd
    super.init(learningRate: sgd.learningRate)
  }
  override var slotNames: [String] { sgd.slotNames }

  override func updated(_ parameter: Tensor, gradient: Tensor, state: inout ParameterState) -> Tensor {
    var g = sgd.weightDecay != 0 ? gradient + parameter * sgd.weightDecay : gradient
    if sgd.momentum != 0 {
      let buffer: Tensor
      if let previous = state["momentum_buffer"] {
        buffer = previous * sgd.momentum + (sgd.dampening != 0 ? g * (1 - sgd.dampening) : g)
      } else {
        buffer = g
      }
      state["momentum_buffer"] = buffer
      g = sgd.nesterov ? g + buffer * sgd.momentum : buffer
    }
    return parameter - g * learningRate
  }
}

/// RMSProp as composed tensor ops.
final class ComposedRMSProp: OptimizerBase {
  let rms: RMSProp
  init(_ rms: RMSProp) {
    self.rms = rms
    super.init(learningRate: rms.learningRate)
  }
  override var slotNames: [String] { rms.slotNames }

  override func updated(_ parameter: Tensor, gradient: Tensor, state: inout ParameterState) -> Tensor {
    let alpha = rms.alpha
    let g = rms.weightDecay != 0 ? gradient + parameter * rms.weightDecay : gradient
    let gSquared = g.squared() * (1 - alpha)
    let s = state["square_avg"].map { $0 * alpha + gSquared } ?? gSquared
    state["square_avg"] = s
    var denominator: Tensor
    if rms.centered {
      let a = state["grad_avg"].map { $0 * alpha + g * (1 - alpha) } ?? g * (1 - alpha)
      state["grad_avg"] = a
      denominator = (s - a.squared()).sqrt() + rms.epsilon
    } else {
      denominator = s.sqrt() + rms.epsilon
    }
    if rms.momentum > 0 {
      let b = state["momentum_buffer"].map { $0 * rms.momentum + g / denominator } ?? g / denominator
      state["momentum_buffer"] = b
      return parameter - b * learningRate
    }
    return parameter - g / denominator * learningRate
  }
}

/// Adagrad as composed tensor ops.
final class ComposedAdagrad: OptimizerBase {
  let adagrad: Adagrad
  init(_ adagrad: Adagrad) {
    self.adagrad = adagrad
    super.init(learningRate: adagrad.learningRate)
  }
  override var slotNames: [String] { adagrad.slotNames }

  override func updated(_ parameter: Tensor, gradient: Tensor, state: inout ParameterState) -> Tensor {
    let g = adagrad.weightDecay != 0 ? gradient + parameter * adagrad.weightDecay : gradient
    let stepSize = learningRate / (1 + Double(state.step - 1) * adagrad.learningRateDecay)
    let sum: Tensor
    if let previous = state["sum"] {
      sum = previous + g.squared()
    } else {
      let initial = adagrad.initialAccumulatorValue
      sum = initial != 0 ? g.squared() + initial : g.squared()
    }
    state["sum"] = sum
    return parameter - g / (sum.sqrt() + adagrad.epsilon) * stepSize
  }
}
