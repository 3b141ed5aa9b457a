"""grad: reverse-mode gradients as more graph (Theano's theano.grad / T.grad)."""

import warnings

from . import _nabla
from ._nabla import GradError, Var

_DISCONNECTED = ("raise", "ignore", "warn")


__all__ = ["grad", "zero_grad", "consider_constant", "disconnected_grad", "GradError"]


def zero_grad(x):
    """x unchanged, but grad() treats it as a constant: the gradient through
    it is zero (Theano's theano.gradient.zero_grad). Compiled functions drop it."""
    return _nabla.zero_grad(x)


def consider_constant(x):
    """Theano's older name for zero_grad."""
    return _nabla.zero_grad(x)


def disconnected_grad(x):
    """x unchanged, and no gradient flows through it at all: a cost that
    depends on wrt only through it calls wrt disconnected (Theano's
    theano.gradient.disconnected_grad)."""
    return _nabla.disconnected_grad(x)


def grad(cost, wrt, disconnected_inputs="raise", consider_constant=None):
    """d cost / d wrt for a scalar cost; wrt is a Var or a list of Vars (the
    result matches). The gradients are Vars: compile them, or differentiate
    them again.

    disconnected_inputs: what to do when cost does not depend on some wrt:
    "raise" (GradError naming it), "ignore" (zeros), or "warn" (zeros and a
    warning).
    """
    if consider_constant:
        raise NotImplementedError("grad(consider_constant=[...]) is not supported: wrap those variables in "
                                  "nabla.gradient.zero_grad(v) where the cost is built")
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
