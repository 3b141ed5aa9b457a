"""network3.py's Network, layers wired and trained in C++ (nn/network3.hpp):

    import nabla.nn as nn
    training_data, validation_data, test_data = nn.load_mnist()
    net = nn.Network3([nn.FullyConnectedLayer(n_in=784, n_out=100),
                       nn.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size=10)
    result = net.SGD(training_data, 60, 10, 0.1, validation_data, test_data)

network3's semantics are kept (no shuffling, dropout on the layers' inputs, the
test accuracy reported at the best validation epoch). A layer written in
Python subclasses Layer3: its set_inpt(inpt, inpt_dropout, mini_batch_size,
srng) sets self.output and self.output_dropout from nabla ops, self.w and
self.b hold its shared parameters, and initialize(rng, init) draws them.
"""

from .. import _nabla
from .data import as_split

__all__ = ["Network3", "Layer3", "ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer", "Network3Result"]

Layer3 = _nabla.nn.Layer3
ConvPoolLayer = _nabla.nn.ConvPoolLayer
FullyConnectedLayer = _nabla.nn.FullyConnectedLayer
SoftmaxLayer = _nabla.nn.SoftmaxLayer
Network3Result = _nabla.nn.Network3Result


class Network3:
    """A list of layers (the last a SoftmaxLayer) and the mini-batch size the
    layers were built for. seed draws the initial values; init is "network3"
    (the book's scale) or "corrected" (1/sqrt(fan-in))."""

    def __init__(self, layers, mini_batch_size, seed=12345678, init="network3"):
        self.layers = list(layers)  # also keeps layers written in Python alive
        self._net = _nabla.nn.Network3(self.layers, mini_batch_size, seed, init)
        self.last_result = None

    mini_batch_size = property(lambda self: self._net.mini_batch_size)
    params = property(lambda self: self._net.params, doc="Every layer's w and b (shared Vars).")
    x = property(lambda self: self._net.x, doc="The input matrix Var.")
    y = property(lambda self: self._net.y, doc="The int32 label vector Var.")
    output = property(lambda self: self._net.output, doc="The evaluation path's output.")
    output_dropout = property(lambda self: self._net.output_dropout, doc="The training path's output.")

    def SGD(self, training_data, epochs, mini_batch_size, eta, validation_data, test_data, lmbda=0.0, *,
            verbose=True, test_every_epoch=True, on_epoch=None):
        """network3's SGD (prints as network3 does unless verbose=False);
        returns the Network3Result (test_accuracy_at_best is the book's figure).
        on_epoch(epoch, result) after each epoch may return False to stop."""
        self.last_result = self._net.SGD(
            as_split(training_data, "training_data"), epochs, mini_batch_size, eta,
            as_split(validation_data, "validation_data"), as_split(test_data, "test_data"), lmbda,
            verbose=verbose, test_every_epoch=test_every_epoch, on_epoch=on_epoch)
        return self.last_result

    def accuracy(self, data):
        """Mean accuracy over data's full mini-batches."""
        return self._net.accuracy(as_split(data, "accuracy data"))

    def predictions(self, data):
        """The predicted class of each example in data's full mini-batches (int32)."""
        return self._net.predictions(as_split(data, "prediction data"))

    def initialize(self, seed, init="network3"):
        """Draws every layer's initial values again."""
        self._net.initialize(seed, init)

    def __repr__(self):
        return "<nabla.nn.Network3\n  " + self._net.describe().strip().replace("\n", "\n  ") + ">"
