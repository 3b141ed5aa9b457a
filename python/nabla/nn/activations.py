"""Activation functions by name, as nn/activation.hpp applies them. Each also
works on its own (nabla.nn.relu(z)) and can be passed to FullyConnected
(activation=nabla.nn.relu), which looks it up by its name."""

from .. import _nabla
from .._convert import as_var

__all__ = ["sigmoid", "tanh", "relu", "linear", "softmax", "activate", "ACTIVATIONS"]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax")


def activate(activation, z):
    """activation(z) for a name in ACTIVATIONS (or one of the functions below)."""
    return _nabla.nn.activate(activation, as_var(z))


def sigmoid(z):
    """1 / (1 + exp(-z))"""
    return activate("sigmoid", z)


def tanh(z):
    """tanh(z)"""
    return activate("tanh", z)


def relu(z):
    """max(z, 0)"""
    return activate("relu", z)


def linear(z):
    """z itself"""
    return activate("linear", z)


def softmax(z):
    """exp(z) / sum(exp(z)) over the last axis"""
    return activate("softmax", z)
