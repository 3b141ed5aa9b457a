"""nabla.nn.Network3, network3 trained in C++: fully connected layers with
dropout, a conv-pool layer, a layer written in Python (a Layer3 subclass)
among the C++ ones, and bad input. Small synthetic sets; each run must beat a
stated accuracy."""

import numpy as np
import pytest

import nabla
import nabla.nn as nn
import nabla.tensor as T


def blobs(n, classes=3, dim=20, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3 / np.sqrt(2), size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y


def bar_images(n, seed=0):
    """12x12 images of a horizontal, vertical or diagonal bar plus noise; the class is the direction."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.2, size=(n, 12, 12))
    y = rng.integers(0, 3, n)
    for k in range(n):
        p = rng.integers(2, 10)
        if y[k] == 0:
            x[k, p, 2:10] += 1
        elif y[k] == 1:
            x[k, 2:10, p] += 1
        else:
            idx = np.arange(8)
            x[k, idx + 2, (idx + p) % 12] += 1
    return x.reshape(n, 144).astype("float32"), y


def thirds(x, y):
    n = len(y) // 3
    return [(x[k * n:(k + 1) * n], y[k * n:(k + 1) * n]) for k in range(3)]


def test_fully_connected_with_dropout_beats_93_percent():
    training, validation, test = thirds(*blobs(900, seed=2))
    net = nn.Network3([nn.FullyConnectedLayer(n_in=20, n_out=30, activation_fn="relu", p_dropout=0.2),
                       nn.SoftmaxLayer(n_in=30, n_out=3)], mini_batch_size=10)
    result = net.SGD(training, 8, 10, 0.05, validation, test, lmbda=0.1, verbose=False)
    assert result.epochs_run == 8 and len(result.validation_accuracy) == 8
    assert result.best_validation_accuracy >= 0.93 and result.test_accuracy_at_best >= 0.93
    assert net.predictions(test).shape == (300,)


def test_conv_pool_layer_beats_95_percent():
    x, y = bar_images(700, seed=3)
    mb = 10
    net = nn.Network3([
        nn.ConvPoolLayer(image_shape=(mb, 1, 12, 12), filter_shape=(4, 1, 3, 3), poolsize=(2, 2),
                         activation_fn="relu"),
        nn.FullyConnectedLayer(n_in=4 * 5 * 5, n_out=20, activation_fn="relu"),
        nn.SoftmaxLayer(n_in=20, n_out=3)], mb)
    result = net.SGD((x[:500], y[:500]), 10, mb, 0.1, (x[500:600], y[500:600]), (x[600:], y[600:]), verbose=False)
    assert result.best_validation_accuracy >= 0.95 and result.test_accuracy_at_best >= 0.95


class PythonTanhLayer(nn.Layer3):
    """A network3 layer written in Python: tanh(inpt . w + b), no dropout."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.w = nabla.shared(np.zeros((n_in, n_out), dtype="float32"), name="py.w")
        self.b = nabla.shared(np.zeros(n_out, dtype="float32"), name="py.b")

    def set_inpt(self, inpt, inpt_dropout, mini_batch_size, srng):
        self.inpt = inpt.reshape((mini_batch_size, self.n_in))
        self.output = T.tanh(T.dot(self.inpt, self.w) + self.b)
        self.output_dropout = T.tanh(T.dot(inpt_dropout.reshape((mini_batch_size, self.n_in)), self.w) + self.b)

    def initialize(self, rng, init):
        self.w.set_value(nn.normal((self.n_in, self.n_out), std=1 / np.sqrt(self.n_in), rng=rng))
        self.b.set_value(nn.normal((self.n_out,), rng=rng))


def test_a_python_layer_trains_inside_network3():
    training, validation, test = thirds(*blobs(900, seed=4))
    hidden = PythonTanhLayer(20, 16)
    net = nn.Network3([hidden, nn.SoftmaxLayer(n_in=16, n_out=3)], mini_batch_size=10)
    start = hidden.w.get_value()
    assert start.std() > 0  # initialize() was called with the network's generator
    result = net.SGD(training, 6, 10, 0.1, validation, test, lmbda=0.1, verbose=False)
    assert not np.array_equal(hidden.w.get_value(), start)
    assert result.test_accuracy_at_best >= 0.93
    assert "PythonTanhLayer" in repr(net)


def test_on_epoch_stops_network3():
    training, validation, test = thirds(*blobs(300, seed=5))
    net = nn.Network3([nn.SoftmaxLayer(n_in=20, n_out=3)], 10)
    result = net.SGD(training, 10, 10, 0.1, validation, test, verbose=False, on_epoch=lambda e, r: e < 1)
    assert result.epochs_run == 2


def test_network3_bad_input():
    training, validation, test = thirds(*blobs(300, seed=6))
    with pytest.raises(ValueError, match="SoftmaxLayer"):
        nn.Network3([nn.FullyConnectedLayer(n_in=20, n_out=3)], 10)
    net = nn.Network3([nn.SoftmaxLayer(n_in=20, n_out=3)], 10)
    with pytest.raises(ValueError, match="mini_batch_size 5 differs"):
        net.SGD(training, 1, 5, 0.1, validation, test, verbose=False)
    with pytest.raises(ValueError, match="fewer than one mini-batch"):
        net.SGD(training, 1, 10, 0.1, (validation[0][:5], validation[1][:5]), test, verbose=False)
    with pytest.raises(ValueError, match="p_dropout"):
        nn.FullyConnectedLayer(n_in=20, n_out=3, p_dropout=1.5)
    with pytest.raises(ValueError, match="input maps"):
        nn.ConvPoolLayer(filter_shape=(4, 2, 3, 3), image_shape=(10, 1, 12, 12))
