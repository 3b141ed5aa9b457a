"""Turning Python values into graph values: numbers and arrays into constants,
shapes into dimension lists, dtype spellings into names."""

import numbers

import numpy as np

from . import _nabla
from ._config import config
from ._nabla import Var


class Shape(tuple):
    """x.shape: one int64 scalar Var per axis (Theano's symbolic shape).

    Index it (x.shape[0]), pass it where a shape is expected (reshape, zeros,
    RandomStreams sizes), or use it as a value (it becomes an int64 vector).
    """

    def __new__(cls, var):
        return super().__new__(cls, [_nabla.shape_i(var, i) for i in range(var.ndim)])


def dtype_name(dtype):
    """'float32' for 'float32', np.float32, np.dtype('f4'); 'floatX' means config.floatX."""
    if dtype == "floatX":
        return config.floatX
    return _nabla._dtype_name(dtype)


def _stack_scalars(items):
    """A vector Var from numbers and scalar Vars (used for shapes as values)."""
    if not items:
        return _nabla.constant(np.zeros(0, dtype="int64"))
    parts = [_nabla.reshape(as_var(v), [1]) for v in items]
    return parts[0] if len(parts) == 1 else _nabla.concatenate(parts, 0)


def _is_number(value):
    return isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, np.ndarray)


def as_var(value, like=None):
    """`value` as a Var. Numbers next to a Var (`like`) take its dtype when that
    keeps their kind, as Theano's autocasting did (x32 * 0.5 stays float32);
    alone, Python floats become floatX and ints int64. Arrays become constants
    of their own dtype."""
    if isinstance(value, Var):
        return value
    if isinstance(value, Shape) or (isinstance(value, (list, tuple)) and any(isinstance(v, Var) for v in value)):
        return _stack_scalars(list(value))
    if _is_number(value):
        if not isinstance(value, (numbers.Real, np.bool_)):
            raise TypeError("nabla: complex numbers are not supported")
        if like is not None:
            return _nabla.literal(float(value), like)
        if isinstance(value, np.generic):
            return _nabla.scalar_constant(float(value), value.dtype)
        if isinstance(value, (bool, np.bool_)):
            return _nabla.scalar_constant(float(value), "bool")
        if isinstance(value, numbers.Integral):
            return _nabla.scalar_constant(float(value), "int64")
        return _nabla.scalar_constant(float(value), config.floatX)
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except ValueError as e:  # ragged nested lists
            raise ValueError(f"nabla: cannot make a tensor of {value!r}: {e}") from None
        if array.dtype == np.float64:
            array = array.astype(config.floatX)  # Python floats, as above
        return _nabla.constant(array)
    if isinstance(value, np.ndarray):
        return _nabla.constant(value)
    raise TypeError(f"nabla: cannot use a {type(value).__name__} ({value!r:.60}) as a tensor")


def as_pair(a, b):
    """Both operands as Vars; a number takes the dtype of the Var beside it."""
    if isinstance(a, Var):
        return a, (b if isinstance(b, Var) else as_var(b, like=a))
    if isinstance(b, Var):
        return as_var(a, like=b), b
    return as_var(a), as_var(b)


def dims(shape):
    """A shape given as ints and integer scalar Vars: a tuple, list, x.shape, an
    int, or an integer vector Var of known length."""
    if isinstance(shape, Var):
        if shape.ndim == 0:
            return [shape]
        length = shape.static_shape[0] if shape.ndim == 1 else None
        if length is None:
            raise TypeError("nabla: a shape given as a Var must be an integer vector of known length, got "
                            f"{shape.type}")
        return [shape[i] for i in range(length)]
    if isinstance(shape, (numbers.Integral, np.integer)):
        return [int(shape)]
    if not hasattr(shape, "__iter__"):
        raise TypeError(f"nabla: a shape must be a tuple of ints and integer scalar Vars, got {shape!r}")
    return [_dim(d) for d in shape]


def _dim(d):
    if isinstance(d, Var):
        return d
    if isinstance(d, (numbers.Integral, np.integer)):
        return int(d)
    raise TypeError(f"nabla: a dimension must be an int or an integer scalar Var, got {d!r}")
