"""network3.py's Network, layers wired and trained in C++ (nn/book/network3.hpp):

    import nabla.nn as nn
    training_data, validation_data, test_data = nn.load_mnist()
    net = nn.Network3([nn.FullyConnectedLayer(n_in=784, n_out=100),
                       nn.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size=10)
    result = net.SGD(training_data, 60, 10, 0.1, validation_data, test_data)

network3's semantics are kept (no shuffling, dropout on the layers' inputs, the
test accuracy reported at the best validation epoch). The layers are the
library's (nabla.nn.FullyConnected, Softmax, ConvPool, or any nabla.nn.Layer);
FullyConnectedLayer, SoftmaxLayer and ConvPoolLayer build them with network3's
argument names. Layer3 adapts network3's own layer interface (set_inpt) to
nabla.nn.Layer, for layers written the way network3.py writes them.
"""

from .. import _nabla
from .data import as_split

__all__ = ["Network3", "Layer3", "ConvPoolLayer", "FullyConnectedLayer", "SoftmaxLayer", "Network3Result"]

Network3Result = _nabla.nn.Network3Result


def FullyConnectedLayer(n_in, n_out, activation_fn="sigmoid", p_dropout=0.0):
    """network3's FullyConnectedLayer: a nabla.nn.FullyConnected (W stored (n_out, n_in)),
    drawn when the Network3 initializes its layers."""
    return _nabla.nn.FullyConnected(n_in, n_out, activation=activation_fn, init="zeros", p_dropout=p_dropout)


def SoftmaxLayer(n_in, n_out, p_dropout=0.0):
    """network3's SoftmaxLayer: a nabla.nn.Softmax (starts at zeros)."""
    return _nabla.nn.Softmax(n_in, n_out, p_dropout=p_dropout)


def ConvPoolLayer(filter_shape, image_shape, poolsize=(2, 2), activation_fn="sigmoid", flip=True):
    """network3's ConvPoolLayer: a nabla.nn.ConvPool."""
    return _nabla.nn.ConvPool(filter_shape, image_shape, poolsize, activation=activation_fn, flip=flip)


class Layer3(_nabla.nn.Layer):
    """network3's layer interface over nabla.nn.Layer: subclasses define
    set_inpt(inpt, inpt_dropout, mini_batch_size, srng) setting self.output and
    self.output_dropout, keep their parameters in self.w and self.b, and may
    define initialize(rng, init)."""

    def apply(self, x, x_dropout, ctx):
        self.set_inpt(x, x_dropout, ctx.batch, ctx.srng)
        return self.output, self.output_dropout

    def params(self):
        return [self.w, self.b]

    def weights(self):
        return [self.w]


class Network3:
    """A list of layers (the last a SoftmaxLayer) and the mini-batch size the
    layers were built for. seed draws the initial values; init is "network3"
    (the book's scale) or "default" (1/sqrt(fan-in); "corrected" is accepted
    for it)."""

    def __init__(self, layers, mini_batch_size, seed=12345678, init="network3"):
        self.layers = list(layers)  # also keeps layers written in Python alive
        self._seed, self._init = seed, init
        self._net = _nabla.nn.Network3(self.layers, mini_batch_size, seed, init)
        self.last_result = None

    def __getstate__(self):
        """Pickled: the layers (with their shared variables) and the settings;
        the C++ network is wired again on load, keeping the layers' values.
        last_result (a training log) is not kept."""
        return {"format": 1, "layers": self.layers, "mini_batch_size": self.mini_batch_size,
                "seed": self._seed, "init": self._init}

    def __setstate__(self, state):
        from .._pickling import UnpicklingError
        if not isinstance(state, dict) or state.get("format") != 1:
            raise UnpicklingError("nabla: cannot unpickle a Network3: expected a format-1 state")
        layers = state["layers"]
        params = [p for layer in layers for p in (layer.params() if callable(layer.params) else layer.params)]
        values = [p.get_value() for p in params]
        self.__init__(layers, state["mini_batch_size"], state["seed"], state["init"])  # draws initial values
        for p, v in zip(params, values):
            p.set_value(v)

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
