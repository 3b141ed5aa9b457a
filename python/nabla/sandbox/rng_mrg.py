"""Theano's theano.sandbox.rng_mrg.MRG_RandomStreams, on nabla's random streams.

Draws are graph nodes whose generator state lives in shared variables and
advances each time a compiled function using them runs (as with
shared_randomstreams). The numbers are not Theano's MRG31k3p sequence, but
they have the same distributions; the same seed gives the same sequence.
What is not supported raises an error that names it and what to use instead.
"""

import numbers

from .. import tensor as T
from .._config import config
from .._nabla import Var
from ..tensor.shared_randomstreams import RandomStreams

__all__ = ["MRG_RandomStreams"]


class MRG_RandomStreams:  # noqa: N801  (Theano's name)
    """uniform, normal, binomial, multinomial (and seed) as Theano's MRG streams."""

    def __init__(self, seed=12345, use_cuda=None):
        self._streams = RandomStreams(seed)

    def seed(self, seed):
        """Restarts every stream drawn from this object from `seed`."""
        self._streams.seed(seed)

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None, **kwargs):
        """Uniform samples in [low, high)."""
        return self._streams.uniform(size, low, high, ndim, dtype)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None, **kwargs):
        """Normal samples with mean avg and standard deviation std."""
        return self._streams.normal(size, avg, std, ndim, dtype)

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None, **kwargs):
        """0/1 samples with probability p (a number or a Var broadcast to size), as
        Theano's MRG binomial, which takes n = 1 only."""
        if n != 1:
            raise ValueError(f"nabla: MRG_RandomStreams.binomial supports n=1 only (as Theano's), got n={n!r}; "
                             "use shared_randomstreams.RandomStreams.binomial for n > 1")
        if size is None:
            if not isinstance(p, Var):
                raise TypeError("nabla: MRG_RandomStreams.binomial needs size when p is a number")
            size = p.shape
        if isinstance(p, Var):  # a symbolic probability: u < p elementwise
            u = self._streams.uniform(size, 0.0, 1.0, dtype=p.dtype if p.dtype.startswith("float") else None)
            return T.cast(T.lt(u, p), dtype)
        if not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ValueError(f"nabla: MRG_RandomStreams.binomial: p must be in [0, 1], got {p!r}")
        return self._streams.binomial(size, 1, float(p), ndim, dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None, **kwargs):
        """One draw per row of pvals (a matrix of probabilities, rows summing to 1):
        a one-hot matrix shaped like pvals, as Theano's MRG multinomial with n = 1.
        Needs the number of classes (pvals' columns) known when the graph is built."""
        if pvals is None:
            raise TypeError("nabla: MRG_RandomStreams.multinomial needs pvals")
        if n != 1:
            raise ValueError(f"nabla: MRG_RandomStreams.multinomial supports n=1 only, got n={n!r}")
        if size is not None:
            raise ValueError("nabla: MRG_RandomStreams.multinomial: give pvals (one row per draw), not size")
        pvals = T.as_tensor_variable(pvals)
        if pvals.ndim != 2 or pvals.static_shape is None or pvals.static_shape[1] is None:
            raise ValueError("nabla: MRG_RandomStreams.multinomial needs a matrix pvals with a known number of "
                             f"columns (classes), got {pvals.type}")
        k = pvals.static_shape[1]
        # The class whose cumulative probability interval holds u: one-hot
        # (u >= cdf_before) & (u < cdf_through), the cdf via a triangular matrix of ones.
        import numpy as np

        upper = T.constant(np.triu(np.ones((k, k), dtype=pvals.dtype)))
        through = T.dot(pvals, upper)
        before = through - pvals
        u = self._streams.uniform((pvals.shape[0], 1), 0.0, 1.0, dtype=pvals.dtype)
        hit = T.cast(T.ge(u, before), "int64") * T.cast(T.lt(u, through), "int64")
        return T.cast(hit, dtype)

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64", nstreams=None, **kwargs):
        raise NotImplementedError("nabla: MRG_RandomStreams.choice is not supported; draw one-hot rows with "
                                  "multinomial(pvals=p) and take their argmax over axis 1")
