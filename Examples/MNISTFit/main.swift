// MNISTFit: the same kind of MLP trained Keras-style: `Trainer.fit` runs the loop, and
// callbacks add the progress bar, early stopping, the best checkpoint and a CSV log.
//
//   swift run -c release MNISTFit [data-dir]
//
// The MNIST files are looked for in `data-dir` (or `data-dir/mnist`), then in $EMBER_DATA, then
// in ~/.cache/ember/mnist. Writes mnist-fit.safetensors and mnist-fit.csv to the current
// directory.
import Ember
import Foundation

let dataDirectory = CommandLine.arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }
Random.seed(0)

// 1. Data.
let train: MNIST, test: MNIST
do {
  train = try MNIST(split: .train, dataDirectory: dataDirectory, flattened: true, download: false)
  test = try MNIST(split: .test, dataDirectory: dataDirectory, flattened: true, download: false)
} catch {
  print("MNISTFit: \(error)")
  exit(1)
}

// 2. The model, with dropout (active only while `fit` trains).
let model = Sequential {
  Linear(784, 256)
  ReLU()
  Dropout(probability: 0.2)
  Linear(256, 10)
}
print(summary(of: model, inputShape: [784]))

// 3. The trainer: a model, a loss of (predictions, targets), an optimizer and metrics.
let trainer = Trainer(
  model: model, loss: { crossEntropy(logits: $0, labels: $1) },
  optimizer: Adam(learningRate: 1e-3), metrics: [Accuracy()])

// 4. fit: at most 10 epochs, validated on the test set after each; training stops once the
// validation loss has not improved for 2 epochs, and the best model so far is on disk.
do {
  let history = try trainer.fit(
    DataLoader(train.dataset, batchSize: 128, shuffle: true, seed: 0), epochs: 10,
    validation: DataLoader(test.dataset, batchSize: 1000),
    callbacks: [
      ProgressBar(),
      EarlyStopping(monitor: "val_loss", patience: 2),
      ModelCheckpoint(
        url: URL(fileURLWithPath: "mnist-fit.safetensors"), monitor: "val_accuracy",
        bestOnly: true),
      CSVLogger(url: URL(fileURLWithPath: "mnist-fit.csv")),
    ])
  let best = history["val_accuracy"].max() ?? 0
  print("Best test accuracy: \(String(format: "%.2f", 100 * best))% "
    + "after \(history.epochs.count) epochs")
} catch {
  print("MNISTFit: \(error)")  // a checkpoint or log that could not be written
  exit(1)
}

// 5. Evaluate and predict with the trained model.
let results = trainer.evaluate(DataLoader(test.dataset, batchSize: 1000))
print("evaluate: loss \(String(format: "%.4f", results["loss"]!)), "
  + "accuracy \(String(format: "%.4f", results["accuracy"]!))")
let predicted = trainer.predict(test.images[0..<10]).argmax(axis: 1).scalars(as: Int.self)
let truth = test.labels[0..<10].scalars(as: Int.self)
print("first ten test digits: predicted \(predicted), true \(truth)")
