"""network2.py's Network, trained in C++ (nn/network2.hpp):

    import nabla.nn as nn
    training_data, validation_data, test_data = nn.load_mnist()
    net = nn.Network([784, 30, 10], cost=nn.CrossEntropyCost)
    net.large_weight_initializer()
    evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = net.SGD(
        training_data, 30, 10, 0.5, lmbda=5.0, evaluation_data=validation_data,
        monitor_evaluation_accuracy=True)

Data sets are nabla.nn.Splits, (x, y) pairs of arrays or network2's lists of
(x, y) column pairs (see as_split). The whole SGD loop runs without the GIL.
"""

import numpy as np

from .. import _nabla
from .costs import cost_class
from .data import as_split

__all__ = ["Network", "load"]


def _activation_name(activation):
    return activation if isinstance(activation, str) else getattr(activation, "__name__", activation)


class Network:
    """A stack of fully connected layers (sigmoid by default; a softmax output
    layer with LogLikelihoodCost), weights per network2's default initializer."""

    def __init__(self, sizes, cost="CrossEntropyCost", seed=12345678, activation="sigmoid"):
        cls = cost_class(cost)
        self._net = _nabla.nn.Network([int(s) for s in sizes], cls.__name__, int(seed),
                                      _activation_name(activation))
        self.last_result = None  # the SGDResult of the last SGD call (epoch_seconds, learning_rate, ...)

    @classmethod
    def _wrap(cls, net):
        self = cls.__new__(cls)
        self._net, self.last_result = net, None
        return self

    # ---- network2's attributes ----------------------------------------------------

    @property
    def sizes(self):
        return list(self._net.sizes)

    @property
    def num_layers(self):
        return len(self._net.sizes)

    @property
    def cost(self):
        """The cost class (QuadraticCost, CrossEntropyCost or LogLikelihoodCost)."""
        return cost_class(self._net.cost)

    @property
    def weights(self):
        """Copies of the weight matrices, network2's layout: (n_out, n_in)."""
        return [layer.W.get_value() for layer in self._net.layers]

    @property
    def biases(self):
        """Copies of the biases as network2's (n_out, 1) columns."""
        return [layer.b.get_value().reshape(-1, 1) for layer in self._net.layers]

    @property
    def layers(self):
        """The FullyConnected layers; their W and b are this network's shared variables."""
        return self._net.layers

    @property
    def params(self):
        """[W0, b0, W1, b1, ...] as shared Vars."""
        return self._net.params

    def default_weight_initializer(self):
        """W ~ N(0, 1/sqrt(n_in)), b ~ N(0, 1)."""
        self._net.default_weight_initializer()

    def large_weight_initializer(self):
        """W, b ~ N(0, 1) (network.py's initialization)."""
        self._net.large_weight_initializer()

    # ---- evaluation --------------------------------------------------------------

    def feedforward(self, a):
        """The output for an input: rows (n, n_in) -> (n, n_out), a vector -> a
        vector, and network2's column (n_in, 1) -> (n_out, 1)."""
        a = np.asarray(a, dtype=np.float32)
        column = a.ndim == 2 and a.shape[1] == 1 and self._net.sizes[0] != 1
        out = self._net.feedforward(a.reshape(-1) if column else a)
        return out.reshape(-1, 1) if column else out

    def accuracy(self, data, convert=False):
        """How many examples of data the network gets right. (convert is
        network2's flag for one-hot labels; as_split detects those itself.)"""
        return self._net.accuracy(as_split(data, "accuracy data"))

    def total_cost(self, data, lmbda=0.0, convert=False, regularization="L2"):
        """Mean cost over data plus network2's penalty (lmbda / len(data))."""
        return self._net.total_cost(as_split(data, "total_cost data"), float(lmbda), regularization)

    # ---- training ----------------------------------------------------------------

    def SGD(self, training_data, epochs, mini_batch_size, eta, lmbda=0.0, evaluation_data=None,
            monitor_evaluation_cost=False, monitor_evaluation_accuracy=False, monitor_training_cost=False,
            monitor_training_accuracy=False, early_stopping_n=0, *, regularization="L2", optimizer=None,
            schedule_patience=0, verbose=True, on_epoch=None):
        """network2's mini-batch SGD; returns its four lists (evaluation cost,
        evaluation accuracy, training cost, training accuracy), accuracies as
        counts, each empty unless monitored.

        Beyond network2: early_stopping_n (stop after n epochs without a
        better evaluation accuracy), regularization ("L2" or "L1"), optimizer
        (a nabla.nn optimizer instead of plain SGD; eta becomes its learning
        rate), schedule_patience
        (halve eta after n epochs without improvement, stop at eta/128),
        verbose (network2's printing), on_epoch(epoch, result) called after
        each epoch (return False to stop). Ctrl-C stops between epochs.
        """
        training = as_split(training_data, "training_data")
        evaluation = None if evaluation_data is None else as_split(evaluation_data, "evaluation_data")
        result = self._net.SGD(
            training, epochs, mini_batch_size, eta, lmbda=lmbda, regularization=regularization,
            evaluation_data=evaluation, monitor_evaluation_cost=monitor_evaluation_cost,
            monitor_evaluation_accuracy=monitor_evaluation_accuracy, monitor_training_cost=monitor_training_cost,
            monitor_training_accuracy=monitor_training_accuracy, optimizer=optimizer,
            early_stopping=early_stopping_n, schedule_patience=schedule_patience, verbose=verbose,
            on_epoch=on_epoch)
        self.last_result = result
        return (list(result.evaluation_cost), list(result.evaluation_accuracy), list(result.training_cost),
                list(result.training_accuracy))

    # ---- files -------------------------------------------------------------------

    def save(self, filename):
        """network2's JSON: sizes, weights, biases and the cost's class name."""
        self._net.save(str(filename))

    @classmethod
    def load(cls, filename):
        """A Network from a file written by save() or by network2.py."""
        return cls._wrap(_nabla.nn.Network.load(str(filename)))

    def __repr__(self):
        return f"<nabla.nn.Network {self.sizes} {self._net.cost}>"


def load(filename):
    """network2.load: a Network from its JSON file."""
    return Network.load(filename)
