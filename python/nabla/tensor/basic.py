"""Theano's tensor functions (theano.tensor, imported as T): typed inputs,
elementwise math, reductions, shape functions and constructors.

Every function accepts Vars, Python numbers and numpy arrays; numbers next to
a Var take its dtype (T.maximum(0.0, z) stays float32 for a float32 z).
"""

import numbers

import numpy as np

from .. import _nabla
from .._config import config
from .._convert import Shape, as_pair, as_var, dims, dtype_name
from .._nabla import Var
from ..gradient import grad  # noqa: F401  (T.grad)

__all__ = [
    # inputs and constants
    "TensorVariable", "TensorType", "scalar", "vector", "matrix", "tensor3", "tensor4",
    "iscalar", "lscalar", "fscalar", "dscalar", "ivector", "lvector", "fvector", "dvector",
    "imatrix", "lmatrix", "fmatrix", "dmatrix", "ftensor3", "dtensor3", "ftensor4", "dtensor4",
    "constant", "as_tensor_variable",
    # elementwise
    "add", "sub", "mul", "true_div", "pow", "maximum", "minimum", "eq", "neq", "lt", "le", "gt", "ge",
    "switch", "where", "clip", "neg", "exp", "log", "log1p", "sqrt", "sqr", "abs_", "abs", "sgn", "tanh",
    "sigmoid", "softplus", "erf", "inv", "cast",
    # reductions, linear algebra
    "sum", "mean", "max", "min", "var", "std", "argmax", "argmin", "dot",
    # shape and constructors
    "shape", "reshape", "flatten", "dimshuffle", "transpose", "concatenate", "stack",
    "arange", "zeros_like", "ones_like", "zeros", "ones", "alloc", "fill",
    # indexing
    "inc_subtensor", "set_subtensor",
    # gradients
    "grad",
]

TensorVariable = Var


class TensorType:
    """Theano's TensorType(dtype, broadcastable): calling it makes an input of that
    dtype and rank (broadcastable axes are not tracked: every dim is open)."""

    def __init__(self, dtype, broadcastable):
        self.dtype = dtype_name(dtype)
        self.broadcastable = tuple(bool(b) for b in broadcastable)

    def __call__(self, name=None):
        return _input(len(self.broadcastable), self.dtype, name)

    def __repr__(self):
        return f"TensorType({self.dtype}, {self.broadcastable})"

# ---- typed inputs ------------------------------------------------------------------


def _input(rank, dtype, name):
    return _nabla.input(dtype_name(dtype or config.floatX), rank, name or "")


def scalar(name=None, dtype=None):
    """A scalar input (dtype defaults to config.floatX)."""
    return _input(0, dtype, name)


def vector(name=None, dtype=None):
    """A vector input of unknown length (dtype defaults to config.floatX)."""
    return _input(1, dtype, name)


def matrix(name=None, dtype=None):
    """A matrix input of unknown shape (dtype defaults to config.floatX)."""
    return _input(2, dtype, name)


def tensor3(name=None, dtype=None):
    """A rank-3 input (dtype defaults to config.floatX)."""
    return _input(3, dtype, name)


def tensor4(name=None, dtype=None):
    """A rank-4 input, e.g. images (N, C, H, W) (dtype defaults to config.floatX)."""
    return _input(4, dtype, name)


def _typed(rank, dtype, doc):
    def make(name=None):
        return _input(rank, dtype, name)
    make.__doc__ = doc
    return make


iscalar = _typed(0, "int32", "An int32 scalar input.")
lscalar = _typed(0, "int64", "An int64 scalar input (e.g. a mini-batch index).")
fscalar = _typed(0, "float32", "A float32 scalar input.")
dscalar = _typed(0, "float64", "A float64 scalar input.")
ivector = _typed(1, "int32", "An int32 vector input (e.g. labels).")
lvector = _typed(1, "int64", "An int64 vector input.")
fvector = _typed(1, "float32", "A float32 vector input.")
dvector = _typed(1, "float64", "A float64 vector input.")
imatrix = _typed(2, "int32", "An int32 matrix input.")
lmatrix = _typed(2, "int64", "An int64 matrix input.")
fmatrix = _typed(2, "float32", "A float32 matrix input.")
dmatrix = _typed(2, "float64", "A float64 matrix input.")
ftensor3 = _typed(3, "float32", "A float32 rank-3 input.")
dtensor3 = _typed(3, "float64", "A float64 rank-3 input.")
ftensor4 = _typed(4, "float32", "A float32 rank-4 input.")
dtensor4 = _typed(4, "float64", "A float64 rank-4 input.")


def constant(x, name=None, dtype=None):
    """A constant holding a copy of x (a number or array)."""
    value = np.asarray(x, dtype=dtype_name(dtype) if dtype else None)
    if dtype is None and isinstance(x, float):
        value = value.astype(config.floatX)
    return _nabla.constant(value, name or "")


def as_tensor_variable(x, name=None):
    """x as a Var (numbers and arrays become constants, x.shape an int64 vector)."""
    v = as_var(x)
    if name is not None:
        v.name = name
    return v


# ---- elementwise, numpy broadcasting ------------------------------------------------


def add(a, b):
    """a + b."""
    return _nabla.add(*as_pair(a, b))


def sub(a, b):
    """a - b."""
    return _nabla.sub(*as_pair(a, b))


def mul(a, b):
    """a * b."""
    return _nabla.mul(*as_pair(a, b))


def true_div(a, b):
    """a / b (true division: integers give floats)."""
    return _nabla.true_div(*as_pair(a, b))


def pow(a, b):  # noqa: A001  (Theano's name)
    """a ** b."""
    return _nabla.pow(*as_pair(a, b))


def maximum(a, b):
    """The larger of a and b, elementwise."""
    return _nabla.maximum(*as_pair(a, b))


def minimum(a, b):
    """The smaller of a and b, elementwise."""
    return _nabla.minimum(*as_pair(a, b))


def eq(a, b):
    """a == b, elementwise (bool). Var's == operator is identity, as in Theano."""
    return _nabla.eq(*as_pair(a, b))


def neq(a, b):
    """a != b, elementwise (bool)."""
    return _nabla.neq(*as_pair(a, b))


def lt(a, b):
    """a < b, elementwise (bool)."""
    return _nabla.lt(*as_pair(a, b))


def le(a, b):
    """a <= b, elementwise (bool)."""
    return _nabla.le(*as_pair(a, b))


def gt(a, b):
    """a > b, elementwise (bool)."""
    return _nabla.gt(*as_pair(a, b))


def ge(a, b):
    """a >= b, elementwise (bool)."""
    return _nabla.ge(*as_pair(a, b))


def switch(cond, ift, iff):
    """ift where cond is true (nonzero), else iff; broadcasting."""
    cond = as_var(cond)
    ift, iff = as_pair(ift, iff)
    return _nabla.where(cond, ift, iff)


where = switch


def clip(x, a_min, a_max):
    """x limited to [a_min, a_max], as numpy: minimum(maximum(x, a_min), a_max), so
    a_min > a_max gives a_max everywhere."""
    return minimum(maximum(x, a_min), a_max)


# The unary elementwise functions come from the C++ unary table (one row each:
# name, doc, kernels, gradient), so a new row appears here without a hand-kept list.
# Theano's spellings: sgn for sign, abs_ for abs.
_THEANO_NAME = {"sign": "sgn", "abs": "abs_"}


def _unary_function(name, doc):
    kernel = getattr(_nabla, name)

    def function(x):
        return kernel(as_var(x))

    function.__name__ = function.__qualname__ = _THEANO_NAME.get(name, name)
    function.__doc__ = doc
    return function


UNARY_FUNCTIONS = [_THEANO_NAME.get(name, name) for name, _ in _nabla.unary_ops()]
for _name, _doc in _nabla.unary_ops():
    globals()[_THEANO_NAME.get(_name, _name)] = _unary_function(_name, _doc)
abs = abs_  # noqa: A001,F821  (defined by the loop above)


def sqr(x):
    """x * x."""
    return _nabla.sqr(as_var(x))


def inv(x):
    """1 / x."""
    return true_div(1.0, x)


def cast(x, dtype):
    """x converted to dtype ('int32', 'float32', 'floatX', np.float64, ...)."""
    x = as_var(x)
    if dtype is None:
        raise TypeError("nabla: cast needs a dtype ('float32', 'int32', 'floatX', ...), got None")
    name = dtype_name(dtype)
    return x if x.dtype == name else _nabla.cast(x, name)


# ---- reductions ---------------------------------------------------------------------


def _axis(axis, fn="reduction"):
    """None, an int, or a sequence of ints; anything else (1.5, 'a') is a TypeError naming it."""
    if axis is None:
        return None
    if isinstance(axis, (numbers.Integral, np.integer)) and not isinstance(axis, (bool, np.bool_)):
        return int(axis)
    if isinstance(axis, (str, bytes)) or not hasattr(axis, "__iter__"):
        raise TypeError(f"nabla: {fn}: axis must be an int or a sequence of ints, got {axis!r}")
    return [_int_axis(a, fn) for a in axis]


def _with_dtype(v, dtype):
    return v if dtype is None else cast(v, dtype)


def sum(x, axis=None, dtype=None, keepdims=False):  # noqa: A001
    """Sum over axis (an int, a list, or None for all axes)."""
    return _with_dtype(_nabla.sum(as_var(x), _axis(axis), keepdims), dtype)


def mean(x, axis=None, dtype=None, keepdims=False):
    """Mean over axis (an int, a list, or None for all axes)."""
    return _with_dtype(_nabla.mean(as_var(x), _axis(axis), keepdims), dtype)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """The largest element over axis."""
    return _nabla.max(as_var(x), _axis(axis), keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """The smallest element over axis."""
    return _nabla.min(as_var(x), _axis(axis), keepdims)


def var(x, axis=None, keepdims=False):
    """The variance over axis (population variance, like numpy's default)."""
    x = as_var(x)
    d = x - mean(x, axis, keepdims=True)
    return mean(d * d, axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """The standard deviation over axis. Its gradient is 0 where the variance
    is 0 (sqrt's would be Inf * 0 = NaN there; docs/gradient_conventions.rst)."""
    v = var(x, axis, keepdims)
    spread = gt(v, 0)
    return switch(spread, sqrt(switch(spread, v, 1)), 0)


def _int_axis(axis, fn):
    """axis as an int; a float such as 1.5 or a string is the caller's mistake, not axis 1."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (numbers.Integral, np.integer)):
        raise TypeError(f"nabla: {fn}: axis must be an int, got {axis!r}")
    return int(axis)


def argmax(x, axis=None, keepdims=False):
    """The index of the largest element along axis (int64); axis=None: of the flattened x."""
    x = as_var(x)
    if axis is None:
        flat = _nabla.argmax(_nabla.flatten(x, 1), 0, False) if x.ndim != 1 else _nabla.argmax(x, 0, False)
        return reshape(flat, [1] * x.ndim) if keepdims else flat
    return _nabla.argmax(x, _int_axis(axis, "argmax"), keepdims)


def argmin(x, axis=None, keepdims=False):
    """The index of the smallest element along axis (int64)."""
    return argmax(neg(x), axis, keepdims)


# ---- linear algebra -------------------------------------------------------------------


def dot(a, b):
    """numpy's dot for vectors and matrices (matrix products go to one GEMM)."""
    return _nabla.dot(*as_pair(a, b))


# ---- shape ------------------------------------------------------------------------------


def shape(x):
    """x.shape: a tuple of int64 scalar Vars."""
    return Shape(as_var(x))


def reshape(x, newshape, ndim=None):
    """x with a new shape of the same size (ints and integer scalar Vars, one -1)."""
    x = as_var(x)
    d = dims(newshape)
    if ndim is not None and ndim != len(d):
        raise ValueError(f"nabla: reshape: ndim={ndim} but the new shape has {len(d)} entries")
    return _nabla.reshape(x, d)


def flatten(x, ndim=None, outdim=None):
    """Keeps the first ndim-1 axes and flattens the rest into one (ndim=1: a vector)."""
    n = ndim if ndim is not None else (outdim if outdim is not None else 1)
    return _nabla.flatten(as_var(x), int(n))


def dimshuffle(x, *pattern):
    """Theano's dimshuffle: a permutation of x's axes, 'x' inserting a broadcastable axis."""
    if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
        pattern = tuple(pattern[0])
    return _nabla.dimshuffle(as_var(x), [-1 if p == "x" else int(p) for p in pattern])


def transpose(x, axes=None):
    """x with its axes reversed, or permuted by axes."""
    x = as_var(x)
    return _nabla.transpose(x) if axes is None else dimshuffle(x, *axes)


def concatenate(tensor_list, axis=0):
    """The tensors joined along an existing axis."""
    return _nabla.concatenate([as_var(t) for t in tensor_list], int(axis))


def stack(tensors, axis=0):
    """The tensors joined along a new axis."""
    parts = []
    for t in tensors:
        t = as_var(t)
        pattern = list(range(t.ndim))
        pattern.insert(axis if axis >= 0 else t.ndim + 1 + axis, "x")
        parts.append(dimshuffle(t, *pattern))
    return concatenate(parts, axis)


# ---- constructors ---------------------------------------------------------------------------


def _int_dim(v, what):
    if isinstance(v, Var) or isinstance(v, (numbers.Integral, np.integer)):
        return v
    raise TypeError(f"nabla: arange: {what} must be an int or an integer scalar Var, got {v!r}")


def arange(start, stop=None, step=1, dtype=None):
    """[start, stop) with step, as int64 (integer bounds, symbolic or not)."""
    if stop is None:
        start, stop = 0, start
    r = _nabla.arange(_int_dim(start, "start"), _int_dim(stop, "stop"), _int_dim(step, "step"))
    return _with_dtype(r, dtype)


def zeros_like(x, dtype=None):
    """Zeros shaped like x (x's dtype unless given)."""
    return _with_dtype(_nabla.zeros_like(as_var(x)), dtype)


def ones_like(x, dtype=None):
    """Ones shaped like x (x's dtype unless given)."""
    return _with_dtype(_nabla.ones_like(as_var(x)), dtype)


def zeros(shape, dtype=None):
    """Zeros of a (possibly symbolic) shape."""
    return _nabla.full(dims(shape), 0.0, dtype_name(dtype or config.floatX))


def ones(shape, dtype=None):
    """Ones of a (possibly symbolic) shape."""
    return _nabla.full(dims(shape), 1.0, dtype_name(dtype or config.floatX))


def alloc(value, *shape):
    """value broadcast to shape (Theano's alloc)."""
    if isinstance(value, Var):
        return _nabla.mul(ones(shape, value.dtype), value)
    return _nabla.full(dims(shape), float(value), config.floatX)


def fill(model, value):
    """A tensor shaped like model filled with value."""
    model = as_var(model)
    if isinstance(value, Var):
        return _nabla.mul(ones_like(model, value.dtype), value)
    return _nabla.fill_like(model, float(value))


# ---- indexing -------------------------------------------------------------------------------


def _indexed(x_sub, fn):
    try:
        return x_sub._nabla_index
    except AttributeError:
        raise TypeError(f"nabla: {fn} takes an indexing expression written in place, as in "
                        f"T.{fn}(x[2:5], y) or T.{fn}(x[rows, cols], y)") from None


def _inc(base, kind, key, y):
    y = as_var(y, like=base)
    if kind == "take2d":
        return _nabla.inc_take2d(base, key[0], key[1], y)
    if kind == "take_rows":  # y broadcast to the rows it goes into
        return _nabla.inc_rows(base, key[0], y + _nabla.zeros_like(_nabla.take_rows(base, key[0])))
    return _nabla.inc_subtensor(base, y, key)


def inc_subtensor(x_sub, y):
    """A copy of x with x[idx] += y, written T.inc_subtensor(x[idx], y) as in Theano
    (for x[rows, cols], repeated pairs accumulate)."""
    base, kind, key = _indexed(x_sub, "inc_subtensor")
    return _inc(base, kind, key, y)


def set_subtensor(x_sub, y):
    """A copy of x with x[idx] = y, written T.set_subtensor(x[idx], y) as in Theano."""
    base, kind, key = _indexed(x_sub, "set_subtensor")
    zeros = _nabla.zeros_like(base)
    if kind == "take2d":
        selected = _nabla.inc_take2d(zeros, key[0], key[1], _nabla.ones_like(cast(key[0], base.dtype)))
    elif kind == "take_rows":
        selected = _nabla.inc_rows(zeros, key[0], _nabla.ones_like(_nabla.take_rows(base, key[0])))
    else:
        selected = _nabla.inc_subtensor(zeros, _nabla.scalar_constant(1.0, base.dtype), key)
    cleared = switch(selected, 0, base)  # exact zeros where y goes (also where x is inf)
    return _inc(cleared, kind, key, y)
