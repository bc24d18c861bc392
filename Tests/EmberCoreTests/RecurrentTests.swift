import EmberBackend
import EmberTestSupport
import Testing

@testable import EmberCore

/// The fused LSTM and GRU cell ops (`lstmCell`, `gruCell`): values and gradients against the
/// composed formulas (the oracle), Float64 central differences, and the recorded backward (for
/// gradients of gradients) against the fused one.
@Suite struct RecurrentCellOpTests {
  /// The same formula run as separate tensor ops.
  static func composedLSTM(_ gates: Tensor, _ cell: Tensor) -> (h: Tensor, c: Tensor) {
    let g = gates.chunked(4, axis: 1)
    return GateFormulas.lstm(g[0], g[1], g[2], g[3], cell)
  }

  static func composedGRU(_ x: Tensor, _ hidden: Tensor, _ h: Tensor) -> Tensor {
    GateFormulas.gru(x.chunked(3, axis: 1), hidden.chunked(3, axis: 1), h)
  }

  @Test(arguments: testDevices)
  func lstmCellMatchesTheComposedCell(device: Device) {
    let (batch, hidden) = (3, 4)
    let gates = Tensor(testValues(batch * 4 * hidden, in: -2...2, seed: 1), shape: [batch, 4 * hidden], on: device)
      .requiringGradient()
    let cell = Tensor(testValues(batch * hidden, in: -1...1, seed: 2), shape: [batch, hidden], on: device)
      .requiringGradient()
    let probe = Tensor(testValues(batch * hidden, in: -1...1, seed: 3), shape: [batch, hidden], on: device)
    let fused = Tensor.lstmCell(gates: gates, cell: cell)
    let composed = Self.composedLSTM(gates, cell)
    expectClose(fused.h.doubles, composed.h.doubles, tolerance: 1e-12, "h")
    expectClose(fused.c.doubles, composed.c.doubles, tolerance: 1e-12, "c")
    let a = (fused.h * probe + fused.c * probe * 2).sum().backward()
    let b = (composed.h * probe + composed.c * probe * 2).sum().backward()
    expectClose(a[gates]!.doubles, b[gates]!.doubles, tolerance: 1e-12, "d gates")
    expectClose(a[cell]!.doubles, b[cell]!.doubles, tolerance: 1e-12, "d cell")
    // Only h used: the missing gradient of c counts as zeros.
    let onlyH = Tensor.lstmCell(gates: gates, cell: cell).h.sum().backward()
    expectClose(onlyH[gates]!.doubles, Self.composedLSTM(gates, cell).h.sum().backward()[gates]!.doubles,
                tolerance: 1e-12, "d gates from h alone")
  }

  @Test(arguments: testDevices)
  func gruCellMatchesTheComposedCell(device: Device) {
    let (batch, hidden) = (3, 4)
    let x = Tensor(testValues(batch * 3 * hidden, in: -2...2, seed: 4), shape: [batch, 3 * hidden], on: device)
      .requiringGradient()
    let hiddenGates = Tensor(testValues(batch * 3 * hidden, in: -2...2, seed: 5), shape: [batch, 3 * hidden], on: device)
      .requiringGradient()
    let h = Tensor(testValues(batch * hidden, in: -1...1, seed: 6), shape: [batch, hidden], on: device)
      .requiringGradient()
    let probe = Tensor(testValues(batch * hidden, in: -1...1, seed: 7), shape: [batch, hidden], on: device)
    let fused = Tensor.gruCell(inputGates: x, hiddenGates: hiddenGates, state: h)
    let composed = Self.composedGRU(x, hiddenGates, h)
    expectClose(fused.doubles, composed.doubles, tolerance: 1e-12, "h'")
    let a = (fused * probe).sum().backward(), b = (composed * probe).sum().backward()
    for (name, t) in [("input gates", x), ("hidden gates", hiddenGates), ("state", h)] {
      expectClose(a[t]!.doubles, b[t]!.doubles, tolerance: 1e-12, "d \(name)")
    }
  }

  @Test(arguments: testDevices)
  func gradients(device: Device) {
    checkGradients("lstmCell", shapes: [[2, 12], [2, 3]], range: -2...2, on: device) { t in
      let (h, c) = Tensor.lstmCell(gates: t[0], cell: t[1])
      return Tensor.concat([h, c * 0.5], axis: 1)
    }
    checkGradients("gruCell", shapes: [[2, 9], [2, 9], [2, 3]], range: -2...2, on: device) { t in
      Tensor.gruCell(inputGates: t[0], hiddenGates: t[1], state: t[2])
    }
  }

  /// With the backward recorded (`createGraph`), the composed pullback gives the fused one's
  /// values and differentiates again.
  @Test func recordedBackwardDifferentiatesAgain() {
    let gates = Tensor(testValues(2 * 8, in: -1...1, seed: 8), shape: [2, 8]).requiringGradient()
    let cell = Tensor(testValues(4, in: -1...1, seed: 9), shape: [2, 2]).requiringGradient()
    func loss() -> Tensor {
      let (h, c) = Tensor.lstmCell(gates: gates, cell: cell)
      return (h * h).sum() + c.sum()
    }
    let fused = loss().backward()
    let recorded = loss().backward(createGraph: true)
    expectClose(recorded[gates]!.doubles, fused[gates]!.doubles, tolerance: 1e-12)
    // d/d gates Σ(∂loss/∂cell)², against central differences of the fused first derivative.
    let values = gates.doubles
    func squaredCellGradient(_ v: [Double]) -> Double {
      let g = Tensor(v, shape: [2, 8])
      let c = cell.detached().requiringGradient()
      let (h, next) = Tensor.lstmCell(gates: g, cell: c)
      let d = ((h * h).sum() + next.sum()).backward()[c]!
      return (d * d).sum().item(as: Double.self)
    }
    let first = loss().backward(createGraph: true)[cell]!
    let second = (first * first).sum().backward()[gates]!.doubles
    let step = 1e-5
    let numeric = values.indices.map { i -> Double in
      var (up, down) = (values, values)
      up[i] += step
      down[i] -= step
      return (squaredCellGradient(up) - squaredCellGradient(down)) / (2 * step)
    }
    expectClose(second, numeric, tolerance: 1e-6, "second derivative")
  }
}
