import EmberBackend
import EmberCore
import EmberNN
import Testing
@testable import EmberOptim

@Suite struct ScratchPeak {
  @Test func phases() {
    let model = Sequential { Linear(784, 512); ReLU(); Linear(512, 512); ReLU(); Linear(512, 10) }
    let adam = Adam(learningRate: 1e-3)
    let x = Tensor.normal([128, 784]), y = Tensor.randomIntegers([128], in: 0..<10)
    let b = x.backend
    func mb(_ v: Int) -> String { String(format: "%.3f", Double(v) / 1e6) }
    for i in 0..<3 {
      b.resetPeakMemory()
      let s0 = b.memoryStatistics.currentBytes
      let loss = withLearningPhase(.training) { crossEntropy(logits: model(x), labels: y) }
      let s1 = b.memoryStatistics
      let g = loss.backward()
      let s2 = b.memoryStatistics
      b.resetPeakMemory()
      adam.update(model, along: g)
      let s3 = b.memoryStatistics
      print("step \(i): start \(mb(s0)) afterForward \(mb(s1.currentBytes)) fwdPeak \(mb(s1.peakBytes)) afterBackward \(mb(s2.currentBytes)) bwdPeak \(mb(s2.peakBytes)) updatePeak \(mb(s3.peakBytes)) end \(mb(s3.currentBytes))")
    }
  }
}
