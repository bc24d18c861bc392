import ArgumentParser
import Testing

@testable import ember

@Suite struct TrainTests {
  /// The message of the error `arguments` raise when parsed (validation included), or `nil`.
  static func parseError(_ arguments: [String]) -> String? {
    do {
      _ = try Train.parse(arguments)
      return nil
    } catch {
      return Train.message(for: error)
    }
  }

  @Test func defaultsParse() throws {
    let train = try Train.parse(["mnist-mlp"])
    #expect(train.recipe == "mnist-mlp")
    #expect(train.epochs == nil)
    #expect(train.seed == 0)
  }

  @Test func everyFlagParses() throws {
    let train = try Train.parse([
      "digits", "--epochs", "3", "--batch-size", "64", "--learning-rate", "0.01",
      "--optimizer", "rmsprop", "--seed", "9", "--output", "/tmp/ember-run", "--threads", "1",
    ])
    #expect(train.threads == 1)
    #expect(train.epochs == 3)
    #expect(train.batchSize == 64)
    #expect(train.learningRate == 0.01)
    #expect(train.optimizer == .rmsprop)
    #expect(train.output == "/tmp/ember-run")
  }

  @Test(arguments: [
    (["mnist"], "Unknown recipe 'mnist'"),
    (["iris", "--epochs", "0"], "--epochs must be between 1 and 100000, got 0"),
    (["iris", "--threads", "0"], "--threads must be between 1 and 4096, got 0"),
    (["iris", "--batch-size", "0"], "--batch-size must be between 1 and 1000000, got 0"),
    (["iris", "--learning-rate", "0"], "--learning-rate must be a number in (0, 10], got 0.0"),
    (["iris", "--learning-rate", "inf"], "--learning-rate must be a number in (0, 10]"),
    (["iris", "--optimizer", "lbfgs"], "lbfgs"),
    (["logistic-regression", "--optimizer", "adam"], "uses no optimizer"),
    (["tabular", "--target", "y"], "needs --csv"),
    (["tabular", "--csv", "/no/such.csv", "--target", "y"], "--csv /no/such.csv: no such file"),
    (["iris", "--csv", "x.csv"], "--csv applies only to the tabular recipe"),
    (["iris", "--data-dir", "/no/such/dir"], "--data-dir /no/such/dir: no such directory"),
  ])
  func badFlagsAreExplained(arguments: [String], message: String) {
    let error = Self.parseError(arguments)
    #expect(error?.contains(message) == true, "\(arguments): \(error ?? "no error")")
  }

  @Test func everyRecipeIsFound() {
    let names = [
      "mnist-mlp", "fashion-mnist-mlp", "mnist-cnn", "fashion-mnist-cnn", "iris", "digits",
      "logistic-regression", "tabular",
    ]
    for name in names {
      #expect(Recipes.named(name)?.name == name)
    }
    #expect(Recipes.named("MNIST-MLP") == nil)
  }

  @Test func everyOptimizerIsMade() {
    for kind in OptimizerKind.allCases {
      #expect(kind.make(learningRate: 0.05).learningRate == 0.05)
    }
  }

  @Test func multilayerPerceptronNamesItsParameters() {
    let model = multilayerPerceptron(sizes: [784, 512, 512, 10], dropout: 0.2)
    #expect(model.namedParameters.map(\.name) == [
      "0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias",
    ])
    #expect(model.parameterCount == 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10)
    let plain = multilayerPerceptron(sizes: [4, 16, 3], dropout: 0)
    #expect(plain.namedParameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
  }

  @Test func groupsThousands() {
    #expect(TestReport.grouped(0) == "0")
    #expect(TestReport.grouped(999) == "999")
    #expect(TestReport.grouped(60000) == "60,000")
    #expect(TestReport.grouped(1234567) == "1,234,567")
  }
}
