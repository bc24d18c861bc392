import Testing
@testable import EmberCore
