"""Layers, initializers and the random generator they draw from.

FullyConnected(n_in, n_out, activation="sigmoid", init="default", rng=None)
owns shared W (n_out, n_in) and b (n_out,); layer(x) returns the Var
act(x W^T + b), so it stacks with layers written in Python:

    hidden = MyPythonLayer(784, 100)          # anything mapping a Var to a Var
    out = nabla.nn.FullyConnected(100, 10, activation="softmax")
    a = out(hidden(x))
    params = hidden.params + out.params
"""

from .. import _nabla

__all__ = ["FullyConnected", "Rng", "normal", "INITIALIZERS"]

FullyConnected = _nabla.nn.FullyConnected
Rng = _nabla.nn.Rng
normal = _nabla.nn.normal

INITIALIZERS = ("default", "large", "zeros")
