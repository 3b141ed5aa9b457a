"""theano.scan against plain Python loops of the same step: values, first- and
second-order gradients (float64, central differences), taps, go_backwards,
truncate_gradient, random draws inside the loop and their updates."""

import numpy as np
import pytest

import nabla
import nabla.theano as theano
import nabla.theano.tensor as T
from nabla.theano.tensor.shared_randomstreams import RandomStreams

F64 = "float64"


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def elman_numpy(x, h0, W, U):
    h, out = h0, []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W + h @ U)
        out.append(h)
    return np.array(out)


@pytest.fixture
def elman():
    rng = np.random.RandomState(3)
    vals = dict(x=rng.uniform(-1, 1, (6, 3)), h0=rng.uniform(-1, 1, 4), W=rng.uniform(-0.8, 0.8, (3, 4)),
                U=rng.uniform(-0.6, 0.6, (4, 4)))
    x, h0 = T.matrix("x", dtype=F64), T.vector("h0", dtype=F64)
    W, U = T.matrix("W", dtype=F64), T.matrix("U", dtype=F64)
    h, updates = theano.scan(lambda xt, hp, W, U: T.tanh(T.dot(xt, W) + T.dot(hp, U)), sequences=x, outputs_info=h0,
                             non_sequences=[W, U])
    assert updates == {}
    return vals, (x, h0, W, U), h


def test_values_match_a_python_loop(elman):
    vals, ins, h = elman
    f = theano.function(list(ins), h)
    got = f(vals["x"], vals["h0"], vals["W"], vals["U"])
    np.testing.assert_allclose(got, elman_numpy(vals["x"], vals["h0"], vals["W"], vals["U"]), rtol=1e-12)


def test_first_and_second_order_gradients_match_finite_differences(elman):
    vals, ins, h = elman
    R = np.random.RandomState(5).uniform(0.5, 1.5, (6, 4))
    cost = T.sum(h * R)
    names = ["x", "h0", "W", "U"]
    grads = T.grad(cost, list(ins))
    fg = theano.function(list(ins), grads)
    got = fg(*[vals[n] for n in names])

    def cost_np(**kw):
        v = dict(vals, **kw)
        return float(np.sum(elman_numpy(v["x"], v["h0"], v["W"], v["U"]) * R))

    for n, g in zip(names, got):
        np.testing.assert_allclose(g, numeric_grad(lambda a: cost_np(**{n: a}), vals[n]), rtol=1e-6, atol=1e-8,
                                   err_msg=f"d cost / d {n}")
    # Second order: differentiate a projection of dcost/dW again; compare with
    # finite differences of the compiled first gradient.
    S = np.random.RandomState(6).uniform(0.5, 1.5, (3, 4))
    second = T.sum(grads[2] * S)
    g2 = theano.function(list(ins), T.grad(second, [ins[2], ins[3]]))(*[vals[n] for n in names])
    first_w = theano.function(list(ins), second)
    for k, n in ((0, "W"), (1, "U")):
        def f(a, n=n):
            v = dict(vals, **{n: a})
            return float(first_w(*[v[m] for m in names]))
        np.testing.assert_allclose(g2[k], numeric_grad(f, vals[n]), rtol=1e-5, atol=1e-7, err_msg=f"second order, {n}")


def taps_numpy(x, h_init, w):
    # sequence taps [-1, 0, 1], output taps [-2, -1]; y_t not fed back
    hs, ys = [h_init[0], h_init[1]], []
    for t in range(x.shape[0] - 2):
        xm, x0, xp = x[t], x[t + 1], x[t + 2]
        h = 0.5 * hs[-1] - 0.25 * hs[-2] * x0 + np.tanh(xm * w) + 0.1 * xp
        hs.append(h)
        ys.append(h * x0)
    return np.array(hs[2:]), np.array(ys)


def test_taps_of_sequences_and_outputs_and_a_plain_output():
    rng = np.random.RandomState(8)
    xv, hv, wv = rng.uniform(-1, 1, (7, 3)), rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3)
    x, hi, w = T.matrix("x", dtype=F64), T.matrix("hi", dtype=F64), T.vector("w", dtype=F64)

    def step(xm, x0, xp, h2, h1, w):
        h = 0.5 * h1 - 0.25 * h2 * x0 + T.tanh(xm * w) + 0.1 * xp
        return h, h * x0

    (h, y), _ = theano.scan(step, sequences=dict(input=x, taps=[-1, 0, 1]),
                            outputs_info=[dict(initial=hi, taps=[-2, -1]), None], non_sequences=w)
    got_h, got_y = theano.function([x, hi, w], [h, y])(xv, hv, wv)
    want_h, want_y = taps_numpy(xv, hv, wv)
    np.testing.assert_allclose(got_h, want_h, rtol=1e-12)
    np.testing.assert_allclose(got_y, want_y, rtol=1e-12)
    cost = T.sum(h) + T.sum(y * y)
    gx, ghi, gw = theano.function([x, hi, w], T.grad(cost, [x, hi, w]))(xv, hv, wv)

    def c(xv=xv, hv=hv, wv=wv):
        a, b = taps_numpy(xv, hv, wv)
        return float(a.sum() + (b * b).sum())

    np.testing.assert_allclose(gx, numeric_grad(lambda a: c(xv=a), xv), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ghi, numeric_grad(lambda a: c(hv=a), hv), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gw, numeric_grad(lambda a: c(wv=a), wv), rtol=1e-6, atol=1e-8)


def test_go_backwards_is_the_loop_over_the_reversed_sequence(elman):
    vals, (x, h0, W, U), _ = elman
    h, _ = theano.scan(lambda xt, hp, W, U: T.tanh(T.dot(xt, W) + T.dot(hp, U)), sequences=x, outputs_info=h0,
                       non_sequences=[W, U], go_backwards=True)
    args = [vals["x"], vals["h0"], vals["W"], vals["U"]]
    np.testing.assert_allclose(theano.function([x, h0, W, U], h)(*args),
                               elman_numpy(vals["x"][::-1], vals["h0"], vals["W"], vals["U"]), rtol=1e-12)
    gW = theano.function([x, h0, W, U], T.grad(T.sum(h), W))(*args)
    want = numeric_grad(lambda a: float(elman_numpy(vals["x"][::-1], vals["h0"], a, vals["U"]).sum()), vals["W"])
    np.testing.assert_allclose(gW, want, rtol=1e-6, atol=1e-8)


def test_truncate_gradient_backpropagates_through_the_last_steps_only(elman):
    vals, (x, h0, W, U), _ = elman
    k = 2
    h, _ = theano.scan(lambda xt, hp, W, U: T.tanh(T.dot(xt, W) + T.dot(hp, U)), sequences=x, outputs_info=h0,
                       non_sequences=[W, U], truncate_gradient=k)
    args = [vals["x"], vals["h0"], vals["W"], vals["U"]]
    gx, gh0, gW = theano.function([x, h0, W, U], T.grad(T.sum(h), [x, h0, W]))(*args)
    n = vals["x"].shape[0]
    # The last k steps, restarted from the state before them (held fixed).
    h_before = elman_numpy(vals["x"], vals["h0"], vals["W"], vals["U"])[n - k - 1]

    def window(xw=vals["x"][n - k:], Wv=vals["W"]):
        return float(elman_numpy(xw, h_before, Wv, vals["U"]).sum())

    assert np.all(gx[:n - k] == 0)
    np.testing.assert_allclose(gx[n - k:], numeric_grad(lambda a: window(xw=a), vals["x"][n - k:]), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gW, numeric_grad(lambda a: window(Wv=a), vals["W"]), rtol=1e-6, atol=1e-8)
    assert np.all(gh0 == 0)


def test_n_steps_without_sequences_theano_power_example():
    # From Theano's scan tutorial: A ** k by repeated multiplication.
    k = T.iscalar("k")
    A = T.vector("A", dtype=F64)
    result, updates = theano.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A), non_sequences=A, n_steps=k)
    power = theano.function([A, k], result[-1], updates=updates)
    np.testing.assert_allclose(power(np.arange(5.0), 3), np.arange(5.0) ** 3)


def test_polynomial_with_two_sequences():
    # From Theano's scan tutorial: sum of coefficients[i] * x ** i.
    coefficients = T.vector("coefficients", dtype=F64)
    x = T.scalar("x", dtype=F64)
    components, _ = theano.scan(lambda c, power, x: c * (x ** power),
                                sequences=[coefficients, T.arange(10).astype(F64)], non_sequences=x)
    poly = theano.function([coefficients, x], components.sum())
    assert poly(np.array([1.0, 0.0, 2.0]), 3.0) == pytest.approx(1.0 + 2.0 * 9.0)


def test_random_draws_differ_per_step_and_call_and_reproduce_by_seed():
    def build(seed):
        srng = RandomStreams(seed)
        x = T.matrix("x", dtype=F64)
        out, updates = theano.scan(lambda xt: xt + srng.uniform((3,), dtype=F64), sequences=x)
        return x, out, updates

    x, out, updates = build(4)
    assert len(updates) == 1
    f = theano.function([x], out, updates=updates)
    z = np.zeros((200, 3))
    a, b = f(z), f(z)
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a, b)
    assert abs(a.mean() - 0.5) < 0.05 and abs(a.var() - 1 / 12) < 0.02
    x2, out2, updates2 = build(4)
    np.testing.assert_array_equal(theano.function([x2], out2, updates=updates2)(z), a)


def test_gradient_with_dropout_inside_the_loop_uses_the_same_masks():
    srng = RandomStreams(9)
    rng = np.random.RandomState(2)
    xv, Wv, h0v = rng.uniform(-1, 1, (5, 3)), rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, 3)
    x, W, h0 = T.matrix("x", dtype=F64), T.matrix("W", dtype=F64), T.vector("h0", dtype=F64)

    def step(xt, hp, W):
        mask = srng.binomial((3,), p=0.5, dtype=F64)
        return T.tanh(T.dot(xt + hp, W)) * mask, mask

    (h, masks), updates = theano.scan(step, sequences=x, outputs_info=[h0, None], non_sequences=W)
    f = theano.function([x, W, h0], [h, masks, T.grad(T.sum(h), W)], updates=updates)
    hv, mv, gW = f(xv, Wv, h0v)
    assert 0 < mv.sum() < mv.size

    def loop(Wa):
        hp, out = h0v, []
        for t in range(5):
            hp = np.tanh((xv[t] + hp) @ Wa) * mv[t]
            out.append(hp)
        return np.array(out)

    np.testing.assert_allclose(hv, loop(Wv), rtol=1e-12)
    np.testing.assert_allclose(gW, numeric_grad(lambda a: float(loop(a).sum()), Wv), rtol=1e-6, atol=1e-8)


def test_shared_variables_used_implicitly_get_gradients():
    Wv = np.random.RandomState(1).uniform(-1, 1, (2, 2))
    W = theano.shared(Wv, name="W")
    x = T.matrix("x", dtype=F64)
    h, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=T.zeros((2,), dtype=F64))
    gW = theano.function([x], T.grad(T.sum(h), W))(np.ones((3, 2)))

    def loop(Wa):
        hp, s = np.zeros(2), 0.0
        for _ in range(3):
            hp = np.tanh(hp @ Wa + 1.0)
            s += hp.sum()
        return s

    np.testing.assert_allclose(gW, numeric_grad(loop, Wv), rtol=1e-6, atol=1e-8)


def test_mistakes_raise_errors_that_name_them():
    x = T.matrix("x", dtype=F64)
    with pytest.raises(ValueError, match="n_steps must be given"):
        theano.scan(lambda h: h * 2, outputs_info=T.zeros((2,), dtype=F64))
    with pytest.raises(ValueError, match="keeps its shape"):
        theano.scan(lambda xt, h: T.sum(xt), sequences=x, outputs_info=T.zeros((2,), dtype=F64))
    with pytest.raises(NotImplementedError, match="updates inside the loop"):
        W = theano.shared(np.zeros(2), name="W")
        theano.scan(lambda xt: (xt, {W: W + 1}), sequences=x)
    with pytest.raises(TypeError, match="fn must be callable"):
        theano.scan(3, sequences=x)
    with pytest.raises(TypeError, match="unknown keys"):
        theano.scan(lambda a: a, sequences=dict(input=x, tap=[0]))
    with pytest.raises(ValueError, match="go_backwards"):
        theano.scan(lambda a: a, sequences=x, n_steps=-2)
    # The step's own mistakes carry the user's line.
    with pytest.raises(ValueError, match="test_scan.py"):
        theano.scan(lambda xt: T.dot(xt, T.zeros((5, 5), dtype=F64)), sequences=x.reshape((-1, 3)))


def test_a_compiled_scan_pickles_and_deepcopies_within_the_process():
    import copy
    import pickle
    x = T.matrix("x", dtype=F64)
    W = theano.shared(np.eye(2) * 0.5, name="W")
    h, _ = theano.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=T.zeros((2,), dtype=F64))
    f = theano.function([x], [h, T.grad(T.sum(h), W)])
    xv = np.arange(6.0).reshape(3, 2) / 6
    want = f(xv)
    for g in (pickle.loads(pickle.dumps(f, protocol=2)), copy.deepcopy(f)):
        for a, b in zip(g(xv), want):
            np.testing.assert_array_equal(a, b)
