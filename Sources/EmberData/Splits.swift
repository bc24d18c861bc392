import EmberCore

// Index-level splits: each returns positions into a dataset, to wrap with `Subset(of:indices:)`.

/// `indices` in a random order: a permutation drawn from `generator` (`Tensor.randomPermutation`).
func shuffled(_ indices: [Int], using generator: inout RandomGenerator) -> [Int] {
  Tensor.randomPermutation(indices.count, using: &generator).scalars(as: Int.self).map {
    indices[$0]
  }
}

/// Part sizes for `count` items split by `fractions` (summing to 1): floors, with the remainder
/// handed out one at a time to the parts in order, as `torch.utils.data.random_split` does.
func partSizes(count: Int, fractions: [Double]) -> [Int] {
  var sizes = fractions.map { Int((Double(count) * $0).rounded(.down)) }
  var remainder = count - sizes.reduce(0, +)
  var part = 0
  while remainder > 0 {
    sizes[part % sizes.count] += 1
    remainder -= 1
    part += 1
  }
  return sizes
}

private func checkFractions(_ fractions: [Double], op: String) {
  precondition(!fractions.isEmpty, "\(op): no fractions given")
  precondition(
    fractions.allSatisfy { $0 >= 0 } && abs(fractions.reduce(0, +) - 1) < 1e-6,
    "\(op): fractions \(fractions) must be non-negative and sum to 1")
}

/// Splits `0..<count` at random into parts of the given `fractions` (summing to 1).
///
/// The parts are disjoint and together cover every index once; their sizes are the floors of
/// `count · fraction`, with leftover indices added to the first parts.
///
/// ```swift
/// let parts = randomSplit(count: 1000, fractions: [0.8, 0.2], seed: 0)  // 800 and 200 indices
/// ```
public func randomSplit(count: Int, fractions: [Double], seed: UInt64 = 0) -> [[Int]] {
  checkFractions(fractions, op: "randomSplit")
  var generator = RandomGenerator(seed: seed)
  let order = shuffled(Array(0..<count), using: &generator)
  var parts: [[Int]] = []
  var start = 0
  for size in partSizes(count: count, fractions: fractions) {
    parts.append(Array(order[start..<start + size]))
    start += size
  }
  return parts
}

/// Splits `0..<count` into parts of the given `fractions`, keeping each class's proportion in
/// every part when `labels` are given (one per index); otherwise a plain `randomSplit`.
///
/// Within each class the parts get the rounded share of that class; each part is returned
/// shuffled.
public func stratifiedSplit(
  count: Int, fractions: [Double], seed: UInt64 = 0, stratifiedBy labels: [Int]? = nil
) -> [[Int]] {
  guard let labels else { return randomSplit(count: count, fractions: fractions, seed: seed) }
  checkFractions(fractions, op: "stratifiedSplit")
  precondition(
    labels.count == count, "stratifiedSplit: \(labels.count) labels for \(count) examples")
  var generator = RandomGenerator(seed: seed)
  var parts = [[Int]](repeating: [], count: fractions.count)
  for (_, members) in classMembers(labels) {
    let order = shuffled(members, using: &generator)
    var start = 0
    for (part, size) in partSizes(count: order.count, fractions: fractions).enumerated() {
      parts[part] += order[start..<start + size]
      start += size
    }
  }
  return parts.map { shuffled($0, using: &generator) }
}

/// The indices of each class, classes in ascending order.
func classMembers(_ labels: [Int]) -> [(label: Int, indices: [Int])] {
  var members: [Int: [Int]] = [:]
  for (index, label) in labels.enumerated() { members[label, default: []].append(index) }
  return members.keys.sorted().map { ($0, members[$0]!) }
}

/// Splits `0..<count` into a training and a test part, `testFraction` of the examples going to
/// the test part; stratified by class when `labels` are given.
public func trainTestSplit(
  count: Int, testFraction: Double = 0.2, seed: UInt64 = 0, stratifiedBy labels: [Int]? = nil
) -> (train: [Int], test: [Int]) {
  precondition(
    testFraction >= 0 && testFraction <= 1,
    "trainTestSplit: testFraction \(testFraction) is not in 0...1")
  let parts = stratifiedSplit(
    count: count, fractions: [1 - testFraction, testFraction], seed: seed, stratifiedBy: labels)
  return (parts[0], parts[1])
}

/// Splits `0..<count` into training, validation and test parts; stratified by class when
/// `labels` are given.
public func trainValidationTestSplit(
  count: Int, validationFraction: Double = 0.1, testFraction: Double = 0.2, seed: UInt64 = 0,
  stratifiedBy labels: [Int]? = nil
) -> (train: [Int], validation: [Int], test: [Int]) {
  let train = 1 - validationFraction - testFraction
  precondition(
    validationFraction >= 0 && testFraction >= 0 && train >= -1e-9,
    "trainValidationTestSplit: fractions \(validationFraction) and \(testFraction) do not fit")
  let parts = stratifiedSplit(
    count: count, fractions: [Swift.max(train, 0), validationFraction, testFraction], seed: seed,
    stratifiedBy: labels)
  return (parts[0], parts[1], parts[2])
}

/// K-fold cross-validation: `folds` disjoint validation parts that together cover `0..<count`,
/// each paired with every other index for training.
///
/// Fold sizes differ by at most one. With `labels`, each class is dealt across the folds in turn
/// so every fold keeps the class proportions (stratified k-fold). Without `shuffle` the folds
/// are consecutive runs (or, stratified, dealt in index order).
public func kFold(
  count: Int, folds: Int, shuffle: Bool = true, seed: UInt64 = 0,
  stratifiedBy labels: [Int]? = nil
) -> [(train: [Int], validation: [Int])] {
  precondition(
    folds >= 2 && folds <= count, "kFold: \(folds) folds need 2...\(count) for \(count) examples")
  var generator = RandomGenerator(seed: seed)
  var assignment = [Int](repeating: 0, count: count)
  if let labels {
    precondition(labels.count == count, "kFold: \(labels.count) labels for \(count) examples")
    var fold = 0
    for (_, members) in classMembers(labels) {
      for index in shuffle ? shuffled(members, using: &generator) : members {
        assignment[index] = fold
        fold = (fold + 1) % folds
      }
    }
  } else {
    let order = shuffle ? shuffled(Array(0..<count), using: &generator) : Array(0..<count)
    var start = 0
    for (fold, size) in partSizes(count: count, fractions: Array(repeating: 0, count: folds))
      .enumerated()
    {
      for index in order[start..<start + size] { assignment[index] = fold }
      start += size
    }
  }
  return (0..<folds).map { fold in
    var train: [Int] = []
    var validation: [Int] = []
    for index in 0..<count {
      if assignment[index] == fold { validation.append(index) } else { train.append(index) }
    }
    return (train, validation)
  }
}
