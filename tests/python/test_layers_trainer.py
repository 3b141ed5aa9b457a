"""The layer library and the C++ trainer from Python: a layer written in
Python (its own parameters and expression) between C++ layers, trained by Adam
through nabla.nn.Trainer; monitors and callbacks; a Python layer's mistakes
raise Python exceptions."""

import numpy as np
import pytest

import nabla
import nabla.nn as nn
import nabla.tensor as T


def blobs(n, classes=3, dim=12, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 2, size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y.astype("int32")


class GatedTanh(nn.Layer):
    """y = tanh(x W^T + b) * sigmoid(g): a dense layer with a learned gate per unit."""

    def __init__(self, n_in, n_out, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.W = nabla.shared(rng.normal(0, 1 / np.sqrt(n_in), (n_out, n_in)).astype("float32"), name="gated.W")
        self.b = nabla.shared(np.zeros(n_out, dtype="float32"), name="gated.b")
        self.g = nabla.shared(np.zeros(n_out, dtype="float32"), name="gated.g")
        self.params = [self.W, self.b, self.g]
        self.weights = [self.W]

    def apply(self, x, x_dropout, ctx):
        f = lambda v: T.tanh(T.dot(v, self.W.T) + self.b) * T.nnet.sigmoid(self.g)
        return f(x), f(x_dropout)


def test_a_python_layer_trains_with_adam_through_the_cpp_trainer():
    x_all, y_all = blobs(900, seed=1)
    training, validation = nn.SharedData((x_all[:600], y_all[:600])), nn.SharedData((x_all[600:], y_all[600:]))
    gated = GatedTanh(12, 16)
    out = nn.Softmax(16, 3)
    x, y = T.matrix("x"), T.ivector("y")
    ctx = nn.LayerContext()
    h, _ = gated.apply(x, x, ctx)
    a, _ = out.apply(h, h, ctx)
    trainer = nn.Trainer(x, y, nn.log_likelihood_cost(a, y), gated.params + out.params, nn.Adam(0.01), training,
                         mini_batch_size=20, output=a, shuffle_rng=nn.Rng(3))
    trainer.add_accuracy_monitor("validation accuracy", validation)
    gate0 = gated.g.get_value()
    logs = trainer.fit(12)
    assert len(logs) == 12
    accuracy = [log.metrics["validation accuracy"] for log in logs]
    assert accuracy[-1] >= 0.95, accuracy
    assert logs[-1].training_cost < logs[0].training_cost
    assert not np.array_equal(gated.g.get_value(), gate0)  # the Python layer's own parameter trained
    assert trainer.accuracy((x_all[600:], y_all[600:])) == round(accuracy[-1] * 300)


def test_python_layers_stack_with_cpp_layers_in_network3_and_callbacks_stop():
    x_all, y_all = blobs(600, seed=2)
    thirds = [(x_all[k * 200:(k + 1) * 200], y_all[k * 200:(k + 1) * 200]) for k in range(3)]
    net = nn.Network3([GatedTanh(12, 10), nn.Softmax(10, 3)], mini_batch_size=10)
    result = net.SGD(thirds[0], 5, 10, 0.5, thirds[1], thirds[2], verbose=False)
    assert result.test_accuracy_at_best >= 0.9
    assert "GatedTanh" in repr(net)
    x, y = T.matrix("x"), T.ivector("y")
    layer = nn.FullyConnected(12, 3, activation="softmax", rng=1)
    trainer = nn.Trainer(x, y, nn.log_likelihood_cost(layer(x), y), layer.params, nn.RMSProp(0.01),
                         nn.SharedData(thirds[0]), 10)
    seen = []
    trainer.add_monitor("one", lambda: 1.0)
    logs = trainer.fit(10, on_epoch=lambda log: seen.append(log.metrics["one"]) or len(seen) < 2)
    assert len(logs) == 2 and seen == [1.0, 1.0]
    # The flat monitor never improves after its first epoch: patience 3 stops 3 epochs later.
    trainer.add_early_stopping("one", patience=3)
    assert len(trainer.fit(10)) == 4
    with pytest.raises(ValueError, match="monitored: one"):
        trainer.add_early_stopping("missing", 2)
        trainer.fit(1)


def test_python_layer_mistakes_raise_python_exceptions():
    class NoParams(nn.Layer):
        def apply(self, x, x_dropout, ctx):
            return x

    class BadReturn(nn.Layer):
        params = []

        def apply(self, x, x_dropout, ctx):
            return 42

    net = nn.Network3([NoParams(), nn.Softmax(12, 3)], 10)
    with pytest.raises(TypeError, match="must define `params`"):
        net.params
    with pytest.raises(TypeError, match="must return a Var"):
        nn.Network3([BadReturn(), nn.Softmax(12, 3)], 10)
    with pytest.raises(TypeError, match="SharedData"):
        x, y = T.matrix("x"), T.ivector("y")
        layer = nn.FullyConnected(12, 3)
        nn.Trainer(x, y, nn.log_likelihood_cost(layer(x), y), layer.params, nn.SGD(0.1), blobs(30), 10)
