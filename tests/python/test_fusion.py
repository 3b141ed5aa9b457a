"""Elementwise fusion from Python: random chains compiled with every rewrite
(fused) agree with the same graph compiled FAST_COMPILE (no rewrites) and with
numpy; fn.stats() reports the fuse phase."""

import numpy as np
import pytest

import nabla
import nabla.tensor as T

# (nabla function, numpy twin) pairs; inputs stay bounded so exp cannot overflow.
UNARY = [
    (T.tanh, np.tanh),
    (T.nnet.sigmoid, lambda a: 1 / (1 + np.exp(-a))),
    (lambda a: T.exp(T.tanh(a)), lambda a: np.exp(np.tanh(a))),
    (T.neg, np.negative),
    (T.nnet.softplus, lambda a: np.logaddexp(0, a)),
]
BINARY = [
    (lambda a, b: a + b, np.add),
    (lambda a, b: a - b, np.subtract),
    (lambda a, b: a * b, np.multiply),
    (T.maximum, np.maximum),
    (lambda a, b: a / (abs(b) + 1), lambda a, b: a / (np.abs(b) + 1)),
]


def random_chain(rng, leaves, depth):
    """A random expression over `leaves` ([(Var, array)]) and its numpy value."""
    if depth == 0:
        return leaves[rng.integers(len(leaves))]
    if rng.random() < 0.4:
        f, g = UNARY[rng.integers(len(UNARY))]
        v, a = random_chain(rng, leaves, depth - 1)
        return f(v), g(a)
    f, g = BINARY[rng.integers(len(BINARY))]
    (v1, a1), (v2, a2) = random_chain(rng, leaves, depth - 1), random_chain(rng, leaves, depth - 1)
    return f(v1, v2), g(a1, a2)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rows,cols", [(10, 30), (300, 257)])
def test_random_chains_fused_unfused_numpy(seed, rows, cols):
    rng = np.random.default_rng(seed)
    x, b, s = T.matrix("x"), T.vector("b"), T.scalar("s")
    xv = rng.uniform(-2, 2, (rows, cols)).astype("float32")
    bv = rng.uniform(-2, 2, cols).astype("float32")
    sv = np.float32(rng.uniform(-2, 2))
    expr, expected = random_chain(rng, [(x, xv), (b, bv), (s, sv)], 5)
    expr, expected = expr + x, expected + xv
    # A random chain need not read every leaf.
    fused = nabla.function([x, b, s], expr, on_unused_input="ignore")
    unfused = nabla.function([x, b, s], expr, mode="FAST_COMPILE", on_unused_input="ignore")
    got, ref = fused(xv, bv, sv), unfused(xv, bv, sv)
    np.testing.assert_allclose(got, ref, rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    fuse = [p for p in fused.stats()["phases"] if p["phase"] == "fuse"][0]
    assert fuse["rewrites"].get("elementwise_fusion", 0) >= 1
    assert fused.stats()["steps"] <= unfused.stats()["steps"]


def test_stats_list_every_phase_in_pipeline_order():
    x = T.matrix("x")
    f = nabla.function([x], T.log(T.nnet.softmax(x)) * 2 + 1)
    phases = [p["phase"] for p in f.stats()["phases"]]
    assert phases == ["merge", "canonicalize", "stabilize", "specialize", "fuse", "linearize", "inplace",
                      "memory_plan"]
    stabilize = f.stats()["phases"][2]
    assert stabilize["rewrites"].get("log_softmax") == 1
    assert f.stats()["compile_seconds"] >= sum(p["seconds"] for p in f.stats()["phases"]) * 0.5
