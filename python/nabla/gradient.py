"""grad: reverse-mode gradients as more graph (Theano's theano.grad / T.grad)."""

import warnings

from . import _nabla
from ._nabla import GradError, Var

_DISCONNECTED = ("raise", "ignore", "warn")


def grad(cost, wrt, disconnected_inputs="raise"):
    """d cost / d wrt for a scalar cost; wrt is a Var or a list of Vars (the
    result matches). The gradients are Vars: compile them, or differentiate
    them again.

    disconnected_inputs: what to do when cost does not depend on some wrt:
    "raise" (GradError naming it), "ignore" (zeros), or "warn" (zeros and a
    warning).
    """
    if disconnected_inputs not in _DISCONNECTED:
        raise ValueError(f"disconnected_inputs must be one of {_DISCONNECTED}, got {disconnected_inputs!r}")
    if not isinstance(cost, Var):
        raise TypeError(f"grad: cost must be a Var, got {type(cost).__name__}")
    single = isinstance(wrt, Var)
    wrt_list = [wrt] if single else list(wrt)
    for w in wrt_list:
        if not isinstance(w, Var):
            raise TypeError(f"grad: wrt must be Vars, got {type(w).__name__}")
    if disconnected_inputs == "warn":
        try:
            grads = _nabla.grad(cost, wrt_list, False)
        except GradError as e:
            warnings.warn(str(e), stacklevel=2)
            grads = _nabla.grad(cost, wrt_list, True)
    else:
        grads = _nabla.grad(cost, wrt_list, disconnected_inputs == "ignore")
    return grads[0] if single else grads
