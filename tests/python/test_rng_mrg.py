"""theano.sandbox.rng_mrg.MRG_RandomStreams: the distributions' statistics,
fresh draws per call, reproducibility by seed, and the clear errors."""

import numpy as np
import pytest

import nabla
import nabla.theano as theano
import nabla.theano.tensor as T
from nabla.theano.sandbox.rng_mrg import MRG_RandomStreams


def draw(expr, inputs=(), args=()):
    return np.asarray(theano.function(list(inputs), expr)(*args))


def test_uniform_and_normal_have_the_right_moments():
    srng = MRG_RandomStreams(seed=234)
    u = draw(srng.uniform((200, 500), low=-1.0, high=3.0))
    assert u.shape == (200, 500) and u.min() >= -1.0 and u.max() < 3.0
    assert abs(u.mean() - 1.0) < 0.02 and abs(u.var() - 16 / 12) < 0.03
    z = draw(srng.normal((200, 500), avg=2.0, std=0.5))
    assert abs(z.mean() - 2.0) < 0.01 and abs(z.std() - 0.5) < 0.01


def test_binomial_with_a_number_or_a_symbolic_probability():
    srng = MRG_RandomStreams(seed=7)
    b = draw(srng.binomial(size=(400, 250), p=0.3, dtype="int32"))
    assert b.dtype == np.int32 and set(np.unique(b)) <= {0, 1} and abs(b.mean() - 0.3) < 0.01
    p = T.vector("p")
    mask = srng.binomial(size=(20000, 3), p=p, dtype="float32")  # p broadcast over rows (dropout keep-probs)
    m = draw(mask, [p], [np.array([0.1, 0.5, 0.9], dtype="float32")])
    np.testing.assert_allclose(m.mean(axis=0), [0.1, 0.5, 0.9], atol=0.015)
    with pytest.raises(ValueError, match="n=1 only"):
        srng.binomial(size=(3,), n=2, p=0.5)


def test_multinomial_rows_are_one_hot_with_the_given_frequencies():
    srng = MRG_RandomStreams(seed=11)
    probs = np.array([[0.2, 0.5, 0.3]] * 30000, dtype="float32")
    pv = theano.shared(probs, name="pvals")
    onehot = draw(srng.multinomial(pvals=pv.reshape((30000, 3)), dtype="float32"))
    assert onehot.shape == (30000, 3)
    np.testing.assert_array_equal(onehot.sum(axis=1), np.ones(30000))
    np.testing.assert_allclose(onehot.mean(axis=0), [0.2, 0.5, 0.3], atol=0.01)
    with pytest.raises(NotImplementedError, match="multinomial"):
        srng.choice(size=3, a=5)


def test_draws_advance_per_call_and_repeat_by_seed():
    def first_two(seed):
        srng = MRG_RandomStreams(seed=seed)
        f = theano.function([], srng.uniform((4,)))
        return f().copy(), f().copy()

    a1, a2 = first_two(5)
    b1, b2 = first_two(5)
    assert not np.array_equal(a1, a2)  # the state advanced
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(first_two(6)[0], a1)
