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
    consider_constant: Vars the gradient does not flow through (into their
    own inputs), as Theano's: the cost is rebuilt with each one wrapped in
    zero_grad; a wrt among them still gets its gradient.
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
    if consider_constant:
        cost, wrt_list = _with_constants(cost, wrt_list, list(consider_constant))
    if disconnected_inputs == "warn":
        try:
            grads = _nabla.grad(cost, wrt_list, False)
        except GradError as e:
            warnings.warn(str(e), stacklevel=2)
            grads = _nabla.grad(cost, wrt_list, True)
    else:
        grads = _nabla.grad(cost, wrt_list, disconnected_inputs == "ignore")
    return grads[0] if single else grads


def _with_constants(cost, wrt, constants):
    """cost rebuilt with every Var of `constants` replaced by zero_grad of it, and
    wrt with those Vars replaced by their stand-ins (so they keep a gradient)."""
    for c in constants:
        if not isinstance(c, Var):
            raise TypeError(f"grad: consider_constant must hold Vars, got {type(c).__name__}")
    stand_in = {_nabla._var_key(c): _nabla.zero_grad(c) for c in constants}
    memo = dict(stand_in)
    order, seen, stack = [], set(), [(cost, False)]
    while stack:  # topological order without recursion (graphs can be deep)
        v, expanded = stack.pop()
        key = _nabla._var_key(v)
        if expanded:
            order.append(v)
            continue
        if key in seen or key in memo:
            continue
        seen.add(key)
        stack.append((v, True))
        stack.extend((i, False) for i in v.inputs)
    for v in order:
        inputs = v.inputs
        new = [memo.get(_nabla._var_key(i), i) for i in inputs]
        if all(n is i for n, i in zip(new, inputs)):
            memo[_nabla._var_key(v)] = v
            continue
        _, _, _, name, (file, line), (op, params, _) = _nabla._var_state(v)
        memo[_nabla._var_key(v)] = _nabla._rebuild_apply(op, params, new, name, file, line)
    return memo[_nabla._var_key(cost)], [stand_in.get(_nabla._var_key(w), w) for w in wrt]
