import Testing
@testable import EmberCPU
