import Testing
@testable import EmberNN
