// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Ember",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "Ember", targets: ["Ember"]),
    .executable(name: "ember", targets: ["ember"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // The load-time half of the backend registry (backends add their loaders from C constructors).
    .target(name: "CEmberRegistry"),
    .target(name: "EmberBackend", dependencies: ["CEmberRegistry"]),
    .target(name: "CEmberKernels", dependencies: ["CEmberRegistry"]),
    .target(
      name: "EmberCPU",
      dependencies: ["EmberBackend", "CEmberKernels"],
      linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
    .target(name: "EmberCore", dependencies: ["EmberBackend"]),
    .target(name: "EmberNN", dependencies: ["EmberCore"]),
    .target(name: "EmberOptim", dependencies: ["EmberNN"]),
    // Image codecs (libjpeg-turbo, libpng, giflib) opened with dlopen at run time.
    .target(name: "CEmberImage", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
    .target(name: "EmberData", dependencies: ["EmberCore", "CEmberImage"]),
    .target(name: "EmberTrain", dependencies: ["EmberNN", "EmberOptim", "EmberData"]),
    .target(
      name: "Ember",
      dependencies: [
        "EmberBackend", "EmberCPU", "EmberCore", "EmberNN", "EmberOptim", "EmberData", "EmberTrain",
      ]),
    .executableTarget(
      name: "ember",
      dependencies: ["Ember", "EmberCPU", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(name: "MNISTManualLoop", dependencies: ["Ember"], path: "Examples/MNISTManualLoop"),
    .executableTarget(name: "MNISTFit", dependencies: ["Ember"], path: "Examples/MNISTFit"),
    .testTarget(name: "EmberBackendTests", dependencies: ["EmberBackend"]),
    .testTarget(name: "EmberCPUTests", dependencies: ["EmberCPU", "EmberBackend"]),
    // Helpers shared by the test targets (the gradient check); not part of any product.
    .target(name: "EmberTestSupport", dependencies: ["EmberCore", "EmberCPU"], path: "Tests/EmberTestSupport"),
    .testTarget(
      name: "EmberCoreTests", dependencies: ["EmberCore", "EmberCPU", "EmberBackend", "EmberTestSupport"]),
    .testTarget(name: "EmberNNTests", dependencies: ["EmberNN", "EmberTestSupport"]),
    .testTarget(name: "EmberOptimTests", dependencies: ["EmberOptim", "EmberTestSupport"]),
    .testTarget(name: "EmberDataTests", dependencies: ["EmberData", "EmberTestSupport"]),
    .testTarget(name: "EmberTrainTests", dependencies: ["EmberTrain", "EmberTestSupport"]),
    .testTarget(name: "emberTests", dependencies: ["ember"]),
  ],
  swiftLanguageModes: [.v5]
)
