"""Values and gradients against PyTorch's autograd on the same inputs (skipped
when torch is not installed)."""

import numpy as np
import pytest

import nabla
import nabla.tensor as T
from _checks import input_like

torch = pytest.importorskip("torch")
F = torch.nn.functional

RNG = np.random.default_rng(7)


def compare(nabla_fn, torch_fn, *arrays, rtol=1e-10, atol=1e-12):
    """Output and gradients of sum(out * R) w.r.t. the float inputs, both ways."""
    vs = [input_like(a) for a in arrays]
    out = nabla_fn(*vs)
    value = nabla.function(vs, out)(*arrays)
    weights = RNG.standard_normal(np.shape(value))
    floats = [k for k, a in enumerate(arrays) if a.dtype.kind == "f"]
    cost = T.sum(out * T.constant(weights))
    grads = nabla.function(vs, T.grad(cost, [vs[k] for k in floats]))(*arrays)

    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    t_out = torch_fn(*ts)
    (t_out * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(value, t_out.detach().numpy(), rtol=rtol, atol=atol)
    for g, k in zip(grads, floats):
        np.testing.assert_allclose(g, ts[k].grad.numpy(), rtol=rtol, atol=atol, err_msg=f"gradient {k}")


def rand(*shape):
    return RNG.standard_normal(shape)


CASES = {
    "sigmoid": (T.nnet.sigmoid, torch.sigmoid, [(3, 4)]),
    "tanh": (T.tanh, torch.tanh, [(3, 4)]),
    "softplus": (T.nnet.softplus, F.softplus, [(3, 4)]),
    "relu": (T.nnet.relu, F.relu, [(3, 4)]),
    "softmax": (T.nnet.softmax, lambda x: F.softmax(x, dim=-1), [(3, 5)]),
    "log_softmax": (T.nnet.logsoftmax, lambda x: F.log_softmax(x, dim=-1), [(3, 5)]),
    "dot": (T.dot, torch.matmul, [(3, 4), (4, 2)]),
    "dot_transposed": (lambda a, b: T.dot(a.T, b), lambda a, b: a.T @ b, [(4, 3), (4, 2)]),
    "broadcast_mul_add": (lambda a, b: a * b + b, lambda a, b: a * b + b, [(3, 4), (4,)]),
    "mean_axis": (lambda a: T.mean(a, axis=0), lambda a: a.mean(0), [(3, 4)]),
    "max_axis": (lambda a: T.max(a, axis=1), lambda a: a.max(1).values, [(3, 4)]),
    "maximum": (T.maximum, torch.maximum, [(3, 4), (3, 4)]),
    "pow": (lambda a: abs(a) ** 1.5, lambda a: a.abs() ** 1.5, [(3, 4)]),
    "conv2d": (lambda x, f: T.nnet.conv2d(x, f, filter_flip=False), F.conv2d, [(2, 3, 6, 5), (4, 3, 3, 2)]),
    "conv2d_flipped": (T.nnet.conv2d, lambda x, f: F.conv2d(x, f.flip(2, 3)), [(2, 1, 5, 5), (2, 1, 3, 3)]),
    "max_pool": (lambda x: T.signal.pool.pool_2d(x, (2, 2), ignore_border=True), lambda x: F.max_pool2d(x, 2),
                 [(2, 3, 6, 4)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name):
    nabla_fn, torch_fn, shapes = CASES[name]
    compare(nabla_fn, torch_fn, *[rand(*s) for s in shapes])


def test_cross_entropy_against_torch():
    z = rand(5, 4)
    y = np.array([0, 3, 1, 1, 2], dtype="int64")
    compare(lambda a, b: -T.mean(T.log(T.nnet.softmax(a))[T.arange(b.shape[0]), b]),
            lambda a, b: F.cross_entropy(a, b), z, y)
