import Foundation

/// The Large Movie Review Dataset (Maas et al. 2011, `aclImdb`) in its folder layout:
/// `<root>/train/pos/*.txt`, `train/neg`, `test/pos`, `test/neg`, one review per file named
/// `<id>_<rating>.txt` (`unsup` is left out). Reviews hold HTML line breaks (`<br />`), replaced by
/// spaces.
///
/// Not among `../shared/data`'s sets (84 MB); for users who have it.
public struct IMDBReviews {
  public enum Split: String, Sendable {
    case train, test
  }

  public static let classNames = ["negative", "positive"]

  /// The reviews, negative ones first, each folder in file-name order.
  public let data: LabelledTexts
  /// Each review's star rating (1–10), from its file name.
  public let ratings: [Int]

  /// Loads `split` from `root` (the folder holding `train/` and `test/`), or from the `aclImdb`
  /// data directory (see `DataDirectory`) when `root` is `nil`.
  ///
  /// - Throws: `DataError` naming the folder that is missing, a file name without a rating, or a
  ///   file that is not UTF-8 text.
  public init(split: Split, root: URL? = nil, dataDirectory: URL? = nil) throws(DataError) {
    let base: URL
    if let root {
      base = root
    } else {
      base = try DataDirectory.resolve(
        explicit: dataDirectory, dataset: "aclImdb", files: ["train/pos", "train/neg", "test/pos", "test/neg"])
    }
    var texts: [String] = [], labels: [Int] = [], ratings: [Int] = []
    for (label, folder) in ["neg", "pos"].enumerated() {
      let directory = base.appendingPathComponent(split.rawValue).appendingPathComponent(folder)
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
          .filter { $0.hasSuffix(".txt") }.sorted()
      } catch {
        throw .notFound(dataset: "aclImdb", searched: [directory.path], reason: "no such folder")
      }
      for name in names {
        let stem = name.dropLast(4)
        guard let underscore = stem.lastIndex(of: "_"), let rating = Int(stem[stem.index(after: underscore)...]) else {
          throw .corrupt(file: directory.appendingPathComponent(name).path,
                         reason: "the name is not <id>_<rating>.txt")
        }
        let url = directory.appendingPathComponent(name)
        guard let text = String(validating: try readBytes(of: url), as: UTF8.self) else {
          throw .corrupt(file: url.path, reason: "not UTF-8 text")
        }
        texts.append(text.replacingOccurrences(of: "<br />", with: " "))
        labels.append(label)
        ratings.append(rating)
      }
    }
    data = LabelledTexts(texts: texts, labels: labels, classNames: Self.classNames)
    self.ratings = ratings
  }
}
