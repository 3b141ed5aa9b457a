"""Gradients at edge points (docs/gradient_conventions.rst), from Python: std
at zero variance is 0 (not NaN), max ties share the gradient evenly, and
std's gradient elsewhere still matches numpy's finite differences."""

import numpy as np

import nabla
import nabla.tensor as T


def gradient(cost_of, at):
    x = T.vector("x")
    return nabla.function([x], T.grad(cost_of(x), x))(np.array(at, dtype="float64").astype("float32"))


def test_std_at_zero_variance_has_gradient_zero_and_value_zero():
    x = T.vector("x")
    assert float(nabla.function([x], T.std(x))(np.full(3, 2.0, dtype="float32"))) == 0.0
    np.testing.assert_array_equal(gradient(T.std, [2, 2, 2]), [0, 0, 0])


def test_std_gradient_away_from_zero_matches_finite_differences():
    at = np.array([1.0, 2.5, -0.5, 4.0])
    h = 1e-3
    want = [(np.std(at + h * e) - np.std(at - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(gradient(T.std, at), want, rtol=1e-3, atol=1e-4)


def test_max_ties_share_the_gradient_and_sum_to_one():
    g = gradient(T.max, [1, 3, 3])
    np.testing.assert_allclose(g, [0, 0.5, 0.5])
    assert g.sum() == 1.0
