#!/usr/bin/env python3
"""Writes Tests/Fixtures/op_fixtures.json: PyTorch's values and gradients for Ember's op tests.

Generated with Python 3.11.7, NumPy 2.4.6, PyTorch 2.15.0 (the +cu132 wheel, run on the CPU);
the file records the versions it was made with. Re-run after changing a case:

    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install numpy torch
    /tmp/benchvenv/bin/python Tests/Fixtures/make_op_fixtures.py

Two kinds of case, keyed by name:

* every case of `opCases` (Tests/EmberCoreTests/OpTableTests.swift): float64 inputs drawn with the
  tests' own generator (`testValues`, a 64-bit LCG reproduced below bit for bit), PyTorch's float64
  output, and the gradient of `sum(output * upstream)` for each input, where `upstream` is
  `testValues(count, 0.5...1.5, seed: 4242)` (the weights of the Float64 gradient check);
* edge cases where Ember once differed from PyTorch, or might: inexact float division, NaN and
  infinity, empty axes, integer and bool dtypes, large logits, ignored labels. Names starting with
  `nn.` are checked by EmberNNTests, the others by EmberCoreTests. Where the inputs are float32, the
  output is PyTorch's float64 result on the same (exactly representable) values, so the tests
  measure Ember's float32 error against the exact answer; `float32Error` records PyTorch's own.

Values are JSON numbers, or the strings "nan", "inf", "-inf".
"""

import json
import math
import os
import platform
import sys

import numpy
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import philox_random  # noqa: E402  (the Philox convention, reimplemented independently)

MASK = (1 << 64) - 1


def test_values(count, lo, hi, seed):
    """Ember's `testValues(count, in: lo...hi, seed:)`, bit for bit."""
    state = (seed * 6364136223846793005 + 1442695040888963407) & MASK
    out = []
    for _ in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        unit = float(state >> 11) / float(1 << 53)
        out.append(lo + unit * (hi - lo))
    return out


def number(x):
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return x
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode(t):
    dtype = str(t.dtype).removeprefix("torch.")
    values = t.detach().reshape(-1).tolist()
    return {"dtype": dtype, "shape": list(t.shape), "values": [number(v) for v in values]}


def count(shape):
    return math.prod(shape)


# MARK: - The op table

def lcg_tensor(shape, lo, hi, seed):
    return torch.tensor(test_values(count(shape), lo, hi, seed), dtype=torch.float64).reshape(shape)


def table_case(shapes, op, lo=-2.0, hi=2.0):
    inputs = [lcg_tensor(s, lo, hi, (i + 1) * 7919).requires_grad_() for i, s in enumerate(shapes)]
    out = op(*inputs)
    upstream = torch.tensor(test_values(out.numel(), 0.5, 1.5, 4242), dtype=torch.float64)
    upstream = upstream.reshape(out.shape)
    grads = torch.autograd.grad(out, inputs, upstream, allow_unused=True)
    return {
        "inputs": [encode(x) for x in inputs],
        "output": encode(out),
        "upstream": [number(v) for v in upstream.reshape(-1).tolist()],
        "gradients": [None if g is None else [number(v) for v in g.reshape(-1).tolist()]
                      for g in grads],
    }


def constant(shape, seed):
    return lcg_tensor(shape, 0.0, 1.0, seed)


GELU_TANH = "tanh"
DROPOUT_MASK = torch.tensor(philox_random.bernoulli(99, 0, 12, 0.6), dtype=torch.float64)
M = [3, 4]
TABLE = {
    "add": ([M, M], lambda a, b: a + b),
    "sub": ([M, M], lambda a, b: a - b),
    "mul": ([M, M], lambda a, b: a * b),
    "div": ([M, M], lambda a, b: a / b, 0.5, 2),
    "pow": ([M, M], lambda a, b: a.pow(b), 0.5, 2),
    "maximum": ([M, M], torch.maximum),
    "minimum": ([M, M], torch.minimum),
    "add broadcast row": ([M, [4]], lambda a, b: a + b),
    "mul broadcast both": ([[2, 1, 3], [4, 1]], lambda a, b: a * b),
    "sub broadcast column": ([[3, 1], M], lambda a, b: a - b),
    "div broadcast": ([M, [1, 4]], lambda a, b: a / b, 0.5, 2),
    "scalar ops": ([M], lambda x: (x * 3 + 1) / 2 - 0.5),
    "pow scalar": ([M], lambda x: x.pow(3), 0.5, 2),
    "where": ([M, M], lambda a, b: torch.where(a > b, a * 2, b * 3)),
    "clamp": ([M], lambda x: x.clamp(-1.05, 1.05)),
    "neg": ([M], lambda x: -x),
    "sqrt": ([M], torch.sqrt, 0.5, 3),
    "rsqrt": ([M], torch.rsqrt, 0.5, 3),
    "exp": ([M], torch.exp),
    "expm1": ([M], torch.expm1),
    "log": ([M], torch.log, 0.5, 3),
    "log1p": ([M], torch.log1p, -0.5, 2),
    "sin": ([M], torch.sin),
    "cos": ([M], torch.cos),
    "reciprocal": ([M], torch.reciprocal, 0.5, 2),
    "erf": ([M], torch.erf),
    "square": ([M], torch.square),
    "abs": ([M], lambda x: (-x).abs() * -1, 0.1, 2),
    "relu": ([M], torch.relu, 0.1, 2),
    "relu negative": ([M], torch.relu, -2, -0.1),
    "leakyRelu": ([M], lambda x: F.leaky_relu(x, 0.1)),
    "elu": ([M], lambda x: F.elu(x, 1.5)),
    "gelu": ([M], F.gelu),
    "gelu tanh": ([M], lambda x: F.gelu(x, approximate=GELU_TANH)),
    "sigmoid": ([M], torch.sigmoid, -6, 6),
    "tanh": ([M], torch.tanh),
    "softplus": ([M], F.softplus, -6, 6),
    "silu": ([M], F.silu),
    "softmax": ([M], lambda x: x.softmax(-1)),
    "softmax axis 0": ([M], lambda x: x.softmax(0)),
    "logSoftmax": ([M], lambda x: x.log_softmax(-1)),
    "logSoftmax axis 0": ([[2, 3, 4]], lambda x: x.log_softmax(1)),
    "sum all": ([M], lambda x: x.sum()),
    "sum axis": ([[2, 3, 4]], lambda x: x.sum(1)),
    "sum axes keepDims": ([[2, 3, 4]], lambda x: x.sum((0, 2), keepdim=True)),
    "mean": ([M], lambda x: x.mean()),
    "mean axis": ([M], lambda x: x.mean(-1)),
    "variance": ([M], lambda x: x.var(1)),
    "standardDeviation": ([M], lambda x: x.std()),
    "max axis": ([M], lambda x: x.amax(1)),
    "min all": ([M], lambda x: x.min()),
    "prod": ([M], lambda x: x.prod(), 0.5, 1.5),
    "prod axis": ([M], lambda x: x.prod(0), 0.5, 1.5),
    "logSumExp": ([M], lambda x: x.logsumexp(1)),
    "matmul 2D": ([M, [4, 5]], torch.matmul),
    "matmul batched broadcast": ([[2, 3, 4], [4, 2]], torch.matmul),
    "matmul batch both": ([[2, 1, 3, 4], [3, 4, 2]], torch.matmul),
    "matmul vector-matrix": ([[4], [4, 3]], torch.matmul),
    "matmul matrix-vector": ([M, [4]], torch.matmul),
    "matmul dot": ([[5], [5]], torch.matmul),
    "reshape": ([M], lambda x: x.reshape(2, -1) * x.reshape(2, 6)),
    "permute": ([[2, 3, 4]], lambda x: x.permute(2, 0, 1) * constant([4, 2, 3], 5)),
    "transpose": ([M], lambda x: x.T.matmul(x)),
    "expand": ([[3, 1]], lambda x: x.expand(2, 3, 4) * constant([2, 3, 4], 6)),
    "unsqueeze squeeze": ([M], lambda x: x.unsqueeze(1).squeeze().unsqueeze(-1)),
    "flatten": ([[2, 3, 4]], lambda x: x.flatten(1)),
    "slice": ([[4, 5]], lambda x: x[1:3, 0::2] * 2),
    "slice negative": ([[4, 5]], lambda x: x[-1] + x[-3:].sum(0)),
    "contiguous": ([M], lambda x: x.T.contiguous()),
    # Ember's dropout at PhiloxPosition(key: 99): element e is kept when its Bernoulli(0.6) draw is
    # 1 (philox_random.bernoulli, the convention of RandomDistribution), then scaled by 1/0.6.
    "dropout": ([M], lambda x: x * DROPOUT_MASK.reshape(3, 4) / 0.6),
}


# MARK: - Edge cases

nan, inf = math.nan, math.inf
f64, f32, i64, i32, b8 = torch.float64, torch.float32, torch.int64, torch.int32, torch.bool

DIVIDENDS = [1.0, -1.0, 0.3, -0.3, 7.0, -7.0, 7.0, -7.0, 5.0, -5.0, 0.0, 1.0, 1.0, -1.0, -1.0,
             inf, 5.0, nan, 1e308, 4.0, -4.0, 2.5]
DIVISORS = [0.1, 0.1, 0.1, 0.1, 2.0, 2.0, -2.0, -2.0, 0.0, 0.0, 0.0, inf, -inf, inf, -inf,
            2.0, -0.0, 1.0, 1e-10, 2.0, 2.0, nan]
SPECIALS = [nan, inf, -inf, -0.0, 0.0, 1.5, -2.5]


def large_logits(shape, seed):
    """Logits near 1e4, rounded to float32 (so float32 and float64 see the same numbers)."""
    values = numpy.float32(1e4) + numpy.array(test_values(count(shape), -4, 4, seed), numpy.float32)
    return torch.tensor(values.astype(numpy.float64)).reshape(shape)


def float32_values(shape, seed):
    """`testValues` in 0...1 rounded to float32, as a float32 tensor."""
    values = numpy.array(test_values(count(shape), 0, 1, seed), numpy.float32)
    return torch.tensor(values).reshape(shape)


def edge(inputs, op, grad=False):
    """One edge case: `inputs` as tensors (their dtypes are the test's); `op` in PyTorch.

    `grad`: `True` for the gradients of every float input, or the indices of the inputs to
    differentiate; the others get `null`.

    With float32 inputs the reference is the float64 result on the same values, and
    `float32Error` is PyTorch's own float32 error against it.
    """
    case = {"inputs": [encode(x) for x in inputs]}
    differentiated = [grad is True and x.dtype.is_floating_point or
                      isinstance(grad, list) and i in grad for i, x in enumerate(inputs)]
    if any(x.dtype == f32 for x in inputs):
        wide = [(x.double() if x.dtype == f32 else x.clone()).requires_grad_(d)
                for x, d in zip(inputs, differentiated)]
        narrow = [x.clone().requires_grad_(d) for x, d in zip(inputs, differentiated)]
        out64, out32 = op(*wide), op(*narrow)
        case["output"] = encode(out64)
        case["output"]["dtype"] = str(out32.dtype).removeprefix("torch.")
        error = (out32.detach().double() - out64.detach()).abs()
        case["float32Error"] = float(error.max()) if out64.numel() else 0.0
        sources, out = wide, out64
    else:
        sources = [x.clone().requires_grad_(d) for x, d in zip(inputs, differentiated)]
        out = op(*sources)
        case["output"] = encode(out)
    if grad:
        upstream = torch.tensor(test_values(out.numel(), 0.5, 1.5, 4242), dtype=torch.float64)
        upstream = upstream.reshape(out.shape)
        targets = [x for x in sources if x.requires_grad]
        grads = iter(torch.autograd.grad(out, targets, upstream.to(out.dtype), allow_unused=True))
        case["upstream"] = [number(v) for v in upstream.reshape(-1).tolist()]
        case["gradients"] = [
            (lambda g: None if g is None else [number(v) for v in g.reshape(-1).tolist()])(next(grads))
            if x.requires_grad else None for x in sources]
    return case


def t(values, dtype, shape=None):
    x = torch.tensor(values, dtype=dtype)
    return x if shape is None else x.reshape(shape)


def edge_cases():
    cases = {}
    # Floor division and remainder: inexact quotients, signs, zero and infinite divisors, NaN.
    for name, dtype in [("float64", f64), ("float32", f32)]:
        a, b = t(DIVIDENDS, dtype), t(DIVISORS, dtype)
        cases[f"floorDivide {name}"] = {
            "inputs": [encode(a), encode(b)], "output": encode(torch.floor_divide(a, b))}
        cases[f"remainder {name}"] = {
            "inputs": [encode(a), encode(b)], "output": encode(torch.remainder(a, b))}
    a, b = t([7, -7, 7, -7, 0, 1, 6, -6], i64), t([2, 2, -2, -2, 3, -3, 3, 3], i64)
    cases["floorDivide int64"] = edge([a, b], torch.floor_divide)
    cases["remainder int64"] = edge([a, b], torch.remainder)
    cases["div int64"] = edge([t([1, -1, 0, 7, -7], i64), t([0, 0, 0, 2, 2], i64)], torch.div)
    # sign, rounding and friends: NaN, signed zeros; integer dtypes are kept.
    cases["sign float64"] = edge([t(SPECIALS, f64)], torch.sign)
    cases["sign int64"] = edge([t([-3, 0, 4], i64)], torch.sign)
    cases["round half even"] = edge([t([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999], f64)], torch.round)
    ints64, ints32 = t([-3, 0, 4, -1, 7], i64), t([-3, 0, 4, -1, 7], i32)
    for op_name, op in [("floor", torch.floor), ("ceil", torch.ceil), ("round", torch.round),
                        ("relu", torch.relu), ("abs", torch.abs), ("neg", torch.neg),
                        ("square", torch.square)]:
        cases[f"{op_name} int64"] = edge([ints64], op)
        cases[f"{op_name} int32"] = edge([ints32], op)
    cases["clamp int64"] = edge([ints64], lambda x: x.clamp(-1, 2))
    cases["clamp int64 fractional bound"] = edge([ints64], lambda x: x.clamp(min=0.5))
    # NaN and infinity through elementwise ops, reductions and softmax.
    specials = t(SPECIALS, f64)
    cases["relu specials"] = edge([specials], torch.relu)
    cases["clamp specials"] = edge([specials], lambda x: x.clamp(-1, 1))
    cases["maximum specials"] = edge([specials, specials.flip(0)], torch.maximum)
    cases["minimum specials"] = edge([specials, specials.flip(0)], torch.minimum)
    cases["max NaN"] = edge([t([1.0, nan, 3.0], f64)], lambda x: x.max())
    cases["min NaN"] = edge([t([1.0, nan, -3.0], f64)], lambda x: x.min())
    cases["max axis NaN"] = edge([t([[1.0, nan, 3.0], [4.0, -inf, 2.0]], f64)], lambda x: x.amax(1))
    cases["max infinities"] = edge([t([[-inf, -inf], [inf, 1.0]], f64)], lambda x: x.amax(1))
    cases["argmax NaN"] = edge([t([[1.0, nan, 3.0, nan], [2.0, 5.0, 5.0, 1.0]], f64)],
                               lambda x: x.argmax(1))
    cases["argmin NaN"] = edge([t([[1.0, nan, -3.0, nan], [2.0, 1.0, 1.0, 5.0]], f64)],
                               lambda x: x.argmin(1))
    cases["sum infinities"] = edge([t([[inf, -inf], [inf, 1.0]], f64)], lambda x: x.sum(1))
    rows = t([[nan, 1.0, 2.0], [inf, 1.0, 2.0], [-inf, 1.0, 2.0], [-inf, -inf, -inf]], f64)
    cases["softmax specials"] = edge([rows], lambda x: x.softmax(1))
    cases["logSoftmax specials"] = edge([rows], lambda x: x.log_softmax(1))
    cases["logSumExp specials"] = edge([rows], lambda x: x.logsumexp(1))
    # Empty axes.
    cases["logSumExp empty axis"] = edge([torch.zeros(2, 0, dtype=f64)], lambda x: x.logsumexp(1))
    cases["logSumExp empty axis keepDims"] = edge(
        [torch.zeros(0, 3, dtype=f64)], lambda x: x.logsumexp(0, keepdim=True))
    cases["sum empty axis"] = edge([torch.zeros(2, 0, dtype=f64)], lambda x: x.sum(1))
    cases["prod empty axis"] = edge([torch.zeros(2, 0, dtype=f64)], lambda x: x.prod(1))
    # Integer and bool reductions.
    bools = t([[True, False, True], [False, False, True]], b8)
    cases["sum bool"] = edge([bools], lambda x: x.sum())
    cases["sum axis bool"] = edge([bools], lambda x: x.sum(0))
    cases["sum int32"] = edge([ints32], lambda x: x.sum())
    cases["prod int32"] = edge([ints32 + 5], lambda x: x.prod())
    cases["cumsum int32"] = edge([ints32], lambda x: x.cumsum(0))
    cases["cumsum bool"] = edge([bools], lambda x: x.cumsum(1))
    cases["max bool"] = edge([bools], lambda x: x.max())
    cases["min bool"] = edge([bools], lambda x: x.min())
    cases["max axis bool"] = edge([bools], lambda x: x.amax(1))
    cases["min axis bool"] = edge([bools], lambda x: x.amin(0))
    cases["max int32"] = edge([ints32], lambda x: x.max())
    # Python scalars with bool and integer tensors: weak, but a higher category promotes.
    cases["bool plus int scalar"] = edge([bools], lambda x: x + 1)
    cases["bool times fractional scalar"] = edge([bools], lambda x: x * 2.5)
    cases["bool clamp"] = edge([bools], lambda x: x.clamp(0, 1))
    cases["int64 times fractional scalar"] = edge([ints64], lambda x: x * 0.5)
    cases["int32 plus int scalar"] = edge([ints32], lambda x: x + 3)
    cases["int32 floorDivide scalar"] = edge([ints32], lambda x: x // 2)
    cases["int64 div scalar"] = edge([ints64], lambda x: x / 2)
    cases["maximum int64 float64"] = edge([ints64, t([0.5, -0.5, 9.0, -2.0, 7.0], f64)],
                                          torch.maximum)
    # Means and variances at the edges (NaN, as PyTorch).
    cases["mean empty"] = edge([torch.zeros(0, dtype=f64)], lambda x: x.mean())
    cases["variance single element"] = edge([t([[2.0], [3.0]], f64)], lambda x: x.var(1))
    cases["argmax ties"] = edge([t([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], f64)], lambda x: x.argmax(1))
    # arange infers its dtype from start, end and step.
    cases["arange 0 5.5"] = {"inputs": [], "output": encode(torch.arange(0, 5.5))}
    cases["arange 0 5"] = {"inputs": [], "output": encode(torch.arange(0, 5))}
    cases["arange 0 2 step 0.5"] = {"inputs": [], "output": encode(torch.arange(0, 2, 0.5))}
    cases["arange 5 0 step -1.5"] = {"inputs": [], "output": encode(torch.arange(5, 0, -1.5))}
    cases["arange 1 10 step 3"] = {"inputs": [], "output": encode(torch.arange(1, 10, 3))}
    # Gradients at kinks and ties.
    kinks = t([0.0, -1.0, 1.0, 0.0, -0.5], f64)
    cases["elu at zero"] = edge([kinks], lambda x: F.elu(x, 1.5), grad=True)
    cases["leakyRelu at zero"] = edge([kinks], lambda x: F.leaky_relu(x, 0.1), grad=True)
    cases["relu at zero"] = edge([kinks], torch.relu, grad=True)
    cases["abs at zero"] = edge([kinks], torch.abs, grad=True)
    cases["clamp at bounds"] = edge([t([-1.0, 1.0, 0.5, 2.0, -2.0], f64)],
                                    lambda x: x.clamp(-1, 1), grad=True)
    cases["maximum tie"] = edge([t([1.0, 2.0, 3.0], f64), t([1.0, 1.0, 4.0], f64)],
                                torch.maximum, grad=True)
    cases["max all ties"] = edge([t([[3.0, 1.0, 3.0], [3.0, 2.0, 0.0]], f64)],
                                 lambda x: x.max(), grad=True)
    # Large logits in float32: x − max − log Σ exp(x − max), nothing large rounded.
    cases["logSoftmax large logits float32"] = edge(
        [large_logits([4, 8], 31).float()], lambda x: x.log_softmax(1), grad=True)
    cases["logSoftmax large logits axis 0 float32"] = edge(
        [large_logits([8, 3], 37).float()], lambda x: x.log_softmax(0), grad=True)
    cases["softmax large logits float32"] = edge(
        [large_logits([4, 8], 41).float()], lambda x: x.softmax(1), grad=True)
    cases["logSumExp large logits float32"] = edge(
        [large_logits([4, 8], 43).float()], lambda x: x.logsumexp(1), grad=True)
    # Long float32 running sums: PyTorch's CPU kernel accumulates in double.
    cases["cumsum long float32"] = edge([float32_values([1, 1500], 67)], lambda x: x.cumsum(1))
    cases["cumsum long axis 0 float32"] = edge([float32_values([1200, 1], 71)], lambda x: x.cumsum(0))
    cases["logSoftmax large logits float64"] = edge(
        [large_logits([4, 8], 47)], lambda x: x.log_softmax(1), grad=True)
    # Losses (EmberNNTests): large logits, and an ignoreIndex that is a valid class.
    cases["nn.crossEntropy large logits float32"] = edge(
        [large_logits([4, 8], 53).float(), t([0, 7, 3, 3], i64)],
        lambda x, y: F.cross_entropy(x, y), grad=True)
    logits = lcg_tensor([5, 4], -2, 2, 59)
    labels = t([0, 2, 0, 3, 1], i64)
    weights = t([0.5, 1.0, 2.0, 1.5], f64)
    for reduction in ["mean", "sum", "none"]:
        cases[f"nn.crossEntropy ignoreIndex 0 {reduction}"] = edge(
            [logits, labels], lambda x, y: F.cross_entropy(x, y, ignore_index=0, reduction=reduction),
            grad=True)
        cases[f"nn.negativeLogLikelihood ignoreIndex 0 {reduction}"] = edge(
            [logits.log_softmax(1), labels],
            lambda x, y: F.nll_loss(x, y, ignore_index=0, reduction=reduction), grad=True)
    cases["nn.crossEntropy ignoreIndex 0 weights"] = edge(
        [logits, labels, weights],
        lambda x, y, w: F.cross_entropy(x, y, weight=w, ignore_index=0), grad=[0])
    cases["nn.crossEntropy ignoreIndex 0 smoothing"] = edge(
        [logits, labels], lambda x, y: F.cross_entropy(x, y, ignore_index=0, label_smoothing=0.1),
        grad=True)
    cases["nn.crossEntropy ignoreIndex 0 weights smoothing"] = edge(
        [logits, labels, weights],
        lambda x, y, w: F.cross_entropy(x, y, weight=w, ignore_index=0, label_smoothing=0.1),
        grad=[0])
    cases["nn.crossEntropy ignoreIndex 2 spatial"] = edge(
        [lcg_tensor([2, 3, 2, 2], -2, 2, 61), t([[[0, 2], [1, 2]], [[2, 2], [1, 0]]], i64)],
        lambda x, y: F.cross_entropy(x, y, ignore_index=2), grad=True)
    return cases


def main():
    torch.use_deterministic_algorithms(True)
    table = {}
    for name, spec in TABLE.items():
        shapes, op = spec[0], spec[1]
        lo, hi = (float(spec[2]), float(spec[3])) if len(spec) > 2 else (-2.0, 2.0)
        table[name] = table_case(shapes, op, lo, hi)
    fixture = {
        "generator": "Tests/Fixtures/make_op_fixtures.py",
        "versions": {"python": platform.python_version(), "numpy": numpy.__version__,
                     "torch": torch.__version__},
        "opTable": table,
        "edgeCases": edge_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "op_fixtures.json")
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {path}: {len(table)} op-table cases, {len(fixture['edgeCases'])} edge cases")


if __name__ == "__main__":
    sys.exit(main())
