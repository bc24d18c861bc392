import ArgumentParser
import Ember

/// The `ember` command-line tool: system information, benchmarks, training and evaluation.
@main
struct EmberCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ember",
    abstract: "Ember, a deep-learning framework in Swift.",
    version: EmberVersion.string,
    subcommands: [Info.self, Bench.self, Train.self, Evaluate.self, Generate.self, Demo.self])
}
