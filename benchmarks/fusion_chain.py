"""Benchmark of elementwise fusion alone: one 20-op elementwise chain (unary and
binary ops, a bias row and a scalar broadcast in) on float32 matrices of 10x1000
and 1000x1000, compiled by nabla with every rewrite (fused: one loop) and with
FAST_COMPILE (unfused: one kernel call and one buffer per op), against numpy
evaluating the same expression. nabla is timed from C++ (no Python call
overhead); numpy from Python, as a user would run it. One thread each.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/fusion_chain.py [--repeats N]
"""

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "build", "python"))
import nabla  # noqa: E402
import nabla.tensor as T  # noqa: E402


def chain(x, b, s, lib):
    """20 elementwise ops; lib supplies tanh/exp/sigmoid/maximum for nabla or numpy."""
    z = x * s + b                     # 2
    a = lib.sigmoid(z)                # 3
    d = (a - x) * a * (1.0 - a)       # 7
    e = lib.tanh(d) + z * 0.5         # 10
    f = lib.maximum(e, 0.0) - b       # 12
    g = lib.exp(-lib.abs(f)) * s      # 16
    h = g / (1.0 + a)                 # 18
    return h * h + x                  # 20


class Numpy:
    tanh, exp, maximum, abs = np.tanh, np.exp, np.maximum, np.abs

    @staticmethod
    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))


class Nabla:
    tanh, exp, maximum, abs = T.tanh, T.exp, T.maximum, T.abs
    sigmoid = T.nnet.sigmoid


def seconds_per_call(run, repeats):
    run()  # warm-up: buffers, caches
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        run(repeats)
        best = min(best, (time.perf_counter() - t0) / repeats)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=0, help="calls per timing (default: by size)")
    args = p.parse_args()
    rng = np.random.default_rng(0)
    x, b, s = T.matrix("x"), T.vector("b"), T.scalar("s")
    expr = chain(x, b, s, Nabla)
    fused = nabla.function([x, b, s], expr, on_unused_input="ignore")  # a random chain need not read every leaf
    unfused = nabla.function([x, b, s], expr, mode="FAST_COMPILE", on_unused_input="ignore")
    print(f"fused program: {fused.stats()['steps']} step(s); unfused: {unfused.stats()['steps']} steps")
    print(f"{'shape':>10}  {'fused us':>9}  {'unfused us':>10}  {'numpy us':>9}  {'unfused/fused':>13}  {'numpy/fused':>11}")
    for rows, cols in [(10, 1000), (1000, 1000)]:
        xv = rng.uniform(-2, 2, (rows, cols)).astype(np.float32)
        bv = rng.uniform(-1, 1, cols).astype(np.float32)
        sv = np.float32(0.7)
        np.testing.assert_allclose(fused(xv, bv, sv), chain(xv, bv, sv, Numpy), rtol=1e-4, atol=1e-5)
        repeats = args.repeats or (2000 if rows == 10 else 20)

        def nabla_run(f):
            return lambda n=1: f._cpp_seconds(n, xv, bv, sv)

        def numpy_run(n=1):
            for _ in range(n):
                chain(xv, bv, sv, Numpy)

        tf = seconds_per_call(nabla_run(fused), repeats)
        tu = seconds_per_call(nabla_run(unfused), repeats)
        tn = seconds_per_call(numpy_run, repeats)
        print(f"{rows:>4}x{cols:<5}  {tf * 1e6:9.1f}  {tu * 1e6:10.1f}  {tn * 1e6:9.1f}  {tu / tf:12.2f}x  {tn / tf:10.2f}x")


if __name__ == "__main__":
    main()
