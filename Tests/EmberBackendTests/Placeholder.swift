import Testing
@testable import EmberBackend
