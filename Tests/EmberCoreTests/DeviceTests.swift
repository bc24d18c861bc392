import EmberBackend
import EmberTestSupport
import Foundation
import Testing

@testable import EmberCore

@Suite struct DeviceTests {
  @Test func cpuJoinsTheRegistryLikeAnyBackend() {
    #expect(Backends.available.first == .cpu)
    #expect(Backends.backend(for: .cpu)?.device == .cpu)
    #expect(Backends.backend(for: .cuda(14)) == nil)
  }

  @Test func creationFollowsTheTaskLocalDefaultDevice() async {
    let other = HostMemoryBackend.shared.device
    #expect(Device.default == .cpu)
    let (a, b, c) = withDevice(other) { (Tensor.zeros([2]), Tensor([1, 2, 3] as [Float]), Tensor.arange(0, 4)) }
    #expect([a.device, b.device, c.device] == [other, other, other])
    #expect(Tensor.ones([1]).device == .cpu)
    // Tasks started inside inherit it.
    let inherited = await withDevice(other) { Task { Tensor.zeros([1]).device } }.value
    #expect(inherited == other)
  }

  @Test func opsRunOnTheirInputsDeviceAndMatchTheCPU() {
    let other = HostMemoryBackend.shared.device
    let x = Tensor([[1, -2, 3], [4, 5, -6]]).requiringGradient()
    let y = x.to(other)
    let loss = (y.matmul(y.transposed()).relu() * 0.5 + y.sum(axis: 1, keepDims: true).exp()).mean()
    #expect(loss.device == other)
    let grads = loss.backward()
    let reference = withoutGradients { () -> Double in
      let z = x.detached()
      return (z.matmul(z.transposed()).relu() * 0.5 + z.sum(axis: 1, keepDims: true).exp()).mean().item
    }
    #expect(abs(loss.item - reference) < 1e-3)
    #expect(grads[x]?.device == .cpu)  // the gradient flows back through `to`
  }

  @Test func mixingDevicesTrapsNamingTheOpAndBothDevices() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([2]) + Tensor.zeros([2]).to(HostMemoryBackend.shared.device)
    }.map { result in
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("add") && message.contains("cpu") && message.contains("cuda:15"), "\(message)")
    }
  }
}
