import Testing

@testable import EmberData

@Suite struct SplitsTests {
  @Test func randomSplitIsDisjointAndCovers() {
    let parts = randomSplit(count: 103, fractions: [0.7, 0.2, 0.1], seed: 4)
    #expect(parts.map(\.count) == [73, 20, 10])
    #expect(parts.flatMap { $0 }.sorted() == Array(0..<103))
    #expect(parts == randomSplit(count: 103, fractions: [0.7, 0.2, 0.1], seed: 4))
    #expect(parts != randomSplit(count: 103, fractions: [0.7, 0.2, 0.1], seed: 5))
  }

  @Test func trainTestSplitSizes() {
    let (train, test) = trainTestSplit(count: 50, testFraction: 0.2, seed: 1)
    #expect(train.count == 40 && test.count == 10)
    #expect(Set(train).isDisjoint(with: test))
    #expect((train + test).sorted() == Array(0..<50))
  }

  @Test func stratificationKeepsProportions() {
    // 60 of class 0, 30 of class 1, 10 of class 2.
    let labels = Array(repeating: 0, count: 60) + Array(repeating: 1, count: 30)
      + Array(repeating: 2, count: 10)
    let (train, validation, test) = trainValidationTestSplit(
      count: 100, validationFraction: 0.2, testFraction: 0.3, seed: 2, stratifiedBy: labels)
    func histogram(_ part: [Int]) -> [Int] {
      (0..<3).map { c in part.filter { labels[$0] == c }.count }
    }
    #expect(histogram(train) == [30, 15, 5])
    #expect(histogram(validation) == [12, 6, 2])
    #expect(histogram(test) == [18, 9, 3])
    #expect((train + validation + test).sorted() == Array(0..<100))
  }

  @Test func kFoldPartitions() {
    let folds = kFold(count: 23, folds: 5, shuffle: true, seed: 7)
    #expect(folds.count == 5)
    let validations = folds.flatMap(\.validation)
    #expect(validations.sorted() == Array(0..<23))
    #expect(folds.map(\.validation.count).sorted() == [4, 4, 5, 5, 5])
    for fold in folds {
      #expect(Set(fold.train).isDisjoint(with: fold.validation))
      #expect(fold.train.count + fold.validation.count == 23)
    }
    let ordered = kFold(count: 10, folds: 3, shuffle: false)
    #expect(ordered.map(\.validation) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]])
  }

  @Test func stratifiedKFoldBalancesClasses() {
    let labels = (0..<40).map { $0 < 30 ? 0 : 1 }
    let folds = kFold(count: 40, folds: 5, seed: 1, stratifiedBy: labels)
    #expect(folds.flatMap(\.validation).sorted() == Array(0..<40))
    for fold in folds {
      let ones = fold.validation.filter { labels[$0] == 1 }.count
      #expect(fold.validation.count == 8 && ones == 2)
    }
  }
}
