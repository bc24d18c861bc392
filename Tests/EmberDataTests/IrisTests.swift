import EmberCore
import Foundation
import Testing

@testable import EmberData

@Suite struct IrisTests {
  @Test func parsesScikitLearnLayout() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("iris.csv")
      let text = """
        3,4,setosa,versicolor,virginica
        5.1,3.5,1.4,0.2,0
        7,3.2,4.7,1.4,1
        6.3,3.3,6,2.5,2

        """
      write(Array(text.utf8), to: url)
      let iris = try Iris(contentsOf: url)
      #expect(iris.features.shape == [3, 4])
      #expect(iris.labels.scalars(as: Int.self) == [0, 1, 2])
      #expect(iris.classNames == ["setosa", "versicolor", "virginica"])
    }
  }

  @Test func wrongRowCountOrLabelThrows() {
    withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("iris.csv")
      write(Array("2,4,a,b\n5.1,3.5,1.4,0.2,0\n".utf8), to: url)
      #expect { try Iris(contentsOf: url) } throws: { "\($0)".contains("header says 2 rows") }
      write(Array("1,4,a,b\n5.1,3.5,1.4,0.2,7\n".utf8), to: url)
      #expect { try Iris(contentsOf: url) } throws: { "\($0)".contains("\(url.path):2") }
    }
  }

  @Test(.enabled(if: realDataAvailable)) func realIris() throws {
    let iris = try Iris(dataDirectory: realDataRoot, download: false)
    #expect(iris.features.shape == [150, 4])
    var histogram = [0, 0, 0]
    for label in iris.labels.scalars(as: Int.self) { histogram[label] += 1 }
    #expect(histogram == [50, 50, 50])
    #expect(iris.features.floats.prefix(4) == [5.1, 3.5, 1.4, 0.2])
  }
}
