#!/usr/bin/env python3
"""NumPy's side of Ember's micro-benchmarks (`ember bench add exp softmax`), same workloads and method.

  add      c = a + b over 16M float32 (np.add with out=), GB/s = 3·4·16M bytes / median time
  exp      b = exp(a) over 16M float32 (np.exp with out=), GB/s = 2·4·16M bytes / median time
  softmax  stable softmax over the last axis of [4096, 1024] float32, rows/s

Method: 3 warm-up calls, then at least 7 timed calls and 1 s; the median is reported.
Writes {"results": {name: {"1": {...}}}} (NumPy's elementwise ufuncs run on one thread).
With --compare FILE (the JSON `ember bench add exp softmax` prints) it prints the ratios Ember/NumPy.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Benchmarks/numpy_micro.py --compare /tmp/ember-micro.json
"""
import argparse
import json
import statistics
import time

import numpy as np

N = 16 * 1024 * 1024


def timed(fn, min_samples=7, min_seconds=1.0):
    for _ in range(3):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < min_samples or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compare", help="Ember's JSON to compare against")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    a = rng.standard_normal(N, dtype=np.float32)
    b = rng.standard_normal(N, dtype=np.float32)
    c = np.empty_like(a)
    x = rng.standard_normal((4096, 1024), dtype=np.float32)

    def softmax():
        m = x.max(axis=-1, keepdims=True)
        e = np.exp(x - m)
        return e / e.sum(axis=-1, keepdims=True)

    results = {
        "add": {"1": {"gb_per_s": 3 * 4 * N / timed(lambda: np.add(a, b, out=c)) / 1e9}},
        "exp": {"1": {"gb_per_s": 2 * 4 * N / timed(lambda: np.exp(a, out=c)) / 1e9}},
        "softmax": {"1": {"rows_per_s": 4096 / timed(softmax)}},
    }
    print(json.dumps({"results": results}, indent=2))
    if args.compare:
        with open(args.compare) as f:
            ember = json.load(f)["results"]
        for name, by_threads in results.items():
            ref = next(iter(by_threads.values()))
            metric = next(iter(ref))
            for threads, values in sorted(ember.get(name, {}).items()):
                print(f"{name:8s} ember {threads}T {values[metric]:10.1f} {metric} vs numpy "
                      f"{ref[metric]:10.1f}: ratio {values[metric] / ref[metric]:.2f}")


if __name__ == "__main__":
    main()
