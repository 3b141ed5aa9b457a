"""Theano's theano.tensor.shared_randomstreams: RandomStreams(seed).

Each draw is a Var; its generator state lives in a shared variable that
advances every time a compiled function using the draw runs (so a dropout mask
is new on every mini-batch). The same seed gives the same sequence.
"""

import numbers

import numpy as np

from .. import _nabla
from .._config import config
from .._convert import dims, dtype_name
from .._nabla import Var

__all__ = ["RandomStreams"]


def _seed(seed):
    """Any integer seed (numpy ints, negatives) as the 64-bit seed the C++ streams take."""
    return int(seed) % (1 << 64)


def _number(value, what):
    if isinstance(value, Var):
        raise TypeError(f"nabla: RandomStreams: {what} must be a number (symbolic {what} is not supported)")
    if not isinstance(value, numbers.Real):
        raise TypeError(f"nabla: RandomStreams: {what} must be a number, got {value!r}")
    return value


class RandomStreams:
    """Random draws as graph nodes (Theano's shared_randomstreams.RandomStreams)."""

    def __init__(self, seed=None):
        self._seed = _seed(12345 if seed is None else seed)
        self._streams = _nabla.RandomStreams(self._seed)
        self._states = []  # each draw's state (a shared [seed, counter]), in draw order

    def seed(self, seed):
        """Restarts every stream drawn from this object from `seed`."""
        self._seed = _seed(seed)
        self._streams.seed(self._seed)
        for k, state in enumerate(self._states):  # also the states restored by unpickling
            state.set_value(np.array([_nabla._stream_seed(self._seed, k), 0], dtype="uint64").astype("int64"))

    def _track(self, draw):
        self._states.append(draw.inputs[0])
        return draw

    def __getstate__(self):
        """Pickled: the seed and every draw's state variable (the same objects the
        pickled graphs hold, so they keep advancing where they were)."""
        return {"format": 1, "seed": self._seed, "states": list(self._states)}

    def __setstate__(self, state):
        from .._pickling import UnpicklingError
        if not isinstance(state, dict) or state.get("format") != 1:
            raise UnpicklingError(f"nabla: cannot unpickle RandomStreams from {state!r} (expected format 1)")
        self._seed = state["seed"]
        self._streams = _nabla.RandomStreams(self._seed)
        self._states = list(state["states"])
        for _ in self._states:  # the next draw is stream len(states), as before pickling
            self._streams.uniform((), 0.0, 1.0, "float32")

    def uniform(self, size=(), low=0.0, high=1.0, ndim=None, dtype=None):
        """Uniform samples in [low, high) of the given (possibly symbolic) size."""
        return self._track(self._streams.uniform(dims(size), float(_number(low, "low")), float(_number(high, "high")),
                                     dtype_name(dtype or config.floatX)))

    def normal(self, size=(), avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal samples with mean avg and standard deviation std."""
        return self._track(self._streams.normal(dims(size), float(_number(avg, "avg")), float(_number(std, "std")),
                                    dtype_name(dtype or config.floatX)))

    def binomial(self, size=(), n=1, p=0.5, ndim=None, dtype="int64"):
        """Successes in n trials of probability p, per element (int64 unless dtype is given)."""
        n = _number(n, "n")
        if int(n) != n:
            raise TypeError(f"nabla: RandomStreams.binomial: n must be an integer, got {n!r}")
        return self._track(self._streams.binomial(dims(size), int(n), float(_number(p, "p")), dtype_name(dtype)))
