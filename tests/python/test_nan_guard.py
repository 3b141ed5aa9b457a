"""NanGuardMode from Python: blame where a NaN/Inf first appears (the op
producing it, or the input/shared variable it came through), with the first bad
element, the inputs' ranges, and for gradient nodes the forward expression."""

import numpy as np
import pytest

import nabla
import nabla.tensor as T


def guarded_error(f, *args):
    with pytest.raises(nabla.NablaValueError) as err:
        f(*args)
    return str(err.value)


def test_names_the_op_its_first_bad_element_and_input_ranges():
    x = T.vector("x")
    f = nabla.function([x], T.log(x) * 2, mode="NanGuardMode")
    m = guarded_error(f, np.array([1, 2, -1, 3, -5], dtype="float32"))
    assert "log" in m and "NaN first at index [2] (value nan; 2 NaN and 0 Inf of 5 values)" in m
    assert "input 0: float32(5,) in [-5, 3], 0 NaN, 0 Inf" in m
    assert "test_nan_guard.py:" in m


def test_a_nan_in_a_shared_variable_is_blamed_on_it_not_on_the_dot():
    x = T.matrix("x")
    w = np.full((3, 2), 0.5, dtype="float32")
    w[1, 1] = np.nan
    W = nabla.shared(w, "W")
    f = nabla.function([x], T.sum(T.dot(x, W)), mode="NanGuardMode")
    m = guarded_error(f, np.ones((2, 3), dtype="float32"))
    assert "shared variable 'W'" in m and "index [1, 1]" in m
    assert "matmul" not in m


def test_an_inf_argument_is_blamed_on_the_argument():
    y = T.vector("y")
    f = nabla.function([y], T.exp(y), mode="NanGuardMode")
    m = guarded_error(f, np.array([0, np.inf], dtype="float32"))
    assert "function argument 0 'y'" in m and "Inf first at index [1]" in m


def test_a_gradient_node_names_the_forward_expression_and_its_line():
    x = T.vector("x")
    r = T.sqrt(x)  # finite at 0; its gradient is Inf there
    line = test_a_gradient_node_names_the_forward_expression_and_its_line.__code__.co_firstlineno + 2
    f = nabla.function([x], T.grad(T.sum(r), x), mode="NanGuardMode")
    m = guarded_error(f, np.array([4, 0], dtype="float32"))
    assert f"in the gradient of sqrt (created at {__file__}:{line})" in m
