"""A cost and a layer written in Python from nabla ops train like the built-in
ones: the same Trainer loop, the same nabla.nn optimizers, C++ FullyConnected
layers in the same graph."""

import numpy as np

import nabla
import nabla.nn as nn
import nabla.tensor as T


def blobs(n, classes=3, dim=10, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3 / np.sqrt(2), size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y


def python_cross_entropy(a, y):
    """network2's CrossEntropyCost.fn, written with nabla ops: the mean over
    rows of sum_j -(y ln a + (1 - y) ln(1 - a))."""
    return T.mean(T.sum(-(y * T.log(a) + (1 - y) * T.log(1 - a)), axis=1))


def smoothed_log_likelihood(a, labels, smoothing=0.1):
    """Log-likelihood against label-smoothed targets: (1 - s) on the true
    class, s spread over all classes."""
    log_a = T.log(a)
    true_class = log_a[T.arange(labels.shape[0]), labels]
    return -T.mean((1 - smoothing) * true_class + smoothing * T.mean(log_a, axis=1))


class PythonTanhLayer:
    """A layer written in Python: tanh(x W + b) with its own shared variables."""

    def __init__(self, n_in, n_out, seed=0):
        rng = np.random.default_rng(seed)
        self.W = nabla.shared(rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)).astype("float32"), name="py.W")
        self.b = nabla.shared(np.zeros(n_out, dtype="float32"), name="py.b")
        self.params = [self.W, self.b]

    def __call__(self, x):
        return T.tanh(T.dot(x, self.W) + self.b)


def train_with(cost_fn, data):
    """A 10-8-3 sigmoid net of C++ layers (fixed seed), one epoch of SGD with cost_fn."""
    x, y = T.matrix("x"), T.matrix("y")
    hidden = nn.FullyConnected(10, 8, rng=nn.Rng(1))
    out = nn.FullyConnected(8, 3, rng=nn.Rng(2))
    params = hidden.params + out.params
    trainer = nn.Trainer(x, y, cost_fn(out(hidden(x)), y), params, nn.SGD(0.5), data, mini_batch_size=10)
    trainer.train(3)
    return [p.get_value() for p in params]


def test_python_cost_follows_the_builtin_cost_step_for_step():
    x, y = blobs(300, seed=1)
    data = nn.SharedData((x, y), one_hot_classes=3)
    builtin = train_with(nn.cross_entropy_cost, data)
    custom = train_with(python_cross_entropy, data)
    for b, c in zip(builtin, custom):
        assert np.allclose(b, c, rtol=1e-3, atol=1e-4)


def test_python_layer_and_cost_with_a_cpp_layer_train_end_to_end():
    x_all, y_all = blobs(900, seed=2)
    training = nn.SharedData((x_all[:600], y_all[:600]))
    x, y = T.matrix("x"), T.ivector("y")
    hidden = PythonTanhLayer(10, 16)
    output = nn.FullyConnected(16, 3, activation=nn.softmax, init="zeros")
    a = output(hidden(x))
    cost = smoothed_log_likelihood(a, y) + 1e-4 * nn.l2_norm_squared([hidden.W, output.W])
    trainer = nn.Trainer(x, y, cost, hidden.params + output.params, nn.Momentum(0.05, mu=0.9), training,
                         mini_batch_size=10, output=a, shuffle_rng=np.random.default_rng(0))
    stop = nn.EarlyStopping(3)
    costs = trainer.train(20, on_epoch=lambda e, c: stop.update(trainer.accuracy((x_all[600:750], y_all[600:750])))
                          or not stop.should_stop)
    assert costs[-1] < costs[0]
    assert trainer.accuracy((x_all[750:], y_all[750:])) >= 0.93 * 150
