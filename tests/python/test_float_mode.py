"""The C++ runtime flushes denormals to zero inside compiled calls; the Python
caller's float mode (and so numpy's subnormals) must be unchanged around them."""

import numpy as np

import nabla
import nabla.tensor as T


def subnormals_survive():
    tiny = np.finfo(np.float32).tiny  # the smallest normal float32
    return np.float32(tiny) / np.float32(4) != 0


def test_numpy_keeps_subnormals_around_compiled_calls():
    assert subnormals_survive()
    x = T.vector("x")
    f = nabla.function([x], T.nnet.sigmoid(x) * 2)
    f(np.ones(4, dtype="float32"))
    assert subnormals_survive()
