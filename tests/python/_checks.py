"""Shared helpers of the Python suite: compile-and-run, and gradient checks by
central finite differences in float64 (first and second order)."""

import numpy as np

import nabla
import nabla.tensor as T

_BY_RANK = [T.scalar, T.vector, T.matrix, T.tensor3, T.tensor4]


def input_like(a, name=None):
    """An input Var with a's dtype and rank."""
    a = np.asarray(a)
    return _BY_RANK[a.ndim](name, dtype=a.dtype.name)


def run(build, *arrays):
    """build(*input_vars) compiled and called on arrays; returns the numpy result."""
    vs = [input_like(a, f"in{k}") for k, a in enumerate(arrays)]
    return nabla.function(vs, build(*vs))(*arrays)


def numeric_grad(f, arrays, k, eps=1e-6):
    """d f / d arrays[k] by central differences (f returns a float)."""
    x = arrays[k]
    g = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(*x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(*arrays)
        x[i] = old - eps
        down = f(*arrays)
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def check_grad(build, *arrays, wrt=None, order=1, rtol=1e-4, atol=1e-6, seed=0):
    """Checks T.grad of sum(build(*xs) * R) (R fixed random weights) against
    finite differences, for the float64 arrays whose indices are in wrt (all by
    default). order=2 checks the gradient of <grad, V> instead: grad of grad."""
    rng = np.random.default_rng(seed)
    arrays = [np.array(a, dtype=np.float64) if np.asarray(a).dtype.kind == "f" else np.array(a) for a in arrays]
    wrt = list(range(len(arrays))) if wrt is None else list(wrt)
    vs = [input_like(a, f"in{k}") for k, a in enumerate(arrays)]
    out = build(*vs)
    shape = np.shape(nabla.function(vs, out)(*arrays))
    cost = T.sum(out * T.constant(rng.standard_normal(shape)))
    if order == 2:
        g1 = T.grad(cost, [vs[k] for k in wrt])
        cost = sum(T.sum(g * T.constant(rng.standard_normal(arrays[k].shape))) for g, k in zip(g1, wrt))
    f_cost = nabla.function(vs, cost)
    grads = T.grad(cost, [vs[k] for k in wrt], disconnected_inputs="ignore")
    got = nabla.function(vs, grads)(*arrays)
    for g, k in zip(got, wrt):
        expected = numeric_grad(lambda *a: float(f_cost(*a)), arrays, k)
        np.testing.assert_allclose(g, expected, rtol=rtol, atol=atol, err_msg=f"gradient w.r.t. input {k}")
