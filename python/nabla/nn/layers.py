"""The layer library, initializers and the random generator they draw from.

Every layer is a nabla.nn.Layer: apply(x, x_dropout, ctx) returns the output
on the evaluation and the training (dropout) path, params lists its shared
variables, weights the ones L2 penalizes, initialize(rng, init) draws them.
Built in: FullyConnected (W (n_out, n_in), optional p_dropout), Softmax,
Conv2D, MaxPool2D, ConvPool. Initializers, by name: "default"
(N(0, 1/sqrt(fan-in)), biases N(0, 1)), "large" (N(0, 1)), "zeros",
"network3" (network3.py's N(0, sqrt(1/n_out))).

A layer of your own:

    class Scale(nabla.nn.Layer):                # y = x * s, one parameter per unit
        def __init__(self, n):
            super().__init__()
            self.s = nabla.shared(np.ones(n, dtype="float32"), name="scale.s")
            self.params = [self.s]
        def apply(self, x, x_dropout, ctx):
            return x * self.s, x_dropout * self.s

Layer(x) gives the evaluation path alone, so layers also stack by hand:

    a = nabla.nn.FullyConnected(100, 10, activation="softmax")(hidden(x))
"""

from .. import _nabla

__all__ = ["Layer", "LayerContext", "FullyConnected", "Softmax", "Conv2D", "MaxPool2D", "ConvPool", "Elman", "LSTM", "Rng", "normal",
           "INITIALIZERS"]

Layer = _nabla.nn.Layer
LayerContext = _nabla.nn.LayerContext
FullyConnected = _nabla.nn.FullyConnected
Softmax = _nabla.nn.Softmax
Conv2D = _nabla.nn.Conv2D
MaxPool2D = _nabla.nn.MaxPool2D
ConvPool = _nabla.nn.ConvPool
Elman = _nabla.nn.Elman  # recurrent layers over (T, batch, n_in), written with scan
LSTM = _nabla.nn.LSTM
Rng = _nabla.nn.Rng
normal = _nabla.nn.normal

INITIALIZERS = ("default", "large", "zeros", "network3")
