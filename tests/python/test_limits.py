"""Sizes past the machine and negative reshape dims from Python: Python
exceptions that name the problem (issue 14's probe), never a crash."""

import numpy as np
import pytest

import nabla
import nabla.tensor as T


def test_reshape_with_a_negative_dim_other_than_minus_one_names_it():
    x = T.matrix("x")
    with pytest.raises(ValueError, match="dim 0 is -2"):
        x.reshape((-2, 3))
    assert nabla.function([x], x.reshape((-1, 3)))(np.zeros((2, 3), "float32")).shape == (2, 3)


def test_an_output_larger_than_the_machine_is_a_memory_error():
    n = T.lscalar("n")
    f = nabla.function([n], T.zeros((n, n)))
    with pytest.raises(MemoryError, match="cannot allocate"):
        f(1_000_000)
    assert f(3).shape == (3, 3)  # the function still works afterwards


def test_axis_must_be_an_int_not_a_float_or_a_string():
    x = T.matrix("x")
    with pytest.raises(TypeError, match="argmax: axis must be an int, got 1.5"):
        T.argmax(x, axis=1.5)
    with pytest.raises(TypeError, match="axis must be an int or a sequence of ints, got 'a'"):
        T.sum(x, axis="a")
    assert nabla.function([x], T.argmax(x, axis=np.int64(1)))(np.eye(2, dtype="float32")).tolist() == [0, 1]


def test_cast_to_none_is_an_error_not_float64():
    with pytest.raises(TypeError, match="cast needs a dtype"):
        T.cast(T.matrix("x"), None)


def test_clip_with_min_above_max_follows_numpy():
    x = T.vector("x")
    values = np.array([-3, 0, 3], dtype="float32")
    np.testing.assert_array_equal(nabla.function([x], T.clip(x, 1, -1))(values), np.clip(values, 1, -1))
    np.testing.assert_array_equal(nabla.function([x], T.clip(x, -1, 1))(values), np.clip(values, -1, 1))


def test_an_input_also_replaced_by_givens_is_refused():
    x = T.vector("x")
    w = nabla.shared(np.ones(3, dtype="float32"), name="w")
    with pytest.raises(ValueError, match="both an input and replaced by givens"):
        nabla.function([x], x * 2, givens={x: w})


def test_truth_rules_follow_theano():
    x = T.matrix("x")
    assert bool(x) and bool(x + 1) and bool(T.sum(x))  # `if not input:` idioms work
    for comparison in (x < 1, x > 1, x <= 1, x >= 1, T.eq(x, 1), T.neq(x, 1)):
        with pytest.raises(TypeError, match="no truth value"):
            bool(comparison)


def test_a_zero_d_array_makes_a_scalar_shared_variable():
    for value in (np.float32(1.5), np.array(2.0, dtype="float32"), np.array(3, dtype="int64")):
        s = nabla.shared(value)
        assert s.ndim == 0, s.type
        assert nabla.function([], s * 2)() == 2 * value


def test_the_python_version_is_the_cmake_projects():
    import os
    import re
    cmake = open(os.path.join(os.path.dirname(__file__), "..", "..", "CMakeLists.txt")).read()
    assert nabla.__version__ == re.search(r"project\(nabla VERSION ([0-9.]+)", cmake).group(1)
