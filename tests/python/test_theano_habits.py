"""The small habits of Theano programs (issue 13, part 3), one test each:
config settings, function(name=, on_unused_input=, allow_input_downcast=),
T.grad's keywords, pydotprint, T.nnet's functions, tensor3/tensor4, switch,
eq/neq, cast and shared_randomstreams."""

import os
import warnings

import numpy as np
import pytest

import nabla
import nabla.theano as theano
import nabla.theano.tensor as T


def test_config_has_the_settings_theano_programs_read():
    c = theano.config
    assert (c.floatX, c.mode, c.device, c.optimizer, c.on_unused_input) == \
        ("float32", "FAST_RUN", "cpu", "fast_run", "raise")
    assert c.exception_verbosity == "low" and c.compute_test_value == "off" and c.allow_gc is True
    with pytest.raises(ValueError, match="on_unused_input"):
        c.on_unused_input = "sometimes"
    before = c.floatX
    try:
        c.floatX = "float64"
        assert T.matrix().dtype == "float64" and theano.shared(1.5).dtype == "float64"
    finally:
        c.floatX = before
    assert T.matrix().dtype == before


def test_function_name_is_kept():
    x = T.vector("x")
    f = theano.function([x], x + 1, name="inc")
    g = theano.function([x], x + 1)
    assert f.name == "inc" and g.name is None


def test_function_on_unused_input():
    x, y = T.vector("x"), T.vector("y")
    with pytest.raises(nabla.compile.UnusedInputError, match=r"input 1 \('y', created at .*test_theano_habits.py"):
        theano.function([x, y], x * 2)
    with pytest.warns(UserWarning, match="input 1 .'y'"):
        f = theano.function([x, y], x * 2, on_unused_input="warn")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = theano.function([x, y], x * 2, on_unused_input="ignore")
    np.testing.assert_array_equal(g([1.0], [5.0]), [2.0])
    np.testing.assert_array_equal(f([1.0], [5.0]), [2.0])
    # Used through givens or only by an update counts as used.
    s = theano.shared(np.float32(0))
    theano.function([y], [], updates=[(s, s + y.sum())])
    i = T.lscalar("i")
    data = theano.shared(np.arange(6, dtype="float32"))
    theano.function([i], x.sum(), givens={x: data[i:i + 2]})
    with pytest.raises(ValueError, match="on_unused_input must be one of"):
        theano.function([x], x, on_unused_input="often")


def test_function_allow_input_downcast():
    x = T.vector("x")  # float32
    with pytest.raises(TypeError):
        theano.function([x], x * 2)(np.array([1.5], dtype="float64"))
    f = theano.function([x], x * 2, allow_input_downcast=True)
    out = f(np.array([1.5], dtype="float64"))
    assert out.dtype == np.float32 and out[0] == 3.0


def test_grad_keywords():
    x = T.vector("x")
    h = T.exp(x)
    cost = T.sum(h * x)
    a = np.array([0.5, -1.0], dtype="float32")
    gx = theano.function([x], T.grad(cost=cost, wrt=x))(a)
    np.testing.assert_allclose(gx, np.exp(a) * (1 + a), rtol=1e-6)
    gc = theano.function([x], T.grad(cost=cost, wrt=x, consider_constant=[h]))(a)
    np.testing.assert_allclose(gc, np.exp(a), rtol=1e-6)
    z = T.vector("z")
    with pytest.raises(nabla.GradError):
        T.grad(cost, [x, z])
    gz = T.grad(cost, [x, z], disconnected_inputs="ignore")[1]
    np.testing.assert_array_equal(theano.function([z], gz)(a), [0, 0])
    with pytest.warns(UserWarning):
        T.grad(cost, [x, z], disconnected_inputs="warn")
    with pytest.raises(ValueError, match="disconnected_inputs"):
        T.grad(cost, x, disconnected_inputs="loudly")


def test_pydotprint_writes_a_picture_with_dot(tmp_path):
    x = T.matrix("x")
    f = theano.function([x], T.nnet.sigmoid(x).sum())
    png = theano.printing.pydotprint(f, outfile=str(tmp_path / "f.png"))
    with open(png, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    svg = theano.printing.pydotprint(x * 2, outfile=str(tmp_path / "x.svg"))
    assert "<svg" in open(svg).read()
    with pytest.raises(ValueError, match="unknown format"):
        theano.printing.pydotprint(f, outfile=str(tmp_path / "f.bmp"), format="bmp")
    assert not os.path.exists(tmp_path / "f.bmp")


def test_nnet_functions_match_numpy():
    x = T.matrix("x")
    t = T.matrix("t")
    labels = T.ivector("labels")
    p = T.nnet.softmax(x)
    f = theano.function([x, t, labels], [T.nnet.sigmoid(x), T.nnet.softplus(x),
                                         T.nnet.binary_crossentropy(T.nnet.sigmoid(x), t),
                                         T.nnet.categorical_crossentropy(p, labels),
                                         T.nnet.categorical_crossentropy(p, t)])
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 4)).astype("float32")
    tv = rng.uniform(size=(3, 4)).astype("float32")
    lv = np.array([0, 3, 1], dtype="int32")
    sig, sp, bce, cce_idx, cce_dist = f(a, tv, lv)
    s = 1 / (1 + np.exp(-a))
    sm = np.exp(a) / np.exp(a).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(sig, s, rtol=1e-5)
    np.testing.assert_allclose(sp, np.log1p(np.exp(a)), rtol=1e-5)
    np.testing.assert_allclose(bce, -(tv * np.log(s) + (1 - tv) * np.log(1 - s)), rtol=1e-4)
    np.testing.assert_allclose(cce_idx, -np.log(sm[np.arange(3), lv]), rtol=1e-5)
    np.testing.assert_allclose(cce_dist, -(tv * np.log(sm)).sum(axis=1), rtol=1e-5)


def test_tensor3_tensor4():
    a, b = T.tensor3("a"), T.tensor4("b", dtype="float64")
    assert (a.ndim, a.dtype, b.ndim, b.dtype) == (3, "float32", 4, "float64")
    f = theano.function([a, b], [a.sum(axis=2), b.max(axis=(2, 3))])
    av = np.arange(24, dtype="float32").reshape(2, 3, 4)
    bv = np.arange(120, dtype="float64").reshape(2, 3, 4, 5)
    s, m = f(av, bv)
    np.testing.assert_array_equal(s, av.sum(axis=2))
    np.testing.assert_array_equal(m, bv.max(axis=(2, 3)))


def test_switch_eq_neq_cast():
    x = T.vector("x")
    f = theano.function([x], [T.switch(T.gt(x, 0), x, -2 * x), T.eq(x, 1), T.neq(x, 1), T.cast(x, "int32"),
                              T.cast(T.eq(x, 1), "floatX")])
    a = np.array([1.0, -1.5, 2.7], dtype="float32")
    sw, eq, ne, ints, eqf = f(a)
    np.testing.assert_array_equal(sw, np.where(a > 0, a, -2 * a))
    np.testing.assert_array_equal(eq, a == 1)
    np.testing.assert_array_equal(ne, a != 1)
    assert ints.dtype == np.int32 and list(ints) == [1, -1, 2]
    assert eqf.dtype == np.float32 and list(eqf) == [1, 0, 0]


def test_shared_randomstreams_module():
    from nabla.theano.tensor.shared_randomstreams import RandomStreams
    srng = RandomStreams(seed=234)
    u = srng.uniform((1000,))
    f = theano.function([], u)
    a, b = f(), f()
    assert not np.array_equal(a, b) and 0 <= a.min() and a.max() < 1 and abs(a.mean() - 0.5) < 0.05
    again = theano.function([], RandomStreams(seed=234).uniform((1000,)))()
    np.testing.assert_array_equal(again, a)  # same seed, same sequence
