#!/usr/bin/env python3
"""PyTorch's side of `ember bench gelu`: torch.nn.functional.gelu forward + backward over [4096, 4096] float32.

Method (as Ember's): 3 warm-up steps, then at least 15 timed steps and 2 s; the median is reported,
with the mean process CPU time per step (less disturbed by other processes' load; with more than
one thread it also counts OpenMP's spin-waiting).
A step is `y = gelu(x); y.backward(g)` with `x.grad` cleared first (Ember's backward returns a fresh
gradient each time). Prints {"results": {"gelu": {THREADS: {elements_per_s, op_ms_median, ...}}}}.
With --compare FILE (the JSON `ember bench gelu` prints) it prints the ratios Ember/PyTorch.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/benchvenv/bin/python Benchmarks/torch_gelu.py --threads 2
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

SHAPE = (4096, 4096)


def timed(fn, warmup=3, min_samples=15, min_seconds=2.0):
    for _ in range(warmup):
        fn()
    times, total = [], 0.0
    while len(times) < min_samples or total < min_seconds:
        t0 = time.perf_counter()
        fn()
        t = time.perf_counter() - t0
        times.append(t)
        total += t
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--approximate", default="none", choices=["none", "tanh"])
    parser.add_argument("--compare", help="Ember's JSON to compare against")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(SHAPE, dtype=torch.float32, requires_grad=True)
    g = torch.randn(SHAPE, dtype=torch.float32)

    def step():
        x.grad = None
        y = F.gelu(x, approximate=args.approximate)
        y.backward(g)

    cpu_start = time.process_time()
    times = timed(step)
    cpu_ms = (time.process_time() - cpu_start) / (len(times) + 3) * 1e3
    median = statistics.median(times)
    count = SHAPE[0] * SHAPE[1]
    metrics = {
        "elements_per_s": count / median,
        "op_ms_median": median * 1e3,
        "op_ms_min": min(times) * 1e3,
        "op_ms_max": max(times) * 1e3,
        "samples": len(times),
        "cpu_ms_per_step": cpu_ms,
        "torch_version": torch.__version__,
    }
    print(json.dumps({"results": {"gelu": {str(args.threads): metrics}}}, indent=2))
    if args.compare:
        with open(args.compare) as f:
            ember = json.load(f)["results"]["gelu"]
        for threads, values in sorted(ember.items()):
            print(f"gelu ember {threads}T fused {values['op_ms_median']:.2f} ms, composed "
                  f"{values['composed_op_ms_median']:.2f} ms; torch {args.threads}T {median * 1e3:.2f} ms: "
                  f"fused/composed {values['speedup_vs_composed']:.2f}x, "
                  f"fused/torch {values['elements_per_s'] / metrics['elements_per_s']:.2f}x; CPU ms per step "
                  f"fused {values['cpu_ms_per_step']:.1f}, torch {cpu_ms:.1f}")


if __name__ == "__main__":
    main()
