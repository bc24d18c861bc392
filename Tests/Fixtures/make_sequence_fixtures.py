#!/usr/bin/env python3
"""Writes Tests/Fixtures/sequence_fixtures.json: PyTorch's outputs, final states and gradients for
Ember's sequence layers: the recurrent layers (RNN, LSTM, GRU — stacked, bidirectional, batch-first, with projections
and with variable lengths as packed sequences) and cells (RNNCell, LSTMCell, GRUCell) on shared
weights (Tests/EmberNNTests/RecurrentFixtureTests.swift reads them), and `Embedding` lookups with a
padding index and a max-norm (Tests/EmberNNTests/EmbeddingTests.swift).

Generated with Python 3.11.7, NumPy 2.4.6, PyTorch 2.15.0 (the +cu132 wheel, run on the CPU); the
file records the versions it was made with. Re-run after changing a case:

    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install numpy torch
    /tmp/benchvenv/bin/python Tests/Fixtures/make_sequence_fixtures.py

Each case names the layer and its arguments (Ember's initializer labels), and holds float64 values:
the input, the initial state (`h0`, and `c0` for LSTMs) when given, every parameter by its
state-dict name, the upstream gradients (`u_output`, `u_h`, `u_c`), the outputs (`output`, `h_n`,
`c_n`; padded positions of a packed batch are zeros, as `pad_packed_sequence` gives them), and the
gradients of sum(output·u_output) + sum(h_n·u_h) + sum(c_n·u_c) with respect to the input, the
initial state and each parameter. Cells run one step: `output` is the new `h` (and `c_n` the new
`c` of an LSTMCell). Embedding cases hold the weight before and after the lookup (max-norm
renormalizes the rows it reads, in place), the indices, the output and the weight's gradient.
"""

import json
import os
import platform

import numpy
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def values(t):
    return {"shape": list(t.shape), "values": flat(t)}


def recurrent_case(kind, input_size, hidden_size, steps, batch, num_layers=1, bidirectional=False,
                   batch_first=False, bias=True, nonlinearity="tanh", proj_size=0, lengths=None,
                   initial_state=True):
    args = {"inputSize": input_size, "hiddenSize": hidden_size, "numLayers": num_layers,
            "bidirectional": bidirectional, "batchFirst": batch_first, "bias": bias}
    if kind == "RNN":
        layer = nn.RNN(input_size, hidden_size, num_layers, nonlinearity=nonlinearity, bias=bias,
                       batch_first=batch_first, bidirectional=bidirectional)
        args["nonlinearity"] = nonlinearity
    elif kind == "LSTM":
        layer = nn.LSTM(input_size, hidden_size, num_layers, bias=bias, batch_first=batch_first,
                        bidirectional=bidirectional, proj_size=proj_size)
        args["projSize"] = proj_size
    else:
        layer = nn.GRU(input_size, hidden_size, num_layers, bias=bias, batch_first=batch_first,
                       bidirectional=bidirectional)
    directions = 2 if bidirectional else 1
    output_size = proj_size if proj_size else hidden_size
    shape = [batch, steps, input_size] if batch_first else [steps, batch, input_size]
    x = torch.randn(*shape, requires_grad=True)
    state = []
    if initial_state:
        h0 = torch.randn(num_layers * directions, batch, output_size, requires_grad=True)
        state.append(h0)
        if kind == "LSTM":
            state.append(torch.randn(num_layers * directions, batch, hidden_size, requires_grad=True))
    hx = None
    if state:
        hx = (state[0], state[1]) if kind == "LSTM" else state[0]
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                      enforce_sorted=False)
        out_packed, final = layer(packed, hx)
        out, _ = pad_packed_sequence(out_packed, batch_first=batch_first, total_length=steps)
    else:
        out, final = layer(x, hx)
    h_n, c_n = (final if kind == "LSTM" else (final, None))
    u_output = torch.randn_like(out)
    u_h = torch.randn_like(h_n)
    loss = (out * u_output).sum() + (h_n * u_h).sum()
    case = {"layer": kind, "args": args, "lengths": lengths, "input": values(x),
            "params": {name: values(p) for name, p in layer.state_dict().items()},
            "u_output": flat(u_output), "u_h": flat(u_h), "output": values(out), "h_n": values(h_n)}
    if c_n is not None:
        u_c = torch.randn_like(c_n)
        loss = loss + (c_n * u_c).sum()
        case["u_c"] = flat(u_c)
        case["c_n"] = values(c_n)
    tracked = [x] + state + list(layer.parameters())
    grads = torch.autograd.grad(loss, tracked)
    names = ["input"] + ["h0", "c0"][:len(state)] + [name for name, _ in layer.named_parameters()]
    case["grads"] = {name: flat(g) for name, g in zip(names, grads)}
    if state:
        case["h0"] = values(state[0])
        if kind == "LSTM":
            case["c0"] = values(state[1])
    return case


def cell_case(kind, input_size, hidden_size, batch, bias=True, nonlinearity="tanh"):
    args = {"inputSize": input_size, "hiddenSize": hidden_size, "bias": bias}
    if kind == "RNNCell":
        layer = nn.RNNCell(input_size, hidden_size, bias=bias, nonlinearity=nonlinearity)
        args["nonlinearity"] = nonlinearity
    elif kind == "LSTMCell":
        layer = nn.LSTMCell(input_size, hidden_size, bias=bias)
    else:
        layer = nn.GRUCell(input_size, hidden_size, bias=bias)
    x = torch.randn(batch, input_size, requires_grad=True)
    h0 = torch.randn(batch, hidden_size, requires_grad=True)
    state = [h0]
    if kind == "LSTMCell":
        state.append(torch.randn(batch, hidden_size, requires_grad=True))
        h, c = layer(x, (state[0], state[1]))
    else:
        h, c = layer(x, h0), None
    u_output = torch.randn_like(h)
    loss = (h * u_output).sum()
    case = {"layer": kind, "args": args, "lengths": None, "input": values(x), "h0": values(h0),
            "params": {name: values(p) for name, p in layer.state_dict().items()},
            "u_output": flat(u_output), "output": values(h)}
    if c is not None:
        u_c = torch.randn_like(c)
        loss = loss + (c * u_c).sum()
        case["u_c"] = flat(u_c)
        case["c_n"] = values(c)
        case["c0"] = values(state[1])
    tracked = [x] + state + list(layer.parameters())
    grads = torch.autograd.grad(loss, tracked)
    names = ["input", "h0", "c0"][:1 + len(state)] + [name for name, _ in layer.named_parameters()]
    case["grads"] = {name: flat(g) for name, g in zip(names, grads)}
    return case


cases = {
    "rnn.tanh": recurrent_case("RNN", 3, 4, steps=5, batch=2),
    "rnn.relu.stacked.bidirectional": recurrent_case("RNN", 3, 4, steps=4, batch=2, num_layers=2,
                                                     bidirectional=True, nonlinearity="relu"),
    "rnn.nobias.zero_state": recurrent_case("RNN", 2, 3, steps=3, batch=2, bias=False,
                                            initial_state=False),
    "lstm": recurrent_case("LSTM", 3, 4, steps=5, batch=2),
    "lstm.stacked.bidirectional.batch_first": recurrent_case("LSTM", 3, 4, steps=4, batch=3, num_layers=2,
                                                             bidirectional=True, batch_first=True),
    "lstm.projection": recurrent_case("LSTM", 3, 5, steps=4, batch=2, num_layers=2, proj_size=2),
    "lstm.lengths.bidirectional": recurrent_case("LSTM", 3, 4, steps=5, batch=3, bidirectional=True,
                                                 lengths=[5, 2, 3]),
    "lstm.lengths.batch_first.zero_state": recurrent_case("LSTM", 2, 3, steps=4, batch=2, batch_first=True,
                                                          lengths=[2, 4], initial_state=False),
    "gru": recurrent_case("GRU", 3, 4, steps=5, batch=2),
    "gru.stacked.bidirectional": recurrent_case("GRU", 3, 4, steps=4, batch=2, num_layers=2,
                                                bidirectional=True),
    "gru.lengths.stacked": recurrent_case("GRU", 3, 4, steps=5, batch=3, num_layers=2, lengths=[3, 5, 1]),
    "rnncell.tanh": cell_case("RNNCell", 3, 4, batch=2),
    "rnncell.relu.nobias": cell_case("RNNCell", 3, 4, batch=2, bias=False, nonlinearity="relu"),
    "lstmcell": cell_case("LSTMCell", 3, 4, batch=2),
    "grucell": cell_case("GRUCell", 3, 4, batch=2),
}

def embedding_case(count, dim, indices, padding_idx=None, max_norm=None, norm_type=2.0):
    layer = nn.Embedding(count, dim, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type)
    with torch.no_grad():
        layer.weight.mul_(2)  # rows beyond a max-norm of 1.5
    before = layer.weight.detach().clone()
    index = torch.tensor(indices)
    out = layer(index)
    u = torch.randn_like(out)
    (grad,) = torch.autograd.grad((out * u).sum(), [layer.weight])
    return {"args": {"count": count, "dim": dim, "paddingIndex": padding_idx, "maxNorm": max_norm,
                     "normType": norm_type},
            "indices": {"shape": list(index.shape), "values": [int(v) for v in index.reshape(-1).tolist()]},
            "weight": values(before), "weight_after": values(layer.weight), "upstream": flat(u),
            "output": values(out), "grad": flat(grad)}


embeddings = {
    "plain": embedding_case(6, 3, [[1, 4, 4], [0, 5, 2]]),
    "padding": embedding_case(6, 3, [[1, 0, 3], [0, 0, 2]], padding_idx=0),
    "max_norm": embedding_case(7, 4, [[1, 6, 3, 1]], max_norm=1.5),
    "max_norm.l1.padding": embedding_case(7, 4, [[2, 5], [5, 3]], padding_idx=3, max_norm=2.0, norm_type=1.0),
}

versions = {"python": platform.python_version(), "numpy": numpy.__version__, "torch": torch.__version__}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequence_fixtures.json")
with open(path, "w") as f:
    json.dump({"versions": versions, "cases": cases, "embeddings": embeddings}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} recurrent and {len(embeddings)} embedding cases to {path}")
