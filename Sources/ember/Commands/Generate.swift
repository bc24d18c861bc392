import ArgumentParser
import Ember
import Foundation

/// `ember generate <checkpoint> --prompt "…" --length N --temperature T [--top-k K]`: continues a
/// prompt with a `char-lm` checkpoint, printing each character as it is drawn.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Continue a prompt with a character language model written by `ember train char-lm`.",
    discussion: """
      The prompt is read through the model, then each next character is drawn from the softmax \
      of its logits divided by --temperature (0: always the most likely), among the --top-k most \
      likely when given, and printed at once.
      """)

  @Argument(help: "A model.safetensors written by `ember train char-lm`.")
  var checkpoint: String

  @Option(help: "The text to continue.")
  var prompt: String = "\n"

  @Option(help: "How many characters to draw.")
  var length: Int = 500

  @Option(help: "Softmax temperature: below 1 is more conservative, above 1 more adventurous; 0 is greedy.")
  var temperature: Double = 0.8

  @Option(help: "Draw only among the K most likely characters.")
  var topK: Int?

  @Option(help: "Seed of the draws.")
  var seed: UInt64 = 0

  func validate() throws {
    guard FileManager.default.fileExists(atPath: checkpoint) else {
      throw ValidationError("\(checkpoint): no such file.")
    }
    guard (0...1_000_000).contains(length) else { throw ValidationError("--length must be in 0...1000000, got \(length).") }
    guard temperature.isFinite, temperature >= 0 else {
      throw ValidationError("--temperature must be a number ≥ 0, got \(temperature).")
    }
    if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, got \(topK).") }
  }

  func run() throws {
    let url = URL(fileURLWithPath: checkpoint)
    let (tensors, metadata) = try SafeTensors.read(from: url)
    let info = try CheckpointInfo(metadata: metadata, file: url.path)
    let (model, vectorizer) = try CharLMRecipe.load(LoadedCheckpoint(url: url, tensors: tensors, info: info))
    var generator = RandomGenerator(seed: seed)
    FileHandle.standardOutput.write(Data(prompt.utf8))
    CharLMRecipe.generate(
      model: model, vectorizer: vectorizer, prompt: prompt, length: length, temperature: temperature,
      topK: topK, generator: &generator
    ) { FileHandle.standardOutput.write(Data($0.utf8)) }
    FileHandle.standardOutput.write(Data("\n".utf8))
  }
}
