// MNISTManualLoop: an MLP learns MNIST's digits with a training loop written out, PyTorch-style:
// for each batch of a DataLoader, a forward pass, a loss, `backward()`, `optimizer.update`.
//
//   swift run -c release MNISTManualLoop [data-dir]
//
// The MNIST files are looked for in `data-dir` (or `data-dir/mnist`), then in $EMBER_DATA, then
// in ~/.cache/ember/mnist. Three epochs take about ten seconds and reach about 97%.
import Ember
import Foundation

let dataDirectory = CommandLine.arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }
Random.seed(0)  // the same initial weights every run

// 1. Data: images flattened to [N, 784] float32 in [0, 1], labels [N] int64.
let train: MNIST, test: MNIST
do {
  train = try MNIST(split: .train, dataDirectory: dataDirectory, flattened: true, download: false)
  test = try MNIST(split: .test, dataDirectory: dataDirectory, flattened: true, download: false)
} catch {
  print("MNISTManualLoop: \(error)")
  exit(1)
}
// A new random order every epoch, reproducible through the seed.
let loader = DataLoader(train.dataset, batchSize: 128, shuffle: true, seed: 0)

// 2. The model and its optimizer. The model is a class: the optimizer updates it in place.
let model = Sequential {
  Linear(784, 256)
  ReLU()
  Linear(256, 10)
}
let optimizer = Adam(learningRate: 1e-3)

// 3. The loop.
for epoch in 1...3 {
  var lossSum = 0.0
  for batch in loader {
    // Forward: logits [128, 10], then the mean cross-entropy against the labels.
    let logits = model(batch.inputs)
    let loss = crossEntropy(logits: logits, labels: batch.targets)
    // Backward: the gradient of the loss for every parameter, looked up by parameter.
    let gradients = loss.backward()
    // One Adam step. There is no `.grad` to zero: the next `backward()` returns new gradients.
    optimizer.update(model, along: gradients)
    lossSum += loss.item * Double(batch.count)
  }

  // 4. Test accuracy: no graph is recorded inside `withoutGradients`.
  let accuracy = withoutGradients {
    let predicted = model(test.images).argmax(axis: 1)
    return predicted.equal(test.labels).cast(to: .float32).mean().item
  }
  let meanLoss = lossSum / Double(train.count)
  print("epoch \(epoch): train loss \(String(format: "%.4f", meanLoss)), "
    + "test accuracy \(String(format: "%.2f", 100 * accuracy))%")
}
