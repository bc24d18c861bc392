#!/usr/bin/env python3
"""Writes Tests/Fixtures/layer_fixtures.json: PyTorch's outputs and gradients for Ember's
convolution, pooling and normalization layers on shared weights (Tests/EmberNNTests/
LayerFixtureTests.swift reads them).

Generated with Python 3.11.7, NumPy 2.4.6, PyTorch 2.15.0 (the +cu132 wheel, run on the CPU); the
file records the versions it was made with. Re-run after changing a case:

    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install numpy torch
    /tmp/benchvenv/bin/python Tests/Fixtures/make_layer_fixtures.py

Each case names an Ember layer and its arguments (the same names as Ember's initializers), and holds
float64 values: the input, every parameter (by its state-dict name), the upstream gradient `u`, the
output, and the gradients of `sum(output * u)` with respect to the input and each parameter.
Batch-norm (and tracked instance-norm) cases run `steps` training steps (one input each) and then one inference step, recording
each training step's output and the running statistics after the last.
"""

import json
import os
import platform

import numpy
import torch
import torch.nn as nn

torch.manual_seed(0)
rng = numpy.random.default_rng(1234)


def values(shape, lo=-1.0, hi=1.0):
    return torch.tensor(rng.uniform(lo, hi, size=shape), dtype=torch.float64)


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


cases = {}


def case(name, layer_name, args, module, input_shape, input_range=(-1.0, 1.0)):
    module = module.double()
    with torch.no_grad():
        for _, p in module.named_parameters():
            p.copy_(values(tuple(p.shape)))
    x = values(input_shape, *input_range).requires_grad_(True)
    y = module(x)
    u = values(tuple(y.shape), 0.5, 1.5)
    (y * u).sum().backward()
    params = {n: {"shape": list(p.shape), "values": flat(p)} for n, p in module.named_parameters()}
    grads = {"input": flat(x.grad)}
    grads.update({n: flat(p.grad) for n, p in module.named_parameters()})
    cases[name] = {
        "layer": layer_name, "args": args, "input_shape": list(input_shape), "input": flat(x),
        "params": params, "upstream": flat(u), "output_shape": list(y.shape), "output": flat(y),
        "grads": grads,
    }


# Conv2D: stride, padding (valid / same with odd and even kernels / explicit), padding modes,
# dilation, groups (and depthwise), no bias.
case("conv2d", "Conv2D", {"in": 3, "out": 4, "kernel": [3, 3]}, nn.Conv2d(3, 4, 3), (2, 3, 7, 6))
case("conv2d.stride2.pad1", "Conv2D", {"in": 3, "out": 5, "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]},
     nn.Conv2d(3, 5, 3, stride=2, padding=1), (2, 3, 9, 8))
case("conv2d.rect.stride", "Conv2D", {"in": 2, "out": 3, "kernel": [2, 3], "stride": [1, 2], "padding": [1, 0]},
     nn.Conv2d(2, 3, (2, 3), stride=(1, 2), padding=(1, 0)), (1, 2, 6, 7))
case("conv2d.same.odd", "Conv2D", {"in": 2, "out": 3, "kernel": [3, 5], "padding": "same"},
     nn.Conv2d(2, 3, (3, 5), padding="same"), (2, 2, 6, 7))
case("conv2d.same.even", "Conv2D", {"in": 2, "out": 3, "kernel": [4, 2], "padding": "same"},
     nn.Conv2d(2, 3, (4, 2), padding="same"), (2, 2, 6, 5))
case("conv2d.same.dilated", "Conv2D", {"in": 2, "out": 2, "kernel": [3, 3], "padding": "same", "dilation": [2, 1]},
     nn.Conv2d(2, 2, 3, padding="same", dilation=(2, 1)), (1, 2, 7, 6))
case("conv2d.dilation2", "Conv2D", {"in": 2, "out": 3, "kernel": [3, 3], "dilation": [2, 2], "padding": [1, 1]},
     nn.Conv2d(2, 3, 3, dilation=2, padding=1), (2, 2, 8, 8))
case("conv2d.groups2", "Conv2D", {"in": 4, "out": 6, "kernel": [3, 3], "groups": 2, "padding": [1, 1]},
     nn.Conv2d(4, 6, 3, groups=2, padding=1), (2, 4, 5, 5))
case("conv2d.depthwise", "Conv2D", {"in": 3, "out": 3, "kernel": [3, 3], "groups": 3, "stride": [2, 2]},
     nn.Conv2d(3, 3, 3, groups=3, stride=2), (2, 3, 7, 7))
case("conv2d.pointwise.nobias", "Conv2D", {"in": 3, "out": 4, "kernel": [1, 1], "bias": False},
     nn.Conv2d(3, 4, 1, bias=False), (2, 3, 4, 5))
for mode in ["reflect", "replicate", "circular"]:
    case(f"conv2d.{mode}", "Conv2D", {"in": 2, "out": 3, "kernel": [3, 3], "padding": [1, 2], "padding_mode": mode},
         nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode), (2, 2, 5, 6))

# Conv1D.
case("conv1d", "Conv1D", {"in": 3, "out": 4, "kernel": 3}, nn.Conv1d(3, 4, 3), (2, 3, 10))
case("conv1d.stride2.pad2.dilation2", "Conv1D",
     {"in": 2, "out": 4, "kernel": 3, "stride": 2, "padding": [2], "dilation": 2},
     nn.Conv1d(2, 4, 3, stride=2, padding=2, dilation=2), (2, 2, 11))
case("conv1d.groups.same", "Conv1D", {"in": 4, "out": 4, "kernel": 4, "groups": 2, "padding": "same"},
     nn.Conv1d(4, 4, 4, groups=2, padding="same"), (2, 4, 9))
case("conv1d.reflect", "Conv1D", {"in": 2, "out": 2, "kernel": 3, "padding": [2], "padding_mode": "reflect"},
     nn.Conv1d(2, 2, 3, padding=2, padding_mode="reflect"), (1, 2, 6))

# Transposed convolutions: stride, padding, output padding, dilation, groups.
case("convtranspose2d", "ConvTranspose2D", {"in": 3, "out": 2, "kernel": [3, 3]},
     nn.ConvTranspose2d(3, 2, 3), (2, 3, 4, 5))
case("convtranspose2d.stride2.pad1.outpad1", "ConvTranspose2D",
     {"in": 3, "out": 4, "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "output_padding": [1, 1]},
     nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1), (2, 3, 4, 4))
case("convtranspose2d.rect.dilation.groups", "ConvTranspose2D",
     {"in": 4, "out": 6, "kernel": [2, 3], "stride": [2, 1], "padding": [0, 1], "dilation": [1, 2], "groups": 2},
     nn.ConvTranspose2d(4, 6, (2, 3), stride=(2, 1), padding=(0, 1), dilation=(1, 2), groups=2), (1, 4, 3, 5))
case("convtranspose1d.stride3.outpad2", "ConvTranspose1D",
     {"in": 2, "out": 3, "kernel": 4, "stride": 3, "padding": 1, "output_padding": 2},
     nn.ConvTranspose1d(2, 3, 4, stride=3, padding=1, output_padding=2), (2, 2, 5))

# Pooling (inputs spread so ties are unlikely).
case("maxpool2d", "MaxPool2D", {"kernel": [2, 2]}, nn.MaxPool2d(2), (2, 3, 6, 7))
case("maxpool2d.stride1.pad1", "MaxPool2D", {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1]},
     nn.MaxPool2d(3, stride=1, padding=1), (1, 2, 5, 5))
case("maxpool2d.dilation.ceil", "MaxPool2D",
     {"kernel": [2, 3], "stride": [2, 2], "dilation": [2, 1], "ceil_mode": True},
     nn.MaxPool2d((2, 3), stride=2, dilation=(2, 1), ceil_mode=True), (2, 2, 8, 9))
case("maxpool1d", "MaxPool1D", {"kernel": 3, "stride": 2, "padding": 1}, nn.MaxPool1d(3, stride=2, padding=1),
     (2, 3, 9))
case("avgpool2d", "AvgPool2D", {"kernel": [2, 2]}, nn.AvgPool2d(2), (2, 3, 6, 7))
case("avgpool2d.pad.include", "AvgPool2D", {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]},
     nn.AvgPool2d(3, stride=2, padding=1), (1, 2, 7, 6))
case("avgpool2d.pad.exclude.ceil", "AvgPool2D",
     {"kernel": [3, 2], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True, "count_include_pad": False},
     nn.AvgPool2d((3, 2), stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 2, 6, 7))
case("avgpool1d", "AvgPool1D", {"kernel": 4, "stride": 3, "padding": 2, "count_include_pad": False},
     nn.AvgPool1d(4, stride=3, padding=2, count_include_pad=False), (2, 2, 10))

# Normalization layers, padding, resizing and adaptive pooling.
case("layernorm.last", "LayerNorm", {"shape": [6]}, nn.LayerNorm(6), (3, 4, 6))
case("layernorm.last2", "LayerNorm", {"shape": [3, 5], "epsilon": 1e-3}, nn.LayerNorm([3, 5], eps=1e-3), (2, 3, 5))
case("groupnorm", "GroupNorm", {"groups": 2, "channels": 6}, nn.GroupNorm(2, 6), (3, 6, 4, 5))
case("groupnorm.sequence", "GroupNorm", {"groups": 3, "channels": 3}, nn.GroupNorm(3, 3), (2, 3, 7))
case("instancenorm2d.affine", "InstanceNorm2D", {"channels": 3, "affine": True}, nn.InstanceNorm2d(3, affine=True),
     (2, 3, 5, 4))
case("zeropad2d", "ZeroPad2D", {"padding": [1, 2, 0, 3]}, nn.ZeroPad2d((1, 2, 0, 3)), (2, 2, 3, 4))
case("upsample.nearest.2", "Upsample", {"scale": [2], "mode": "nearest"}, nn.Upsample(scale_factor=2, mode="nearest"),
     (2, 2, 3, 4))
case("upsample.nearest.size", "Upsample", {"size": [5, 7], "mode": "nearest"}, nn.Upsample(size=(5, 7), mode="nearest"),
     (1, 2, 3, 4))
case("upsample.bilinear.2", "Upsample", {"scale": [2], "mode": "bilinear"},
     nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), (2, 2, 3, 4))
case("upsample.bilinear.size.aligned", "Upsample", {"size": [7, 5], "mode": "bilinear", "align_corners": True},
     nn.Upsample(size=(7, 5), mode="bilinear", align_corners=True), (1, 2, 3, 4))
case("adaptiveavgpool2d", "AdaptiveAvgPool2D", {"size": [3, 2]}, nn.AdaptiveAvgPool2d((3, 2)), (2, 3, 7, 5))
case("adaptiveavgpool1d", "AdaptiveAvgPool1D", {"size": 4}, nn.AdaptiveAvgPool1d(4), (2, 3, 10))


class Separable(nn.Module):
    """Keras's SeparableConv2D in PyTorch: a depthwise convolution, then a pointwise one."""

    def __init__(self, cin, cout, k, multiplier, padding):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin * multiplier, k, groups=cin, bias=False, padding=padding)
        self.pointwise = nn.Conv2d(cin * multiplier, cout, 1)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


case("separableconv2d", "SeparableConv2D", {"in": 3, "out": 4, "kernel": [3, 3], "depth_multiplier": 2, "padding": [1, 1]},
     Separable(3, 4, 3, 2, 1), (2, 3, 6, 5))


def batch_norm_case(name, layer_name, module, input_shape, steps=3, args=None):
    module = module.double()
    with torch.no_grad():
        for _, p in module.named_parameters():
            p.copy_(values(tuple(p.shape), 0.5, 1.5))
    params = {n: {"shape": list(p.shape), "values": flat(p)} for n, p in module.named_parameters()}
    module.train()
    inputs, outputs, upstreams, grads = [], [], [], []
    for _ in range(steps):
        x = values(input_shape, -2.0, 3.0).requires_grad_(True)
        module.zero_grad()
        y = module(x)
        u = values(tuple(y.shape), 0.5, 1.5)
        (y * u).sum().backward()
        inputs.append(flat(x)); outputs.append(flat(y)); upstreams.append(flat(u))
        step_grads = {"input": flat(x.grad)}
        step_grads.update({n: flat(p.grad) for n, p in module.named_parameters()})
        grads.append(step_grads)
    module.eval()
    x = values(input_shape, -2.0, 3.0)
    y = module(x)
    cases[name] = {
        "layer": layer_name, "args": args or {"channels": input_shape[1]}, "input_shape": list(input_shape),
        "params": params, "train_inputs": inputs, "train_outputs": outputs, "train_upstreams": upstreams,
        "train_grads": grads, "eval_input": flat(x), "eval_output": flat(y),
        "running_mean": flat(module.running_mean), "running_var": flat(module.running_var),
        "num_batches_tracked": int(module.num_batches_tracked),
    }


batch_norm_case("batchnorm2d", "BatchNorm2D", nn.BatchNorm2d(3), (4, 3, 5, 6))
batch_norm_case("batchnorm2d.momentum.cumulative", "BatchNorm2D", nn.BatchNorm2d(2, momentum=None, eps=1e-3),
                (3, 2, 4, 4), args={"channels": 2, "momentum": None, "epsilon": 1e-3})
batch_norm_case("batchnorm1d.features", "BatchNorm1D", nn.BatchNorm1d(5, momentum=0.3), (8, 5),
                args={"channels": 5, "momentum": 0.3})
batch_norm_case("batchnorm1d.sequence", "BatchNorm1D", nn.BatchNorm1d(3), (4, 3, 7))

# Added with AdaptiveMaxPool2D (after every earlier case, so their random values stay the same).
case("adaptivemaxpool2d.uneven", "AdaptiveMaxPool2D", {"size": [3, 2]}, nn.AdaptiveMaxPool2d((3, 2)), (2, 3, 7, 5))
case("adaptivemaxpool2d.tiling", "AdaptiveMaxPool2D", {"size": [4, 1]}, nn.AdaptiveMaxPool2d((4, 1)), (2, 2, 8, 6))

batch_norm_case("instancenorm2d.tracked", "InstanceNorm2D",
                nn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 5, 4),
                args={"channels": 3, "affine": True, "track_running_stats": True})

out = {
    "versions": {"python": platform.python_version(), "numpy": numpy.__version__, "torch": torch.__version__},
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layer_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
