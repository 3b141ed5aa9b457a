"""nabla.tensor, Theano's theano.tensor (import nabla.tensor as T).

T.matrix("x"), T.dot, T.grad, ... live in basic.py; T.nnet, T.signal.pool and
T.shared_randomstreams are submodules laid out as in Theano. T.sum, T.max,
T.min, T.abs and T.pow shadow the builtins of the same name, as in Theano.
"""

from .basic import *  # noqa: F401,F403
from .basic import __all__ as _basic_names
from . import nnet, shared_randomstreams, signal  # noqa: F401

__all__ = list(_basic_names) + ["nnet", "shared_randomstreams", "signal"]
