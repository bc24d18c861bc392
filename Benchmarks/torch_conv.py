#!/usr/bin/env python3
"""PyTorch's side of `ember bench conv`: torch.nn.functional.conv2d forward, and forward plus
backward (input, weight and bias gradients), for the same cases (batch 32 of 32×32 images; 3×3
kernels padded by 1): 3x3_s1 (64→64), 3x3_s2 (64→128), 1x1_s1 (64→128), 1x1_s2 (64→128),
depthwise3x3_s1 (64 groups).

Method (as Ember's): 3 warm-up steps, then at least 10 timed steps and 1 s; the median is reported.
Prints {"results": {"conv": {THREADS: {case: {forward_ms, forward_backward_ms, …}}}}}; with
--compare FILE (the JSON `ember bench conv` prints) it prints the ratios PyTorch time / Ember time.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/benchvenv/bin/python Benchmarks/torch_conv.py --threads 2
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

CASES = [  # name, channels, outputs, kernel, stride, groups
    ("3x3_s1", 64, 64, 3, 1, 1),
    ("3x3_s2", 64, 128, 3, 2, 1),
    ("1x1_s1", 64, 128, 1, 1, 1),
    ("1x1_s2", 64, 128, 1, 2, 1),
    ("depthwise3x3_s1", 64, 64, 3, 1, 64),
]


def timed(fn, warmup=3, min_samples=10, min_seconds=1.0):
    for _ in range(warmup):
        fn()
    times, total = [], 0.0
    while len(times) < min_samples or total < min_seconds:
        t0 = time.perf_counter()
        fn()
        t = time.perf_counter() - t0
        times.append(t)
        total += t
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compare", help="Ember's JSON to compare against")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = {}
    for name, c, o, k, s, g in CASES:
        x = torch.randn(32, c, 32, 32, requires_grad=True)
        w = torch.randn(o, c // g, k, k, requires_grad=True)
        b = torch.randn(o, requires_grad=True)
        pad = k // 2
        with torch.no_grad():
            u = torch.randn_like(F.conv2d(x, w, b, stride=s, padding=pad, groups=g))

        def forward():
            with torch.no_grad():
                F.conv2d(x, w, b, stride=s, padding=pad, groups=g)

        def both():
            x.grad = w.grad = b.grad = None
            F.conv2d(x, w, b, stride=s, padding=pad, groups=g).backward(u)

        results[name] = {"forward_ms": timed(forward) * 1e3, "forward_backward_ms": timed(both) * 1e3}
    print(json.dumps({"results": {"conv": {str(args.threads): results}}, "torch": torch.__version__}, indent=2))
    if args.compare:
        with open(args.compare) as f:
            ember = json.load(f)["results"]["conv"]
        for threads, values in sorted(ember.items()):
            for name, ours in values.items():
                if name not in results:
                    continue
                ref = results[name]
                print(f"{name:16s} forward ember {ours['forward_ms']:.2f} ms torch {ref['forward_ms']:.2f} ms "
                      f"({ref['forward_ms'] / ours['forward_ms']:.2f}x); forward+backward ember "
                      f"{ours['forward_backward_ms']:.2f} ms torch {ref['forward_backward_ms']:.2f} ms "
                      f"({ref['forward_backward_ms'] / ours['forward_backward_ms']:.2f}x)")


if __name__ == "__main__":
    main()
