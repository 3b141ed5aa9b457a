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
