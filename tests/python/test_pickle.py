"""Pickling as Theano does it: shared variables, graphs (any Var), compiled
functions with updates and givens, random streams, and a Python object holding
a network3.py Network. Loaded objects must compute what the originals compute,
and a shared variable must come back as one object however often referred to."""

import copy
import pickle
import sys

import numpy as np
import pytest

import nabla
import nabla.theano as theano
import nabla.theano.tensor as T
from nabla.theano.sandbox.rng_mrg import MRG_RandomStreams
from nabla.theano.tensor.shared_randomstreams import RandomStreams

PROTOCOLS = [2, pickle.HIGHEST_PROTOCOL]


def roundtrip(obj, protocol):
    return pickle.loads(pickle.dumps(obj, protocol=protocol))


class Holder:
    """A user's object holding shared variables (as a Theano classifier does)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_shared_variable_keeps_value_name_dtype_and_shape(protocol):
    value = np.arange(6, dtype="float64").reshape(1, 6)
    W = theano.shared(value, name="W")
    V = roundtrip(W, protocol)
    assert V is not W and V.name == "W" and V.dtype == "float64" and V.static_shape == (1, 6)
    assert V.role == "shared" and V.location == W.location
    np.testing.assert_array_equal(V.get_value(), value)
    V.set_value(value * 2)  # a new variable: the original keeps its value
    np.testing.assert_array_equal(W.get_value(), value)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_graph_of_inputs_constants_shared_and_intermediates(protocol):
    rng = np.random.default_rng(0)
    x = T.matrix("x")
    W = theano.shared(rng.normal(size=(4, 3)).astype("float32"), name="W")
    b = theano.shared(np.ones(3, dtype="float32"), name="b")
    h = T.nnet.sigmoid(T.dot(x, W) + b)
    h.name = "h"
    y = T.sum(h[1:, ::2] * np.float32(2.5), axis=1) + T.max(h) ** 2
    lx, lh, ly = roundtrip((x, h, y), protocol)
    assert (lx.name, lh.name, lh.location, ly.op) == ("x", "h", h.location, y.op)
    assert lx.role == "input" and lx.static_shape == (None, None)
    data = rng.normal(size=(5, 4)).astype("float32")
    want = theano.function([x], [h, y])(data)
    got = theano.function([lx], [lh, ly])(data)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    # The loaded h is the node inside the loaded y, so grads w.r.t. it connect.
    g = T.grad(T.sum(ly), lh)
    assert theano.function([lx], g)(data).shape == (5, 3)


def test_var_referred_to_twice_comes_back_as_one_object():
    x = T.vector("x")
    y = x * 2
    again = y.inputs[0]  # another Python object for the same variable
    assert again is not x
    lx, ly, lagain = pickle.loads(pickle.dumps((x, y, again)))
    assert lagain is lx and ly.inputs[0] == lx


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_function_with_updates_and_givens(protocol):
    data = theano.shared(np.arange(40, dtype="float32").reshape(10, 4), name="data")
    W = theano.shared(np.full((4,), 0.5, dtype="float32"), name="W")
    i = T.lscalar("i")
    x = T.matrix("x")
    cost = T.mean(T.dot(x, W) ** 2)
    step = theano.function([i], cost, updates=[(W, W - 0.001 * T.grad(cost, W))],
                           givens={x: data[i * 2:(i + 1) * 2]}, name="step")
    holder = Holder(W=W, step=step)
    loaded = roundtrip(holder, protocol)
    assert loaded.step.name == "step"
    want = [float(step(k)) for k in range(5)]
    got = [float(loaded.step(k)) for k in range(5)]
    assert got == want
    # The function updates the very variable the holder holds (one object).
    np.testing.assert_array_equal(loaded.W.get_value(), W.get_value())
    assert not np.array_equal(loaded.W.get_value(), np.full((4,), 0.5, dtype="float32"))


def test_function_and_object_loaded_in_one_call_share_the_variable():
    W = theano.shared(np.zeros(3, dtype="float32"), name="W")
    bump = theano.function([], [], updates={W: W + 1})
    fn, holder = pickle.loads(pickle.dumps((bump, Holder(params=[W]))))
    fn()
    fn()
    np.testing.assert_array_equal(holder.params[0].get_value(), [2, 2, 2])
    np.testing.assert_array_equal(W.get_value(), [0, 0, 0])  # the original is untouched


def test_function_keeps_mode_and_input_downcast():
    x = T.vector("x")
    f = theano.function([x], x * 2, mode="FAST_COMPILE", allow_input_downcast=True)
    g = roundtrip(f, 2)
    np.testing.assert_array_equal(g(np.array([1.5, 2.0])), [3.0, 4.0])  # float64 accepted
    assert g.stats()["phases"][0]["phase"] == f.stats()["phases"][0]["phase"]


def test_deepcopy_copies_shared_state_once():
    W = theano.shared(np.zeros(2, dtype="float32"), name="W")
    bump = theano.function([], W * 1, updates=[(W, W + 1)])
    fn, holder = copy.deepcopy((bump, Holder(W=W)))
    fn()
    np.testing.assert_array_equal(holder.W.get_value(), [1, 1])
    np.testing.assert_array_equal(W.get_value(), [0, 0])
    x = T.matrix("x")
    assert copy.copy(x) is x


@pytest.mark.parametrize("streams", [RandomStreams, MRG_RandomStreams])
def test_random_streams_keep_their_state(streams):
    srng = streams(7)
    draw = theano.function([], srng.uniform((4,)) + srng.normal((2,)).sum())
    draw()
    fn, loaded_srng = pickle.loads(pickle.dumps((draw, srng)))
    np.testing.assert_array_equal(fn(), draw())  # both continue from the same state
    np.testing.assert_array_equal(fn(), draw())
    # seed() reaches the restored states: both restart as a fresh object with that seed.
    loaded_srng.seed(3)
    srng.seed(3)
    np.testing.assert_array_equal(fn(), draw())
    # A new draw continues the numbering of streams, as on the original.
    a = theano.function([], loaded_srng.uniform((3,)))()
    b = theano.function([], srng.uniform((3,)))()
    np.testing.assert_array_equal(a, b)


def test_deep_graph_does_not_exhaust_recursion():
    x = T.scalar("x")
    y = x
    for k in range(3000):
        y = y + np.float32(k % 3)
    ly = pickle.loads(pickle.dumps(y))
    lx = ly
    while lx.inputs:
        lx = lx.inputs[0]
    assert float(theano.function([lx], ly)(1.0)) == float(theano.function([x], y)(1.0))


def test_corrupt_or_foreign_state_names_what_is_wrong():
    x = T.vector("x")
    blob = pickle.dumps(T.nnet.sigmoid(x))
    with pytest.raises(nabla.UnpicklingError, match="sigmoix"):
        pickle.loads(blob.replace(b"sigmoid", b"sigmoix"))
    with pytest.raises(pickle.UnpicklingError, match="format 99"):
        nabla._pickling._rebuild_var(99, [], "input", "float32", (-1,), "x", (None, 0), None)
    with pytest.raises(nabla.UnpicklingError, match="keepdims"):
        nabla._pickling._rebuild_var(1, [], "apply", "float32", (), "s", ("a.py", 3), ("sum", "axes=(0)", (x,)))
    with pytest.raises(nabla.UnpicklingError, match="unknown kind 'ghost'"):
        nabla._pickling._rebuild_var(1, [], "ghost", "float32", (), "", (None, 0), None)
    with pytest.raises(nabla.UnpicklingError, match=r"float64\(\) but rebuilt as float32"):
        nabla._pickling._rebuild_var(1, [], "apply", "float64", (), "", (None, 0), ("sum", "axes=(0),keepdims=0", (x,)))


def test_network3_network_predicts_the_same_after_reloading():
    import _network3 as network3
    sys.modules.setdefault(network3._example.__name__, network3._example)  # loaded from a file path
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 12)).astype("float32")
    y = rng.integers(0, 3, 40)
    train = network3.shared((x[:20], y[:20]))
    net = network3.Network([network3.FullyConnectedLayer(n_in=12, n_out=8, p_dropout=0.1),
                            network3.SoftmaxLayer(n_in=8, n_out=3)], mini_batch_size=10)
    net.SGD(train, 1, 10, 0.5, train, train)
    loaded = pickle.loads(pickle.dumps(net, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded.params[0] is loaded.layers[0].w
    predict = theano.function([net.x], net.layers[-1].y_out)
    predict_loaded = theano.function([loaded.x], loaded.layers[-1].y_out)
    np.testing.assert_array_equal(predict_loaded(x[20:30]), predict(x[20:30]))
    np.testing.assert_array_equal(loaded.test_mb_predictions(1), net.test_mb_predictions(1))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_nn_layers_and_a_function_training_them(protocol):
    import nabla.nn as nn
    rng = np.random.default_rng(5)
    x, y = T.matrix("x"), T.ivector("y")
    hidden = nn.FullyConnected(6, 5, activation="relu", rng=nn.Rng(3))
    out = nn.Softmax(5, 3, init="default")
    a = out(hidden(x))
    cost = -T.mean(T.log(a)[T.arange(y.shape[0]), y])
    params = hidden.params + out.params
    step = theano.function([x, y], cost, updates=nn.SGD(0.5).updates(params, theano.grad(cost, params)))
    model = Holder(layers=[hidden, out], step=step, predict=theano.function([x], T.argmax(a, axis=1)))
    xs = rng.normal(size=(8, 6)).astype("float32")
    ys = rng.integers(0, 3, 8).astype("int32")
    loaded = roundtrip(model, protocol)
    assert [type(l).__name__ for l in loaded.layers] == ["FullyConnected", "Softmax"]
    assert (loaded.layers[0].n_in, loaded.layers[0].n_out, loaded.layers[0].activation) == (6, 5, "relu")
    for _ in range(3):  # the loaded step trains the loaded layers' own variables
        assert float(loaded.step(xs, ys)) == float(step(xs, ys))
    np.testing.assert_array_equal(loaded.layers[1].W.get_value(), out.W.get_value())
    np.testing.assert_array_equal(loaded.predict(xs), model.predict(xs))
    again = loaded.layers[1](loaded.layers[0](x))  # a loaded layer applies as before
    np.testing.assert_array_equal(theano.function([x], again)(xs), theano.function([x], a)(xs))


def test_nn_network3_predicts_the_same_after_reloading():
    import nabla.nn as nn
    rng = np.random.default_rng(6)
    data = (rng.normal(size=(20, 8)).astype("float32"), rng.integers(0, 3, 20).astype("int32"))
    net = nn.Network3([nn.FullyConnectedLayer(n_in=8, n_out=6), nn.SoftmaxLayer(n_in=6, n_out=3)],
                      mini_batch_size=10, seed=9, init="default")
    net.SGD(data, 2, 10, 0.5, data, data, verbose=False)
    loaded = pickle.loads(pickle.dumps(net, protocol=pickle.HIGHEST_PROTOCOL))
    np.testing.assert_array_equal(loaded.predictions(data), net.predictions(data))
    assert loaded.params[0] is not net.params[0]
    np.testing.assert_array_equal(loaded.params[0].get_value(), net.params[0].get_value())


class Scale(nabla.nn.Layer):
    """A layer written in Python (module level, so pickle finds its class)."""

    def __init__(self, n):
        super().__init__()
        self.s = theano.shared(np.arange(1, n + 1, dtype="float32"), name="scale.s")
        self.params = [self.s]

    def apply(self, x, x_dropout, ctx):
        return x * self.s, x_dropout * self.s


def test_python_written_layer():
    layer = Scale(3)
    x = T.matrix("x")
    loaded, f = pickle.loads(pickle.dumps((layer, theano.function([x], layer(x)))))
    assert isinstance(loaded, nabla.nn.Layer) and loaded.params[0] is loaded.s
    xs = np.ones((2, 3), dtype="float32")
    np.testing.assert_array_equal(f(xs), [[1, 2, 3], [1, 2, 3]])
    lx = T.matrix("x")
    np.testing.assert_array_equal(theano.function([lx], loaded(lx))(xs), f(xs))


def test_what_cannot_be_pickled_says_what_to_use_instead():
    import nabla.nn as nn
    net = nn.Network([4, 3, 2])
    with pytest.raises(TypeError, match=r"Network cannot be pickled; save it with net.save\(path\)"):
        pickle.dumps(net)
    with pytest.raises(TypeError, match=r"Rng cannot be pickled; pickle its seed"):
        copy.deepcopy(nn.Rng(3))
