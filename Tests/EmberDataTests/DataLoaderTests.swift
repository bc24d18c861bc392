import EmberBackend
import EmberCore
import EmberTestSupport
import Testing

@testable import EmberData

@Suite struct DataLoaderTests {
  func targets(_ loader: DataLoader) -> [[Int]] {
    loader.map { $0.targets.scalars(as: Int.self) }
  }

  @Test func sequentialBatchesCoverEveryIndexOnce() {
    let loader = DataLoader(countingDataset(10), batchSize: 4)
    #expect(loader.count == 3)
    #expect(targets(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    let batches = Array(loader)
    #expect(batches[0].inputs.shape == [4, 2])
  }

  @Test func dropLastLeavesOutThePartialBatch() {
    let loader = DataLoader(countingDataset(10), batchSize: 4, dropLast: true)
    #expect(loader.count == 2)
    #expect(targets(loader).map(\.count) == [4, 4])
  }

  @Test func shuffleCoversEachIndexOncePerEpochAndEpochsDiffer() {
    let loader = DataLoader(countingDataset(50), batchSize: 8, shuffle: true, seed: 3)
    let first = targets(loader).flatMap { $0 }
    let second = targets(loader).flatMap { $0 }
    #expect(first.sorted() == Array(0..<50))
    #expect(second.sorted() == Array(0..<50))
    #expect(first != second)
    #expect(loader.epoch == 2)
  }

  @Test func shuffleIsReproducibleWithTheSeed() {
    let a = DataLoader(countingDataset(30), batchSize: 7, shuffle: true, seed: 11)
    let b = DataLoader(countingDataset(30), batchSize: 7, shuffle: true, seed: 11)
    let c = DataLoader(countingDataset(30), batchSize: 7, shuffle: true, seed: 12)
    let epochsA = (0..<3).map { _ in targets(a) }
    #expect(epochsA == (0..<3).map { _ in targets(b) })
    #expect(epochsA[0] != targets(c))
  }

  @Test func prefetchGivesIdenticalBatches() {
    let data = countingDataset(37)
    let with = DataLoader(data, batchSize: 5, shuffle: true, seed: 9, prefetch: true)
    let without = DataLoader(data, batchSize: 5, shuffle: true, seed: 9, prefetch: false)
    for _ in 0..<2 {
      let a = Array(with), b = Array(without)
      #expect(a.count == b.count)
      for (x, y) in zip(a, b) {
        #expect(x.inputs.floats == y.inputs.floats)
        #expect(x.targets.scalars(as: Int.self) == y.targets.scalars(as: Int.self))
      }
    }
  }

  @Test func stoppingEarlyIsSafe() {
    let loader = DataLoader(countingDataset(20), batchSize: 2, prefetch: true)
    for batch in loader {
      #expect(batch.count == 2)
      break
    }
    #expect(targets(loader).count == 10)
  }

  @Test func savedGeneratorResumesTheOrder() {
    let loader = DataLoader(countingDataset(20), batchSize: 20, shuffle: true, seed: 5)
    _ = targets(loader)
    let saved = loader.generator
    let next = targets(loader)
    let resumed = DataLoader(countingDataset(20), batchSize: 20, shuffle: true, seed: 0)
    resumed.generator = saved
    #expect(targets(resumed) == next)
  }
}

@Suite struct DataLoaderContextTests {
  /// Records the task context each batch is assembled under.
  final class ContextRecorder: Dataset, @unchecked Sendable {
    var seen: [TaskContext] = []
    let count = 8
    func batch(at indices: [Int]) -> Batch {
      seen.append(TaskContext.current)
      let x = Tensor(indices.map(Float.init), shape: [indices.count, 1])
      return Batch(inputs: x, targets: x)
    }
  }

  @Test func prefetchedBatchesSeeTheCallersGradientModePhaseAndDevice() {
    let dataset = ContextRecorder()
    let loader = DataLoader(dataset, batchSize: 2, prefetch: true)
    let device = HostMemoryBackend.shared.device
    withDevice(device) {
      withLearningPhase(.training) {
        withoutGradients {
          for batch in loader { #expect(batch.inputs.device == device) }
        }
      }
    }
    let expected = TaskContext(recordsGradients: false, learningPhase: .training, device: device)
    #expect(dataset.seen.count == 4)
    #expect(dataset.seen.allSatisfy { $0 == expected }, "\(dataset.seen)")
  }

  @Test(arguments: [false, true]) func batchesAreDeliveredOnTheLoadersDevice(prefetch: Bool) {
    let device = HostMemoryBackend.shared.device
    let loader = DataLoader(ContextRecorder(), batchSize: 3, prefetch: prefetch, device: device)
    let batches = Array(loader)
    #expect(batches.count == 3)
    #expect(batches.allSatisfy { $0.inputs.device == device && $0.targets.device == device })
    #expect(batches.map { $0.targets.doubles } == [[0, 1, 2], [3, 4, 5], [6, 7]])
  }
}
