"""Costs as functions on Vars (nn/costs.hpp), each the mean over the rows of a
mini-batch, plus network2's cost classes for Network(cost=...).

A cost written in Python from nabla ops is just another function of Vars:
pass it to nabla.grad and an optimizer (see nabla.nn.Trainer)."""

from .. import _nabla
from .._convert import as_var

__all__ = ["quadratic_cost", "cross_entropy_cost", "log_likelihood_cost", "l2_norm_squared", "l1_norm",
           "QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost", "cost_class"]


def quadratic_cost(a, y):
    """mean over rows of 0.5 * ||a - y||^2; y holds one-hot rows."""
    return _nabla.nn.quadratic_cost(as_var(a), as_var(y))


def cross_entropy_cost(a, y):
    """mean over rows of sum_j -(y ln a + (1 - y) ln(1 - a)); computed from z
    without log(0) when a is sigmoid(z)."""
    return _nabla.nn.cross_entropy_cost(as_var(a), as_var(y))


def log_likelihood_cost(a, labels):
    """-mean ln a[x, label_x] for integer labels; stable when a is softmax(z)."""
    return _nabla.nn.log_likelihood_cost(as_var(a), as_var(labels))


def l2_norm_squared(weights):
    """sum of w**2 over a list of weight Vars."""
    return _nabla.nn.l2_norm_squared(list(weights))


def l1_norm(weights):
    """sum of |w| over a list of weight Vars."""
    return _nabla.nn.l1_norm(list(weights))


class QuadraticCost:
    """network2's QuadraticCost; fn builds the cost of a mini-batch (rows)."""
    fn = staticmethod(quadratic_cost)
    labels = False  # y is one-hot rows


class CrossEntropyCost:
    """network2's CrossEntropyCost (sigmoid outputs, one-hot y)."""
    fn = staticmethod(cross_entropy_cost)
    labels = False


class LogLikelihoodCost:
    """Softmax output layer with the log-likelihood cost (integer labels)."""
    fn = staticmethod(log_likelihood_cost)
    labels = True


_CLASSES = {c.__name__: c for c in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)}


def cost_class(cost):
    """The cost class for a class, its name, or a short name ('cross-entropy').
    A cost written in Python is a ValueError here: Network trains the built-in
    costs in C++; train Python costs with nabla.nn.Trainer."""
    if isinstance(cost, type) and cost.__name__ in _CLASSES and _CLASSES[cost.__name__] is cost:
        return cost
    if isinstance(cost, str):
        return _CLASSES[_nabla.nn.cost_class_name(cost)]
    raise ValueError(f"nabla.nn.Network: cost must be QuadraticCost, CrossEntropyCost or LogLikelihoodCost "
                     f"(or their names), got {cost!r}; a cost written in Python trains with nabla.nn.Trainer")
