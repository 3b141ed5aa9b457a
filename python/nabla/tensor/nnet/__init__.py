"""Theano's theano.tensor.nnet: activations, softmax, cross-entropies, conv2d."""

from ... import _nabla
from ..._convert import as_var
from ..basic import arange, log, mul, sigmoid, softplus, sum  # noqa: F401  (sigmoid, softplus: T.nnet names)
from . import conv  # noqa: F401
from .conv import conv2d  # noqa: F401

__all__ = ["sigmoid", "softplus", "relu", "softmax", "logsoftmax", "log_softmax", "categorical_crossentropy",
           "binary_crossentropy", "softmax_cross_entropy", "conv2d", "conv"]


def relu(x, alpha=0):
    """max(x, 0); with alpha, the leaky version max(x, alpha * x) (0 <= alpha <= 1)."""
    x = as_var(x)
    if alpha == 0:
        return _nabla.relu(x)
    return mul(0.5 * (1 + alpha), x) + mul(0.5 * (1 - alpha), _nabla.abs(x))


def softmax(x):
    """exp(x) / sum(exp(x)) over the last axis (stable)."""
    return _nabla.softmax(as_var(x))


def logsoftmax(x):
    """log(softmax(x)) over the last axis, computed stably."""
    return _nabla.log_softmax(as_var(x))


log_softmax = logsoftmax


def categorical_crossentropy(coding_dist, true_dist):
    """-log(p[true class]) per row: true_dist an integer vector of class indices,
    or a matrix of target distributions (-sum(t * log(p)) per row).

    Class indices must lie in [0, p.shape[1]): a label -1 or past the last
    class raises nabla.NablaIndexError (an IndexError) naming the label and its
    position when the function runs, instead of wrapping as x[arange(n), y] does."""
    p, t = as_var(coding_dist), as_var(true_dist)
    if t.ndim == 1:
        return -log(p)[arange(t.shape[0]), _nabla.class_labels(t, p, "categorical_crossentropy")]
    return -sum(t * log(p), axis=p.ndim - 1)


def binary_crossentropy(output, target):
    """-(t log(o) + (1 - t) log(1 - o)), elementwise."""
    o, t = as_var(output), as_var(target)
    return -(t * log(o) + (1 - t) * log(1 - o))


def softmax_cross_entropy(z, labels):
    """-log(softmax(z))[arange(n), labels] as one stable op (nabla's fused op;
    compiling the naive spelling produces it too)."""
    return _nabla.softmax_xent(as_var(z), as_var(labels))
