import Testing
@testable import EmberOptim
