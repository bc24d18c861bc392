#!/usr/bin/env python3
"""Independent reference values for Ember's random kernels (Tests/EmberCPUTests/RandomKernelTests.swift).

Written against Python 3.11.7 (standard library only: struct, math, statistics). It reimplements
Philox 4x32-10 (Random123) and the conventions documented on `RandomDistribution`
(Sources/EmberBackend/RandomDistribution.swift) from their description, not from Ember's code,
and prints Swift literals:

  python3 Tests/Fixtures/philox_random.py

Float32 arithmetic is emulated by rounding every operation's double result to float32 (exact for
a product or sum of two float32 values); Box-Muller and the inverse CDF are computed in double
(`statistics.NormalDist` is Wichura's AS241), so float32 normals are compared with a tolerance.
"""
import math
import statistics
import struct

M = 0xFFFFFFFF


def philox_block(counter, key):
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & M, (p0 >> 32) ^ c3 ^ k1, p0 & M
        k0 = (k0 + 0x9E3779B9) & M
        k1 = (k1 + 0xBB67AE85) & M
    return [c0, c1, c2, c3]


def word(key, w, stream=0):
    b = w >> 2
    block = philox_block([b & M, b >> 32, stream & M, stream >> 32], [key & M, key >> 32])
    return block[w & 3]


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def u24(w):
    return (w >> 8) * 2.0**-24


def u53(lo, hi):
    return (((hi << 32) | lo) >> 11) * 2.0**-53


def uniform_f32(key, first, n, low, high):
    lo, width, hi = f32(low), f32(high - low), f32(high)
    return [min(f32(lo + f32(width * u24(word(key, first + e)))), hi) for e in range(n)]


def uniform_f64(key, first, n, low, high):
    return [min(low + (high - low) * u53(word(key, first + 2 * e), word(key, first + 2 * e + 1)), high)
            for e in range(n)]


def normal(key, first, n, mean, std, double):
    out = []
    for e in range(n):
        j = e // 2
        if double:
            u1 = 1 - u53(word(key, first + 4 * j), word(key, first + 4 * j + 1))
            u2 = u53(word(key, first + 4 * j + 2), word(key, first + 4 * j + 3))
        else:
            u1 = 1 - u24(word(key, first + 2 * j))
            u2 = u24(word(key, first + 2 * j + 1))
        r = math.sqrt(-2 * math.log(u1))
        z = r * (math.cos if e % 2 == 0 else math.sin)(2 * math.pi * u2)
        out.append(mean + std * z)
    return out


def truncated_normal(key, first, n, mean, std, low, high, double):
    unit = statistics.NormalDist()
    cdf = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    alpha, beta = (low - mean) / std, (high - mean) / std
    mirrored = alpha + beta > 0  # drawn in the mirrored lower tail, where p keeps its precision
    p_low = cdf(-beta) if mirrored else cdf(alpha)
    mass = (cdf(-alpha) if mirrored else cdf(beta)) - p_low
    out = []
    for e in range(n):
        if double:
            bits = (word(key, first + 2 * e + 1) << 32) | word(key, first + 2 * e)
            v = ((bits >> 11) + 0.5) * 2.0**-53
        else:
            v = ((word(key, first + e) >> 8) + 0.5) * 2.0**-24
        z = -unit.inv_cdf(p_low + mass * (1 - v)) if mirrored else unit.inv_cdf(p_low + mass * v)
        x = mean + std * z
        out.append(min(max(x, low), high))
    return out


def bernoulli(key, first, n, p):
    threshold = math.floor(p * 4294967296)
    return [1 if word(key, first + e) < threshold else 0 for e in range(n)]


def integers(key, first, n, low, width):
    out = []
    for e in range(n):
        x = (word(key, first + 2 * e + 1) << 32) | word(key, first + 2 * e)
        out.append(low + ((x * width) >> 64))
    return out


def permutation(key, first, n):
    values = list(range(n))
    for i in range(n - 1):
        x = (word(key, first + 2 * i + 1) << 32) | word(key, first + 2 * i)
        j = i + ((x * (n - i)) >> 64)
        values[i], values[j] = values[j], values[i]
    return values


def show(name, values):
    print(f"  // {name}")
    print("  [" + ", ".join(repr(v) for v in values) + "],")


if __name__ == "__main__":
    show("words key 42, 0..<6", [word(42, w) for w in range(6)])
    show("uniform float32 [-2, 3], key 42, word 8, 8 elements", uniform_f32(42, 8, 8, -2.0, 3.0))
    show("uniform float64 [0, 1], key 7, word 0, 4 elements", uniform_f64(7, 0, 4, 0.0, 1.0))
    show("normal float32 mean 1 std 2, key 42, word 4, 9 elements", normal(42, 4, 9, 1.0, 2.0, False))
    show("normal float64 mean 0 std 1, key 3, word 0, 5 elements", normal(3, 0, 5, 0.0, 1.0, True))
    show("truncated normal float32 N(0, 1) in [-2, 2], key 11, word 0, 6 elements",
         truncated_normal(11, 0, 6, 0.0, 1.0, -2.0, 2.0, False))
    show("truncated normal float64 N(1, 0.5) in [0.2, 3], key 11, word 12, 6 elements",
         truncated_normal(11, 12, 6, 1.0, 0.5, 0.2, 3.0, True))
    show("truncated normal float64 N(0, 1) in [8, 9], key 11, word 0, 3 elements",
         truncated_normal(11, 0, 3, 0.0, 1.0, 8.0, 9.0, True))
    show("bernoulli p 0.3, key 5, word 0, 16 elements", bernoulli(5, 0, 16, 0.3))
    show("integers -3 ..< 4, key 9, word 0, 8 elements", integers(9, 0, 8, -3, 7))
    show("permutation of 10, key 1, word 0", permutation(1, 0, 10))
