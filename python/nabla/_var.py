"""Operators and methods of Var, in Theano's spelling: x + 1, x[i*m:(i+1)*m],
x.shape[0], x.T, x.reshape(...), x.dimshuffle('x', 0), x.sum(axis=1), ...

Comparisons < <= > >= build bool tensors; == and != stay identity (hashable
Vars, usable as dict keys), as in Theano: use T.eq / T.neq elementwise.
"""

import numpy as np

from . import _nabla
from ._convert import Shape, as_pair, as_var
from ._nabla import Var
from .tensor import basic as T


def _binary(fn, reflected=False):
    if reflected:
        return lambda self, other: fn(*as_pair(other, self))
    return lambda self, other: fn(*as_pair(self, other))


def _is_advanced(k):
    return isinstance(k, (list, np.ndarray)) or (isinstance(k, Var) and k.ndim > 0)


def _expand_ellipsis(key, ndim):
    if not any(k is Ellipsis for k in key):
        return key
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("nabla: an index can only have a single ellipsis ('...')")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    i = next(i for i, k in enumerate(key) if k is Ellipsis)
    return key[:i] + (slice(None),) * (ndim - used) + key[i + 1:]


def _getitem(self, key):
    key = key if isinstance(key, tuple) else (key,)
    if any(_is_advanced(k) for k in key):
        if len(key) == 2 and all(_is_advanced(k) for k in key):
            rows, cols = as_var(key[0]), as_var(key[1])
            result = _nabla.take2d(self, rows, cols)
            result._nabla_index = (self, "take2d", (rows, cols))  # for T.inc_subtensor / T.set_subtensor
            return result
        if len(key) == 1:  # x[idx]: whole rows picked by an integer vector
            idx = as_var(key[0])
            result = _nabla.take_rows(self, idx)
            result._nabla_index = (self, "take_rows", (idx,))
            return result
        raise IndexError("nabla: advanced indexing is supported as x[idx] (rows by an integer vector) and "
                         "x[rows, cols] on a matrix (the x[T.arange(n), y] idiom); got " + repr(key))
    key = _expand_ellipsis(key, self.ndim)
    basic_key = tuple(k for k in key if k is not None)
    result = _nabla.subtensor(self, basic_key)
    if not any(k is None for k in key):
        result._nabla_index = (self, "subtensor", basic_key)  # for T.inc_subtensor / T.set_subtensor
        return result
    # np.newaxis entries: insert broadcastable axes where they were written.
    pattern, axis = [], 0
    for k in key:
        if k is None:
            pattern.append(-1)
        elif isinstance(k, slice):
            pattern.append(axis)
            axis += 1
    pattern += range(axis, result.ndim)
    return _nabla.dimshuffle(result, pattern)


def _pow(self, exponent):
    """x ** e; x ** 2 becomes sqr(x), which runs several times faster than an
    elementwise pow and has the simpler gradient 2x (network3's (w ** 2).sum()
    is evaluated on every training step)."""
    if type(exponent) in (int, float) and exponent == 2:
        return _nabla.sqr(self)
    return _nabla.pow(*as_pair(self, exponent))


_COMPARISONS = {"lt", "le", "gt", "ge", "eq", "neq"}


def _truth(self):
    """Theano's rule: a variable is true (so `if not input: input = T.matrix()` works),
    except the result of a comparison, whose truth is only known when it runs."""
    if self.op in _COMPARISONS:
        raise TypeError(f"nabla: the comparison {self} is symbolic and has no truth value yet "
                        "(Theano: 'Variables do not support boolean operations.'); use T.switch for "
                        "conditions, or compile it and test its value")
    return True


def _no_iter(self):
    raise TypeError(f"nabla: a symbolic variable ({self}) cannot be iterated; index it (x[i]) instead")


def _reshape(self, *shape, ndim=None):
    return T.reshape(self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape, ndim)


def _eval(self, inputs_to_values=None):
    """The value of this Var, computed without compiling (slow; for checks)."""
    return _nabla.eval([self], dict(inputs_to_values or {}))[0]


_METHODS = {
    "__add__": _binary(_nabla.add),
    "__radd__": _binary(_nabla.add, reflected=True),
    "__sub__": _binary(_nabla.sub),
    "__rsub__": _binary(_nabla.sub, reflected=True),
    "__mul__": _binary(_nabla.mul),
    "__rmul__": _binary(_nabla.mul, reflected=True),
    "__truediv__": _binary(_nabla.true_div),
    "__rtruediv__": _binary(_nabla.true_div, reflected=True),
    "__pow__": _pow,
    "__rpow__": _binary(_nabla.pow, reflected=True),
    "__lt__": _binary(_nabla.lt),
    "__le__": _binary(_nabla.le),
    "__gt__": _binary(_nabla.gt),
    "__ge__": _binary(_nabla.ge),
    "__neg__": lambda self: _nabla.neg(self),
    "__pos__": lambda self: self,
    "__abs__": lambda self: _nabla.abs(self),
    "__getitem__": _getitem,
    "__bool__": _truth,
    "__iter__": _no_iter,
    # numpy must hand `array + x` back to Var.__radd__ instead of looping over the array.
    "__array_ufunc__": None,
    "shape": property(Shape, doc="The symbolic shape: one int64 scalar Var per axis."),
    "T": property(T.transpose, doc="The transpose (all axes reversed)."),
    "reshape": _reshape,
    "dimshuffle": T.dimshuffle,
    "transpose": lambda self, *axes: T.transpose(self, axes or None),
    "flatten": lambda self, ndim=1: T.flatten(self, ndim),
    "astype": T.cast,
    "sum": lambda self, axis=None, dtype=None, keepdims=False: T.sum(self, axis, dtype, keepdims),
    "mean": lambda self, axis=None, dtype=None, keepdims=False: T.mean(self, axis, dtype, keepdims),
    "max": lambda self, axis=None, keepdims=False: T.max(self, axis, keepdims),
    "min": lambda self, axis=None, keepdims=False: T.min(self, axis, keepdims),
    "var": lambda self, axis=None, keepdims=False: T.var(self, axis, keepdims),
    "std": lambda self, axis=None, keepdims=False: T.std(self, axis, keepdims),
    "argmax": lambda self, axis=None, keepdims=False: T.argmax(self, axis, keepdims),
    "argmin": lambda self, axis=None, keepdims=False: T.argmin(self, axis, keepdims),
    "dot": T.dot,
    "clip": T.clip,
    "eval": _eval,
}

for _name, _method in _METHODS.items():
    setattr(Var, _name, _method)
