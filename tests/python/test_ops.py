"""Values and gradients of every op exposed to Python, against numpy (and
finite differences in float64, first and second order), with hypothesis
property tests for broadcasting and reductions. Comparisons with PyTorch are
in test_torch.py."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nabla
import nabla.tensor as T
from _checks import check_grad, run

RNG = np.random.default_rng(42)


def rand(*shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, shape)


# ---- elementwise unary ------------------------------------------------------------------
# (T function, numpy reference, input range, has a gradient)
UNARY = {
    "neg": (T.neg, np.negative, (-2, 2), True),
    "exp": (T.exp, np.exp, (-2, 2), True),
    "log": (T.log, np.log, (0.2, 3), True),
    "log1p": (T.log1p, np.log1p, (-0.5, 2), True),
    "sqrt": (T.sqrt, np.sqrt, (0.2, 3), True),
    "sqr": (T.sqr, np.square, (-2, 2), True),
    "abs_": (T.abs_, np.abs, (0.1, 2), True),
    "sgn": (T.sgn, np.sign, (-2, 2), False),
    "tanh": (T.tanh, np.tanh, (-3, 3), True),
    "sigmoid": (T.nnet.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (-4, 4), True),
    "softplus": (T.nnet.softplus, lambda x: np.log1p(np.exp(x)), (-4, 4), True),
    "erf": (T.erf, np.vectorize(math.erf), (-2, 2), True),
    "relu": (T.nnet.relu, lambda x: np.maximum(x, 0), (0.1, 2), True),
    "inv": (T.inv, np.reciprocal, (0.5, 2), True),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_values(name, dtype):
    fn, ref, (lo, hi), _ = UNARY[name]
    x = rand(3, 4, low=lo, high=hi).astype(dtype)
    got = run(fn, x)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, ref(x), rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n in UNARY if UNARY[n][3]))
def test_unary_gradients(name):
    fn, _, (lo, hi), _ = UNARY[name]
    check_grad(fn, rand(2, 3, low=lo, high=hi))
    check_grad(fn, rand(2, 3, low=lo, high=hi), order=2)


def test_abs_sign_and_relu_on_both_sides_of_zero():
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    check_grad(T.abs_, x)
    check_grad(T.nnet.relu, x)
    check_grad(lambda v: T.nnet.relu(v, alpha=0.1), x)
    np.testing.assert_array_equal(run(T.sgn, np.array([-3.0, 0.0, 2.0])), [-1, 0, 1])


def test_stable_activations_at_extremes():
    x = np.array([-800.0, -30.0, 0.0, 30.0, 800.0], dtype="float32")
    assert np.all(np.isfinite(run(T.nnet.sigmoid, x)))
    np.testing.assert_allclose(run(T.nnet.softplus, x), [0, 9.357623e-14, np.log(2), 30, 800], rtol=1e-6, atol=1e-12)


# ---- elementwise binary, broadcasting ------------------------------------------------------
BINARY = {
    "add": (T.add, np.add, (-2, 2)),
    "sub": (T.sub, np.subtract, (-2, 2)),
    "mul": (T.mul, np.multiply, (-2, 2)),
    "true_div": (T.true_div, np.true_divide, (0.5, 2)),
    "pow": (T.pow, np.power, (0.5, 2)),
    "maximum": (T.maximum, np.maximum, (-2, 2)),
    "minimum": (T.minimum, np.minimum, (-2, 2)),
}
COMPARISONS = {"eq": np.equal, "neq": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
               "ge": np.greater_equal}
SHAPE_PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 3)), ((2, 3), ()), ((), (3,))]


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", SHAPE_PAIRS)
def test_binary_values_and_gradients(name, shapes):
    fn, ref, (lo, hi) = BINARY[name]
    a, b = rand(*shapes[0], low=lo, high=hi), rand(*shapes[1], low=lo, high=hi)
    np.testing.assert_allclose(run(fn, a, b), ref(a, b), rtol=1e-12)
    check_grad(fn, a, b)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_second_order(name):
    fn, _, (lo, hi) = BINARY[name]
    check_grad(fn, rand(2, 3, low=lo, high=hi), rand(3, low=lo, high=hi), order=2)


@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_comparisons(name):
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b = np.array([2.0, 2.0, 2.0])
    got = run(getattr(T, name), a, b)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, COMPARISONS[name](a, b))


@settings(max_examples=25, deadline=None, database=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4),
       data=st.data())
def test_broadcasting_property(shapes, data):
    elements = st.floats(-100, 100, width=32)
    a = data.draw(hnp.arrays(np.float32, shapes.input_shapes[0], elements=elements))
    b = data.draw(hnp.arrays(np.float32, shapes.input_shapes[1], elements=elements))
    got = run(lambda x, y: [x + y, x * y, T.maximum(x, y), x - y], a, b)
    for g, expected in zip(got, [a + b, a * b, np.maximum(a, b), a - b]):
        assert g.shape == shapes.result_shape
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-5)


def test_switch_values_and_gradients():
    c = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    a, b = rand(2, 3), rand(3)
    np.testing.assert_allclose(run(T.switch, c, a, b), np.where(c != 0, a, b))
    check_grad(T.switch, c, a, b, wrt=[1, 2])


def test_clip():
    x = np.array([-2.0, -0.5, 0.3, 1.7])
    np.testing.assert_allclose(run(lambda v: T.clip(v, -1, 1), x), np.clip(x, -1, 1))
    check_grad(lambda v: T.clip(v, -1, 1), x)


def test_cast_between_all_dtypes():
    x = np.array([-1.5, 0.0, 2.7])
    for dtype in ["bool", "int32", "int64", "float32", "float64"]:
        got = run(lambda v, d=dtype: T.cast(v, d), x)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, x.astype(dtype))
    v = T.vector("v", dtype="float64")
    g = nabla.function([v], T.grad(T.sum(T.cast(v, "float32") * 3), v))(x)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [3, 3, 3])  # the gradient flows back through the cast


def test_numbers_take_the_dtype_of_the_var_beside_them():
    x = T.matrix("x")  # float32
    assert (x * 0.5).dtype == "float32"
    assert (2 - x).dtype == "float32"
    assert T.maximum(0.0, x).dtype == "float32"
    assert (T.iscalar() + 1).dtype == "int32"
    assert (T.iscalar() / 2).dtype == "float32"
    assert (x + np.ones(3)).dtype == "float64"  # arrays keep their dtype


# ---- reductions ---------------------------------------------------------------------------
AXES = [None, 0, 1, -1, (0, 1)]


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, axis, keepdims):
    x = rand(3, 4)
    got = run(lambda v: getattr(T, name)(v, axis=axis, keepdims=keepdims), x)
    np.testing.assert_allclose(got, getattr(np, name)(x, axis=axis, keepdims=keepdims), rtol=1e-12)
    check_grad(lambda v: getattr(T, name)(v, axis=axis, keepdims=keepdims), x)


@settings(max_examples=20, deadline=None, database=None)
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                    elements=st.floats(-10, 10)), data=st.data())
def test_reductions_property(x, data):
    axis = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    got = run(lambda v: [T.sum(v, axis), T.mean(v, axis), T.max(v, axis), v.min(axis=axis)], x)
    for g, expected in zip(got, [x.sum(axis), x.mean(axis), x.max(axis), x.min(axis)]):
        np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-10)


# Regression: one step reading a value twice (mul(d, d)) must not free its buffer twice.
def test_value_used_twice_by_one_step_keeps_its_buffer():
    x = np.arange(12.0).reshape(3, 4)
    v = T.matrix("v", dtype="float64")
    d = v - T.mean(v, axis=0, keepdims=True)
    got = nabla.function([v], T.mean(d * d, axis=0))(x)
    np.testing.assert_allclose(got, x.var(axis=0))


def test_var_std_and_reductions_of_ints_and_bools():
    x = rand(3, 4)
    np.testing.assert_allclose(run(lambda v: T.var(v, axis=0), x), x.var(axis=0))
    np.testing.assert_allclose(run(lambda v: v.std(), x), x.std())
    check_grad(lambda v: T.std(v, axis=1), x)
    labels = np.array([1, 2, 2, 0], dtype="int32")
    assert run(lambda v: T.sum(v), labels) == 5
    assert run(lambda v: T.mean(T.eq(v, 2)), labels) == pytest.approx(0.5)


def test_argmax_argmin():
    x = rand(3, 5)
    np.testing.assert_array_equal(run(lambda v: T.argmax(v, axis=1), x), x.argmax(axis=1))
    np.testing.assert_array_equal(run(lambda v: T.argmax(v, axis=0), x), x.argmax(axis=0))
    assert run(lambda v: T.argmax(v), x) == x.argmax()
    np.testing.assert_array_equal(run(lambda v: v.argmin(axis=1), x), x.argmin(axis=1))
    assert run(lambda v: T.argmax(v, axis=1), x).dtype == np.int64


# ---- linear algebra ------------------------------------------------------------------------------
@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4))])
def test_dot(shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1])
    np.testing.assert_allclose(run(T.dot, a, b), np.dot(a, b), rtol=1e-12)
    check_grad(T.dot, a, b)
    check_grad(T.dot, a, b, order=2)


def test_dot_of_transposes_and_float32():
    a, b = rand(4, 3).astype("float32"), rand(4, 5).astype("float32")
    np.testing.assert_allclose(run(lambda x, y: T.dot(x.T, y), a, b), a.T @ b, rtol=1e-5)
    check_grad(lambda x, y: T.dot(x.T, y), rand(4, 3), rand(4, 5))


# ---- shape ----------------------------------------------------------------------------------------
def test_reshape_flatten_dimshuffle_transpose():
    x = rand(2, 3, 4)
    cases = [
        (lambda v: v.reshape((6, 4)), x.reshape(6, 4)),
        (lambda v: v.reshape(4, -1), x.reshape(4, -1)),
        (lambda v: T.reshape(v, (v.shape[0], -1)), x.reshape(2, -1)),
        (lambda v: v.flatten(), x.flatten()),
        (lambda v: T.flatten(v, 2), x.reshape(2, 12)),
        (lambda v: v.dimshuffle(2, "x", 0, 1), x.transpose(2, 0, 1)[:, None]),
        (lambda v: v.T, x.T),
        (lambda v: v.transpose(1, 0, 2), x.transpose(1, 0, 2)),
    ]
    for build, expected in cases:
        np.testing.assert_array_equal(run(build, x), expected)
        check_grad(build, x)


def test_dimshuffle_broadcast_bias_as_in_network3():
    b = rand(3)
    conv_out = rand(2, 3, 2, 2)
    np.testing.assert_allclose(run(lambda c, v: c + v.dimshuffle("x", 0, "x", "x"), conv_out, b),
                               conv_out + b[None, :, None, None])
    check_grad(lambda c, v: c + v.dimshuffle("x", 0, "x", "x"), conv_out, b)


def test_concatenate_and_stack():
    a, b = rand(2, 3), rand(1, 3)
    np.testing.assert_array_equal(run(lambda x, y: T.concatenate([x, y]), a, b), np.concatenate([a, b]))
    np.testing.assert_array_equal(run(lambda x, y: T.concatenate([x.T, y.T], axis=1), a, b),
                                  np.concatenate([a.T, b.T], axis=1))
    check_grad(lambda x, y: T.concatenate([x, y]), a, b)
    c = rand(2, 3)
    np.testing.assert_array_equal(run(lambda x, y: T.stack([x, y], axis=1), a, c), np.stack([a, c], axis=1))


def test_symbolic_shape():
    x = rand(2, 5)
    assert len(T.matrix().shape) == 2
    np.testing.assert_array_equal(run(lambda v: v.shape, x), [2, 5])
    assert run(lambda v: v.shape[1] * 2, x) == 10
    np.testing.assert_array_equal(run(lambda v: T.zeros(v.shape), x), np.zeros((2, 5)))


# ---- indexing ----------------------------------------------------------------------------------------
def test_basic_indexing():
    x = rand(5, 4)
    for key in [1, -1, slice(1, 3), slice(None, None, 2), slice(-3, None), (slice(1, 4), 2), (2, slice(None, -1)),
                (Ellipsis, 1), (None, slice(1, 3)), slice(10, 20)]:
        np.testing.assert_array_equal(run(lambda v, k=key: v[k], x), x[key], err_msg=str(key))
    check_grad(lambda v: v[1:4, ::2], x)
    check_grad(lambda v: v[-1], x, order=2)


def test_symbolic_slice_bounds():
    x = rand(30, 3)
    i = T.lscalar("i")
    v = T.matrix("x", dtype="float64")
    f = nabla.function([v, i], v[i * 10:(i + 1) * 10])
    for k in range(3):
        np.testing.assert_array_equal(f(x, k), x[k * 10:(k + 1) * 10])
    g = nabla.function([v, i], T.grad(T.sum(v[i:i + 2] ** 2), v))
    expected = np.zeros_like(x)
    expected[4:6] = 2 * x[4:6]
    np.testing.assert_allclose(g(x, 4), expected)


def test_advanced_indexing_arange_labels():
    p = rand(4, 3, low=0.1, high=1)
    y = np.array([2, 0, 1, 2], dtype="int32")
    got = run(lambda v, lab: v[T.arange(lab.shape[0]), lab], p, y)
    np.testing.assert_array_equal(got, p[np.arange(4), y])
    check_grad(lambda v, lab: T.log(v)[T.arange(lab.shape[0]), lab], p, y, wrt=[0])
    with pytest.raises(IndexError):  # three integer vectors: not a supported form
        T.tensor3()[T.ivector(), T.ivector(), T.ivector()]


def test_rows_by_an_integer_vector():
    p = rand(5, 3)
    idx = np.array([4, 0, 4, -1], dtype="int64")
    got = run(lambda v, i: v[i], p, idx)
    np.testing.assert_array_equal(got, p[idx])
    check_grad(lambda v, i: T.tanh(v[i]), p, idx, wrt=[0])
    got = run(lambda v, i: T.inc_subtensor(v[i], 1.0), p, idx)
    want = p.copy()
    np.add.at(want, idx, 1.0)
    np.testing.assert_allclose(got, want)


def test_inc_and_set_subtensor():
    x, y = rand(4, 3), rand(2, 3)
    expected = x.copy()
    expected[1:3] += y
    np.testing.assert_allclose(run(lambda a, b: T.inc_subtensor(a[1:3], b), x, y), expected)
    expected = x.copy()
    expected[1:3] = y
    np.testing.assert_allclose(run(lambda a, b: T.set_subtensor(a[1:3], b), x, y), expected)
    check_grad(lambda a, b: T.set_subtensor(a[1:3], b), x, y)
    rows, cols = np.array([0, 2, 2]), np.array([1, 0, 0])
    expected = x.copy()
    np.add.at(expected, (rows, cols), 1.0)
    np.testing.assert_allclose(
        run(lambda a, r, c: T.inc_subtensor(a[r, c], T.ones_like(T.cast(r, "float64"))), x, rows, cols), expected)
    with pytest.raises(TypeError):
        T.inc_subtensor(T.matrix(), 1)


# ---- neural-net ops --------------------------------------------------------------------------------
def softmax_np(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_softmax_and_log_softmax():
    z = rand(3, 5, low=-3, high=3)
    np.testing.assert_allclose(run(T.nnet.softmax, z), softmax_np(z), rtol=1e-12)
    np.testing.assert_allclose(run(T.nnet.logsoftmax, z), np.log(softmax_np(z)), rtol=1e-12)
    check_grad(T.nnet.softmax, z)
    check_grad(T.nnet.logsoftmax, z, order=2)
    assert np.all(np.isfinite(run(T.nnet.logsoftmax, np.array([[1000.0, -1000.0]]))))


def test_cross_entropies():
    z = rand(4, 3, low=-2, high=2)
    y = np.array([0, 2, 1, 1], dtype="int32")
    expected = -np.log(softmax_np(z))[np.arange(4), y]
    np.testing.assert_allclose(run(lambda a, b: T.nnet.categorical_crossentropy(T.nnet.softmax(a), b), z, y),
                               expected, rtol=1e-10)
    np.testing.assert_allclose(run(T.nnet.softmax_cross_entropy, z, y), expected, rtol=1e-10)
    check_grad(T.nnet.softmax_cross_entropy, z, y, wrt=[0])
    check_grad(lambda a, b: T.nnet.categorical_crossentropy(T.nnet.softmax(a), b), z, y, wrt=[0], order=2)
    onehot = np.eye(3)[y]
    np.testing.assert_allclose(run(lambda a, t: T.nnet.categorical_crossentropy(T.nnet.softmax(a), t), z, onehot),
                               expected, rtol=1e-10)
    o, t = rand(5, low=0.1, high=0.9), (rand(5) > 0).astype(float)
    np.testing.assert_allclose(run(T.nnet.binary_crossentropy, o, t), -(t * np.log(o) + (1 - t) * np.log(1 - o)))
    check_grad(T.nnet.binary_crossentropy, o, t, wrt=[0])


def conv2d_np(x, f, flip=True):
    n, c, h, w = x.shape
    k, _, kh, kw = f.shape
    if flip:
        f = f[:, :, ::-1, ::-1]
    out = np.zeros((n, k, h - kh + 1, w - kw + 1))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[:, :, i, j] = np.tensordot(x[:, :, i:i + kh, j:j + kw], f, axes=([1, 2, 3], [1, 2, 3]))
    return out


@pytest.mark.parametrize("flip", [True, False])
def test_conv2d(flip):
    x, f = rand(2, 2, 5, 4), rand(3, 2, 2, 3)
    conv = lambda a, b: T.nnet.conv2d(a, b, filter_flip=flip)  # noqa: E731
    np.testing.assert_allclose(run(conv, x, f), conv2d_np(x, f, flip), rtol=1e-10)
    check_grad(conv, x, f)
    check_grad(conv, x, f, order=2)


def test_conv2d_book_spelling_checks_shapes():
    from nabla.theano.tensor.nnet import conv
    x, w = T.tensor4("x"), nabla.shared(np.zeros((4, 1, 5, 5), dtype="float32"))
    out = conv.conv2d(input=x, filters=w, filter_shape=(4, 1, 5, 5), image_shape=(10, 1, 28, 28))
    assert out.ndim == 4
    with pytest.raises(ValueError):
        conv.conv2d(input=x, filters=w, filter_shape=(4, 1, 3, 3), image_shape=(10, 1, 28, 28))
    with pytest.raises(ValueError):
        conv.conv2d(x, w, border_mode="full")


def pool_np(x, ws, ignore_border):
    h, w = x.shape[-2:]
    oh, ow = (h // ws[0], w // ws[1]) if ignore_border else (-(-h // ws[0]), -(-w // ws[1]))
    out = np.full(x.shape[:-2] + (oh, ow), -np.inf)
    for i in range(oh):
        for j in range(ow):
            window = x[..., i * ws[0]:(i + 1) * ws[0], j * ws[1]:(j + 1) * ws[1]]
            out[..., i, j] = window.max(axis=(-2, -1))
    return out


@pytest.mark.parametrize("mode", ["average_exc_pad", "average_inc_pad"])
def test_pool_2d_average(mode):
    x = rand(2, 3, 6, 5)
    # A static image shape, as network3's reshape gives it (average pooling needs one).
    pool = lambda a: T.signal.pool.pool_2d(a.reshape((2, 3, 6, 5)), ws=(2, 2), ignore_border=True,  # noqa: E731
                                           mode=mode)
    expected = x[:, :, :6, :4].reshape(2, 3, 3, 2, 2, 2).mean(axis=(3, 5))
    np.testing.assert_allclose(run(pool, x), expected, rtol=1e-12)
    check_grad(pool, x)
    with pytest.raises(ValueError, match="unknown mode"):
        T.signal.pool.pool_2d(T.tensor4("t"), ws=(2, 2), ignore_border=True, mode="median")


@pytest.mark.parametrize("ignore_border", [True, False])
def test_pool_2d(ignore_border):
    x = RNG.permutation(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) / 10.0  # distinct: no ties at window maxima
    pool = lambda a: T.signal.pool.pool_2d(a, ws=(2, 2), ignore_border=ignore_border)  # noqa: E731
    np.testing.assert_allclose(run(pool, x), pool_np(x, (2, 2), ignore_border))
    check_grad(pool, x)
    check_grad(pool, x, order=2)
    from nabla.theano.tensor.signal import downsample
    np.testing.assert_allclose(run(lambda a: downsample.max_pool_2d(a, ds=(2, 2), ignore_border=ignore_border), x),
                               pool_np(x, (2, 2), ignore_border))


def test_conv_pool_fusion_fires():
    # A conv-pool layer's backward runs as the fused conv gradients of max_pool_grad;
    # its gradients still match finite differences (ties excluded: distinct values).
    x = RNG.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 50.0
    f = rand(3, 2, 2, 3)
    layer = lambda a, b: T.signal.pool.pool_2d(T.nnet.conv2d(a, b), ws=(2, 2), ignore_border=True)  # noqa: E731
    check_grad(layer, x, f)
    xv, fv = T.tensor4("x"), T.tensor4("f")
    cost = T.sum(layer(xv, fv) ** 2)
    g = nabla.function([xv, fv], T.grad(cost, [xv, fv]))
    applied = {name for name, _ in g.rewrites_applied()}
    assert {"conv_grad_of_pool_grad", "conv_pool"} <= applied


# ---- constructors ----------------------------------------------------------------------------------
def test_constructors():
    x = rand(2, 3)
    np.testing.assert_array_equal(run(lambda v: T.zeros_like(v), x), np.zeros_like(x))
    np.testing.assert_array_equal(run(lambda v: T.ones_like(v, dtype="int32"), x), np.ones((2, 3), dtype="int32"))
    np.testing.assert_array_equal(run(lambda v: T.fill(v, 7), x), np.full((2, 3), 7.0))
    np.testing.assert_array_equal(run(lambda v: T.alloc(v[0, 0], 2, v.shape[1]), x), np.full((2, 3), x[0, 0]))
    np.testing.assert_array_equal(nabla.function([], T.ones((2, 2)))(), np.ones((2, 2), dtype="float32"))
    n = T.lscalar("n")
    f = nabla.function([n], [T.arange(n), T.arange(1, n, 2), T.arange(n, 0, -1)])
    for got, expected in zip(f(6), [np.arange(6), np.arange(1, 6, 2), np.arange(6, 0, -1)]):
        np.testing.assert_array_equal(got, expected)
    check_grad(lambda v: T.alloc(v[0, 0], 2, 2) * v[:, :2], x)


# ---- random streams ---------------------------------------------------------------------------------
def test_random_streams():
    from nabla.theano.tensor import shared_randomstreams
    srng = shared_randomstreams.RandomStreams(np.random.RandomState(0).randint(999999))
    x = T.matrix("x")
    u = srng.uniform(size=(200, 50), low=-1, high=3)
    nrm = srng.normal(size=x.shape, avg=1.0, std=2.0)
    mask = srng.binomial(n=1, p=0.3, size=x.shape)
    f = nabla.function([x], [u, nrm, mask])
    data = np.zeros((100, 100), dtype="float32")
    a, b, m = f(data)
    assert a.shape == (200, 50) and a.dtype == np.float32 and a.min() >= -1 and a.max() < 3
    assert abs(a.mean() - 1.0) < 0.05
    assert b.shape == (100, 100) and abs(b.mean() - 1.0) < 0.1 and abs(b.std() - 2.0) < 0.1
    assert m.dtype == np.int64 and set(np.unique(m)) <= {0, 1} and abs(m.mean() - 0.3) < 0.03
    a2, _, m2 = f(data)
    assert not np.array_equal(a, a2) and not np.array_equal(m, m2)  # the state advances per call
    srng.seed(7)
    first = f(data)[0]
    srng.seed(7)
    np.testing.assert_array_equal(f(data)[0], first)  # same seed, same draws


def test_dropout_mask_as_in_network3():
    srng = T.shared_randomstreams.RandomStreams(1)
    layer = T.matrix("layer")
    dropped = layer * T.cast(srng.binomial(n=1, p=0.5, size=layer.shape), nabla.config.floatX)
    out = nabla.function([layer], dropped)(np.ones((50, 40), dtype="float32"))
    assert out.dtype == np.float32 and set(np.unique(out)) == {0.0, 1.0}


def test_zero_grad_and_disconnected_grad_stop_the_gradient_under_theano_names():
    import nabla.theano as theano
    x = T.vector("x")
    g = theano.grad((theano.gradient.zero_grad(x) * x).sum(), x)
    h = nabla.grad((nabla.gradient.disconnected_grad(x) * x + x).sum(), x)
    f = nabla.function([x], [g, h, theano.gradient.consider_constant(x) * 2])
    a = np.array([1.0, -2.0, 3.0], dtype=nabla.config.floatX)
    got_g, got_h, doubled = f(a)
    assert np.array_equal(got_g, a) and np.array_equal(got_h, a + 1) and np.array_equal(doubled, 2 * a)
    assert "zero_grad" not in f.program_text()
    # consider_constant=[h]: nothing flows through h into x, but h itself still gets its gradient.
    h2 = T.exp(x)
    cost = (h2 * x).sum()
    gx, gh = T.grad(cost=cost, wrt=[x, h2], consider_constant=[h2])
    got_x, got_h = nabla.function([x], [gx, gh])(a)
    assert np.allclose(got_x, np.exp(a)) and np.allclose(got_h, a)
    full_x = nabla.function([x], T.grad(cost, x))(a)
    assert np.allclose(full_x, np.exp(a) * (1 + a))


def test_collectives_are_identities_in_one_process_with_adjoint_gradients():
    from nabla import distributed as dist
    x = T.dvector("x")
    a = np.array([1.0, -2.0, 3.0])
    outs = [dist.allreduce(x, "sum"), dist.allreduce(x, "mean"), dist.broadcast(x, 0), dist.reduce_to_root(x, 0)]
    for got in nabla.function([x], outs)(a):
        assert np.array_equal(got, a)
    g = nabla.function([x], T.grad((dist.allreduce(x, "mean") * x).sum(), x))(a)
    assert np.allclose(g, 2 * a)
    assert dist.rank() == 0 and dist.size() == 1 and dist.shard(10) == (0, 10)
    with pytest.raises(nabla.NablaValueError, match='"sum" or "mean"'):
        dist.allreduce(x, "max")
    with pytest.raises(nabla.NablaValueError, match="root must be >= 0"):
        dist.broadcast(x, -1)
    with pytest.raises(nabla.NablaTypeError, match="float32/64"):
        dist.allreduce(T.ivector("i"), "mean")
    with pytest.raises(nabla.NablaValueError, match="shared variables"):
        dist.broadcast_value(x)


# ---- every op of the C++ registry is covered here ------------------------------------------------------
COVERED = {
    "add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "neq", "lt", "le", "gt", "ge", "where", "neg",
    "exp", "log", "log1p", "sqrt", "abs", "sign", "tanh", "sigmoid", "softplus", "erf", "cast", "fill_like", "full",
    "sum", "max", "min", "argmax", "shape_i", "reshape", "dimshuffle", "concatenate", "arange", "subtensor",
    "inc_subtensor", "take2d", "inc_take2d", "take_rows", "inc_rows", "matmul", "softmax", "log_softmax", "random_uniform",
    "random_normal", "random_binomial", "conv2d", "pool_2d", "softmax_xent", "zero_grad", "disconnected_grad",
    "allreduce", "broadcast", "reduce_to_root",
}
# Reached only through gradients or rewrites of the ops above (checked there).
INTERNAL = {
    "broadcast_like", "sum_like",  # gradients of broadcasting
    "rng_advance",  # the default update of a random stream
    "class_labels",  # the label check of categorical_crossentropy (tests/python/test_label_range.py)
    "gemm_acc",  # SGD-style updates fused by a rewrite
    "fused_elementwise",  # made by the fuse phase (tests/python/test_fusion.py)
    # theano.scan's node, its pieces, its gradient's helpers and the per-step random
    # state: all made by scan (tests/python/test_scan.py checks them against loops)
    "scan", "scan_piece", "scan_piece_grad", "scan_steps", "rng_fork",
    "conv2d_grad_input", "conv2d_grad_filters", "max_pool_grad", "max_pool_select", "softmax_xent_grad",
    # a conv gradient of max_pool_grad in one op, made by a rewrite (tests/test_conv_pool_fusion.cpp;
    # test_conv_pool_fusion_fires below)
    "conv2d_grad_input_pooled", "conv2d_grad_filters_pooled",
    # conv2d and its pool_2d in one pass, and its two views (made by the fuse phase)
    "conv2d_pool", "conv2d_pool_piece",
}


def test_every_registered_op_is_covered():
    names = {name for name, _, _ in nabla._nabla.registered_ops()}
    missing = names - COVERED - INTERNAL
    assert not missing, f"ops without a Python test row in test_ops.py: {sorted(missing)}"
