#!/usr/bin/env python3
"""PyTorch's side of `ember bench resnet`: one training step of `ember train cifar10`'s network at
batch 256 — the 32-64-128 network of ../shared/bench/torch_cifar10.py (3×3 convolutions without
bias, BatchNorm2d, GELU, 2×2 max pooling, AdaptiveMaxPool2d, Linear) with each block's second
convolution as a residual branch (as Ember's `ResidualNetwork`; `--plain` drops the skips, giving
torch_cifar10.py's network exactly), a random flip and a ±2-pixel roll of the batch,
cross-entropy with label smoothing 0.2, backward, SGD (Nesterov momentum 0.9, weight decay 5e-4).

Method (as Ember's): 2 warm-up steps, then at least 8 timed steps and 10 s; the median is
reported. Prints {"results": {"resnet": {THREADS: {samples_per_s, step_ms_median, …}}}}; with
--compare FILE (the JSON `ember bench resnet` prints) it adds Ember's samples/s over PyTorch's.
With --infer it times `ember bench resnet_infer` instead: the forward pass in eval mode under
torch.no_grad() at batch 1000 (1 warm-up, at least 5 timed steps and 8 s), reported as "resnet_infer".

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/benchvenv/bin/python Benchmarks/torch_resnet.py --threads 2
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def convolution(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.GELU()]


class Residual(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.body(x)


def network(width=32, residual=True):
    layers = convolution(3, width)
    previous = width
    for channels in (2 * width, 4 * width, 4 * width):
        second = convolution(channels, channels)
        layers += [nn.Sequential(*convolution(previous, channels), *([Residual(second)] if residual else second)),
                   nn.MaxPool2d(2)]
        previous = channels
    return nn.Sequential(*layers, nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(previous, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--plain", action="store_true", help="no skips: torch_cifar10.py's network")
    parser.add_argument("--infer", action="store_true", help="time the eval-mode forward at batch 1000")
    parser.add_argument("--compare", help="the JSON of `ember bench resnet` (or resnet_infer with --infer)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = network(residual=not args.plain)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    batches = [(torch.randn(256, 3, 32, 32), torch.randint(0, 10, (256,))) for _ in range(2)]
    times, step = [], 0

    def train_step():
        nonlocal step
        x, y = batches[step % 2]
        step += 1
        x = x.clone()
        flip = torch.rand(256) < 0.5
        x[flip] = x[flip].flip(3)
        x = torch.roll(x, (1, -1), (2, 3))
        loss = F.cross_entropy(model(x), y, label_smoothing=0.2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    inputs = [torch.randn(1000, 3, 32, 32) for _ in range(2)]

    def infer_step():
        nonlocal step
        with torch.no_grad():
            model(inputs[step % 2])
        step += 1

    name, batch, run, warmup, minimum, seconds = (
        ("resnet_infer", 1000, infer_step, 1, 5, 8) if args.infer else ("resnet", 256, train_step, 2, 8, 10))
    if args.infer:
        model.eval()
    for _ in range(warmup):
        run()
    total = 0.0
    while len(times) < minimum or total < seconds:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        total += times[-1]
    median = statistics.median(times)
    metrics = {"samples_per_s": batch / median, "step_ms_median": median * 1e3, "step_ms_min": min(times) * 1e3,
               "step_ms_max": max(times) * 1e3, "samples": len(times), "torch": torch.__version__,
               "residual": not args.plain}
    if args.compare:
        with open(args.compare) as f:
            ember = json.load(f)["results"][name]
        ember_metrics = next(iter(ember.values()))
        metrics["ember_over_torch"] = ember_metrics["samples_per_s"] / metrics["samples_per_s"]
    print(json.dumps({"results": {name: {str(args.threads): metrics}}}, indent=2))


if __name__ == "__main__":
    main()
