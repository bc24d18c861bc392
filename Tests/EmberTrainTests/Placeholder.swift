import Testing
@testable import EmberTrain
