import ArgumentParser
import Ember

/// The optimizers `ember train --optimizer` offers, each with PyTorch's defaults apart from the
/// learning rate.
enum OptimizerKind: String, CaseIterable, ExpressibleByArgument {
  case sgd, adam, adamw, rmsprop, adagrad

  /// A fresh optimizer of this kind stepping by `learningRate` (SGD with momentum 0.9).
  func make(learningRate: Double) -> any Optimizer {
    switch self {
    case .sgd: return SGD(learningRate: learningRate, momentum: 0.9)
    case .adam: return Adam(learningRate: learningRate)  // not the demo's Adam
    case .adamw: return AdamW(learningRate: learningRate)
    case .rmsprop: return RMSProp(learningRate: learningRate)
    case .adagrad: return Adagrad(learningRate: learningRate)
    }
  }

  /// How the optimizer is described in the run's header.
  var displayName: String {
    switch self {
    case .sgd: return "SGD (momentum 0.9)"
    case .adam: return "Adam"
    case .adamw: return "AdamW (weight decay 0.01)"
    case .rmsprop: return "RMSProp"
    case .adagrad: return "Adagrad"
    }
  }
}
