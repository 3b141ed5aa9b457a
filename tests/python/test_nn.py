"""nabla.nn: costs against numpy, optimizers' first steps against their numpy
recursions, network2's JSON files, Network.SGD on synthetic data and on an
MNIST slice, and bad input raising the right exceptions."""

import json
import os
import threading

import numpy as np
import pytest

import nabla
import nabla.nn as nn
import nabla.tensor as T

MNIST_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist")


def blobs(n, classes=3, dim=10, seed=0):
    """n float32 points in `classes` Gaussian clusters, with int labels."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3 / np.sqrt(2), size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---- costs ------------------------------------------------------------------------------

@pytest.fixture
def batch():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, 6)
    return z, labels, np.eye(4)[labels]


def test_quadratic_cost_matches_numpy(batch):
    z, _, y = batch
    a, t = T.matrix("a", dtype="float64"), T.matrix("y", dtype="float64")
    got = nabla.function([a, t], nn.quadratic_cost(a, t))(sigmoid(z), y)
    assert np.isclose(got, np.mean(0.5 * np.sum((sigmoid(z) - y) ** 2, axis=1)))


def test_cross_entropy_cost_matches_numpy_from_a_and_from_sigmoid(batch):
    z, _, y = batch
    a = sigmoid(z)
    want = np.mean(np.sum(-(y * np.log(a) + (1 - y) * np.log(1 - a)), axis=1))
    av, zv, t = T.matrix("a", dtype="float64"), T.matrix("z", dtype="float64"), T.matrix("y", dtype="float64")
    assert np.isclose(nabla.function([av, t], nn.cross_entropy_cost(av, t))(a, y), want)
    assert np.isclose(nabla.function([zv, t], nn.cross_entropy_cost(nn.sigmoid(zv), t))(z, y), want)
    # From z the value stays finite where sigmoid(z) rounds to 1.
    big = np.full((1, 4), 800.0)
    assert np.isfinite(nabla.function([zv, t], nn.cross_entropy_cost(nn.sigmoid(zv), t))(big, np.zeros((1, 4))))


def test_log_likelihood_cost_matches_numpy(batch):
    z, labels, _ = batch
    want = -np.mean(np.log(softmax(z))[np.arange(6), labels])
    zv, y = T.matrix("z", dtype="float64"), T.ivector("y")
    got = nabla.function([zv, y], nn.log_likelihood_cost(nn.softmax(zv), y))(z, labels.astype("int32"))
    assert np.isclose(got, want)


def test_penalties_match_numpy():
    rng = np.random.default_rng(2)
    ws = [rng.normal(size=(3, 4)), rng.normal(size=(2, 3))]
    vs = [nabla.shared(w) for w in ws]
    l2, l1 = nabla.function([], [nn.l2_norm_squared(vs), nn.l1_norm(vs)])()
    assert np.isclose(l2, sum(np.sum(w ** 2) for w in ws))
    assert np.isclose(l1, sum(np.sum(np.abs(w)) for w in ws))


def test_fully_connected_is_act_of_x_wt_plus_b():
    layer = nn.FullyConnected(5, 3, activation=nn.tanh, rng=nn.Rng(7))
    assert layer.W.get_value().shape == (3, 5) and layer.b.get_value().shape == (3,)
    x = T.matrix("x")
    out = layer(x)
    assert isinstance(out, nabla.Var)
    xs = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    want = np.tanh(xs @ layer.W.get_value().T + layer.b.get_value())
    assert np.allclose(nabla.function([x], out)(xs), want, atol=1e-6)
    zeros = nn.FullyConnected(5, 3, init="zeros")
    assert not zeros.W.get_value().any() and zeros.activation == "sigmoid"


def test_initializers_draw_network2_spreads():
    big = nn.FullyConnected(400, 300, init="large", rng=1)
    default = nn.FullyConnected(400, 300, init="default", rng=1)
    assert abs(big.W.get_value().std() - 1.0) < 0.02
    assert abs(default.W.get_value().std() - 1 / 20) < 0.002
    assert np.array_equal(nn.normal((3, 2), rng=nn.Rng(5)), nn.normal((3, 2), rng=nn.Rng(5)))


# ---- optimizers: three steps against the documented recursions ----------------------------

TARGET = np.array([1.0, -2.0, 0.5])
START = np.array([0.3, 0.4, -0.6])


def run_steps(optimizer, steps=3):
    """Params after `steps` updates on cost 0.5*||p - TARGET||^2 (gradient p - TARGET)."""
    p = nabla.shared(START.copy(), name="p")
    cost = 0.5 * T.sum(T.sqr(p - TARGET))
    step = nabla.function([], cost, updates=optimizer.updates([p], nabla.grad(cost, [p])))
    for _ in range(steps):
        step()
    return p.get_value()


def numpy_steps(update, steps=3):
    p, state = START.copy(), {}
    for t in range(1, steps + 1):
        p = update(p, p - TARGET, state, t)
    return p


ETA = 0.125  # exact in float32, the dtype of the optimizers' learning-rate scalar


def momentum_step(p, g, s, t, mu=0.9):
    s["v"] = mu * s.get("v", 0) - ETA * g
    return p + s["v"]


def nesterov_step(p, g, s, t, mu=0.9):
    s["v"] = mu * s.get("v", 0) - ETA * g
    return p + mu * s["v"] - ETA * g


def adagrad_step(p, g, s, t, eps=1e-8):
    s["r"] = s.get("r", 0) + g * g
    return p - ETA * g / (np.sqrt(s["r"]) + eps)


def rmsprop_step(p, g, s, t, rho=0.9, eps=1e-8):
    s["r"] = rho * s.get("r", 0) + (1 - rho) * g * g
    return p - ETA * g / (np.sqrt(s["r"]) + eps)


def adam_step(p, g, s, t, b1=0.9, b2=0.999, eps=1e-8):
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    return p - ETA * (s["m"] / (1 - b1 ** t)) / (np.sqrt(s["v"] / (1 - b2 ** t)) + eps)


@pytest.mark.parametrize("optimizer, update", [
    (lambda: nn.SGD(ETA), lambda p, g, s, t: p - ETA * g),
    (lambda: nn.Momentum(ETA, mu=0.9), momentum_step),
    (lambda: nn.Nesterov(ETA, mu=0.9), nesterov_step),
    (lambda: nn.Adagrad(ETA), adagrad_step),
    (lambda: nn.RMSProp(ETA), rmsprop_step),
    (lambda: nn.Adam(ETA), adam_step),
], ids=["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_optimizer_first_steps_follow_the_recursion(optimizer, update):
    assert np.allclose(run_steps(optimizer()), numpy_steps(update), rtol=1e-10, atol=1e-12)


def test_learning_rate_changes_without_recompiling_and_state_resets():
    opt = nn.Momentum(ETA, mu=0.9)
    p = nabla.shared(START.copy())
    cost = 0.5 * T.sum(T.sqr(p - TARGET))
    step = nabla.function([], cost, updates=opt.updates([p], nabla.grad(cost, [p])))
    opt.learning_rate = 0.0
    step()
    assert np.array_equal(p.get_value(), START)
    opt.learning_rate = ETA
    step()
    opt.reset_state()
    p.set_value(START.copy())
    step()  # from zero velocity again: one plain momentum step
    assert np.allclose(p.get_value(), START - ETA * (START - TARGET))
    assert opt.learning_rate == ETA and nn.make_optimizer("adam", 0.01).name == "adam"


def test_early_stopping_and_plateau_schedule():
    stop = nn.EarlyStopping(2)
    for metric in [0.5, 0.7, 0.6, 0.65]:
        stop.update(metric)
    assert stop.should_stop and stop.best == 0.7 and stop.best_epoch == 1
    schedule = nn.PlateauSchedule(1.0, patience=1, min_fraction=0.25)
    etas = [schedule.update(m) for m in [0.5, 0.4, 0.3, 0.2]]
    assert etas == [1.0, 0.5, 0.25, 0.25] and schedule.done


# ---- Network: files -------------------------------------------------------------------------

def test_save_writes_network2_json_and_load_round_trips(tmp_path):
    net = nn.Network([4, 3, 2], cost=nn.QuadraticCost, seed=3)
    path = tmp_path / "net.json"
    net.save(path)
    doc = json.loads(path.read_text())
    assert doc["sizes"] == [4, 3, 2] and doc["cost"] == "QuadraticCost"
    assert [np.shape(w) for w in doc["weights"]] == [(3, 4), (2, 3)]
    assert [np.shape(b) for b in doc["biases"]] == [(3, 1), (2, 1)]
    assert np.allclose(doc["weights"][1], net.weights[1]) and np.allclose(doc["biases"][0], net.biases[0])
    again = nn.load(path)
    assert again.sizes == [4, 3, 2] and again.cost is nn.QuadraticCost
    x = np.random.default_rng(0).random((5, 4)).astype("float32")
    assert np.array_equal(again.feedforward(x), net.feedforward(x))


def test_load_reads_a_file_network2_wrote(tmp_path):
    rng = np.random.default_rng(4)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(2, 3))]
    biases = [rng.normal(size=(3, 1)), rng.normal(size=(2, 1))]
    path = tmp_path / "network2.json"
    path.write_text(json.dumps({"sizes": [4, 3, 2], "weights": [w.tolist() for w in weights],
                                "biases": [b.tolist() for b in biases], "cost": "CrossEntropyCost"}))
    net = nn.Network.load(str(path))
    column = rng.random((4, 1))
    want = sigmoid(weights[1] @ sigmoid(weights[0] @ column + biases[0]) + biases[1])
    assert np.allclose(net.feedforward(column), want, atol=1e-5)  # network2's column in, column out


def test_load_names_the_bad_field(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"sizes": [4, 2], "weights": [[[0, 0, 0, 0]]], "biases": [[[0], [0]]],
                                "cost": "CrossEntropyCost"}))
    with pytest.raises(ValueError, match="weights"):
        nn.load(path)
    with pytest.raises(ValueError, match="cannot open"):
        nn.load(tmp_path / "missing.json")


# ---- Network: training --------------------------------------------------------------------

def test_sgd_returns_network2s_four_lists():
    x, y = blobs(600, dim=10, seed=5)
    net = nn.Network([10, 8, 3], cost=nn.CrossEntropyCost)
    ec, ea, tc, ta = net.SGD((x[:400], y[:400]), 4, 10, 0.5, lmbda=0.1, evaluation_data=(x[400:], y[400:]),
                             monitor_evaluation_cost=True, monitor_evaluation_accuracy=True,
                             monitor_training_accuracy=True, verbose=False)
    assert len(ec) == len(ea) == len(ta) == 4 and tc == []
    assert all(isinstance(a, int) for a in ea)
    assert ea[-1] >= 0.93 * 200 and ec[-1] < ec[0]
    assert net.accuracy((x[400:], y[400:])) == ea[-1]
    assert np.isclose(net.total_cost((x[400:], y[400:]), 0.1), ec[-1])
    assert len(net.last_result.epoch_seconds) == 4


def test_sgd_takes_one_hot_rows_network2_pairs_and_an_optimizer():
    x, y = blobs(300, dim=6, seed=6)
    pairs = [(xi.reshape(-1, 1), np.eye(3)[yi].reshape(-1, 1)) for xi, yi in zip(x, y)]
    net = nn.Network([6, 3], cost="log-likelihood")
    net.SGD(pairs[:200], 3, 10, 0.05, optimizer=nn.Adam(), verbose=False)  # eta sets Adam's rate
    assert net.accuracy((x[200:], np.eye(3)[y[200:]])) >= 90


def test_on_epoch_can_stop_training_and_its_errors_propagate():
    x, y = blobs(100, seed=7)
    net = nn.Network([10, 3])
    seen = []
    net.SGD((x, y), 10, 10, 0.5, verbose=False, on_epoch=lambda e, r: seen.append(e) or e < 2)
    assert seen == [0, 1, 2] and net.last_result.epochs_run == 3

    def fail(epoch, result):
        raise RuntimeError("stop here")
    with pytest.raises(RuntimeError, match="stop here"):
        net.SGD((x, y), 3, 10, 0.5, verbose=False, on_epoch=fail)
    # A callback may use the network itself (the run lock is re-entrant).
    accs = []
    net.SGD((x, y), 2, 10, 0.5, verbose=False, on_epoch=lambda e, r: accs.append(net.accuracy((x, y))))
    assert len(accs) == 2


def test_sgd_releases_the_gil():
    x, y = blobs(5000, dim=50, seed=8)
    net = nn.Network([50, 100, 3])
    done, ticks, at_epoch = threading.Event(), [0], []

    def train():
        net.SGD((x, y), 4, 10, 0.1, verbose=False, on_epoch=lambda e, r: at_epoch.append(ticks[0]))
        done.set()
    worker = threading.Thread(target=train)
    worker.start()
    while not done.is_set():
        ticks[0] += 1
    worker.join()
    # This thread kept counting while epochs 1..3 trained in C++.
    assert at_epoch[3] - at_epoch[0] > 1000


@pytest.mark.skipif(not os.path.exists(os.path.join(MNIST_DIR, "train-images-idx3-ubyte")) and
                    not os.path.exists(os.path.join(MNIST_DIR, "train-images-idx3-ubyte.gz")),
                    reason="MNIST is not in data/mnist (run `make setup` to fetch it)")
def test_network_sgd_on_a_2000_image_mnist_slice_beats_85_percent():
    training, validation, test = nn.load_mnist(MNIST_DIR, training_size=2000)
    assert len(training) == 2000 and len(validation) == 10000 and training.x.dtype == np.float32
    x, y = training
    assert x.shape == (2000, 784) and y.dtype == np.int32 and 0 <= x.min() and x.max() < 1
    net = nn.Network([784, 30, 10], cost=nn.CrossEntropyCost)
    _, accuracy, _, _ = net.SGD(training, 5, 10, 0.5, evaluation_data=validation[:2000],
                                monitor_evaluation_accuracy=True, verbose=False)
    assert accuracy[-1] / 2000 >= 0.85  # measured: about 0.89


# ---- bad input ------------------------------------------------------------------------------

def test_bad_training_data_raises_clear_errors():
    x, y = blobs(50, seed=9)
    net = nn.Network([10, 3])
    with pytest.raises(ValueError, match="input layer has 10"):
        net.SGD((x[:, :9], y), 1, 10, 0.5, verbose=False)
    with pytest.raises(ValueError, match="outside 0..2"):
        net.SGD((x, y + 1), 1, 10, 0.5, verbose=False)
    with pytest.raises(TypeError, match="integer class labels"):
        net.SGD((x, y.astype("float32")), 1, 10, 0.5, verbose=False)
    with pytest.raises(ValueError, match="50 rows but y has 49"):
        net.SGD((x, y[:49]), 1, 10, 0.5, verbose=False)
    with pytest.raises(ValueError, match="mini_batch_size"):
        net.SGD((x, y), 1, 0, 0.5, verbose=False)
    with pytest.raises(ValueError, match="evaluation data"):
        net.SGD((x, y), 1, 10, 0.5, monitor_evaluation_accuracy=True, verbose=False)
    with pytest.raises(TypeError, match="Split"):
        net.SGD("training.pkl", 1, 10, 0.5)
    with pytest.raises(TypeError, match="floats"):
        nn.Split((x * 255).astype("uint8"), y)
    with pytest.raises(ValueError, match="one-hot"):
        nn.as_split((x, np.ones((50, 3))))


def test_bad_arguments_raise_the_right_exception():
    with pytest.raises(ValueError, match="unknown activation"):
        nn.FullyConnected(3, 2, activation="swish")
    with pytest.raises(ValueError, match="unknown initializer"):
        nn.FullyConnected(3, 2, init="glorot")
    with pytest.raises(ValueError, match="positive"):
        nn.Network([784, 0, 10])
    with pytest.raises(ValueError, match="Trainer"):
        nn.Network([4, 2], cost=lambda a, y: a)
    with pytest.raises(ValueError, match="learning rate"):
        nn.SGD(-1.0)
    with pytest.raises(ValueError, match="regularization"):
        nn.Network([10, 3]).SGD(blobs(20)[:2], 1, 10, 0.5, lmbda=1.0, regularization="L3")
    x = T.matrix("x")
    with pytest.raises(TypeError, match="not a shared variable"):
        nn.SGD(0.1).updates([x], [x])
    with pytest.raises(ValueError, match="shape"):
        layer = nn.FullyConnected(3, 2)
        nabla.function([x], layer(x))(np.zeros((4, 5), dtype="float32"))
    with pytest.raises(nabla.ShapeError):
        nn.quadratic_cost(T.vector("a"), T.vector("y"))


def test_shared_data_shuffle_keeps_examples_with_their_labels():
    x = np.arange(40, dtype="float32").reshape(20, 2)
    data = nn.SharedData((x, np.arange(20) % 7))
    data.shuffle(nn.Rng(3))
    sx, sy = data.x.get_value(), data.y.get_value()
    assert not np.array_equal(sx, x) and sorted(sx[:, 0]) == list(x[:, 0])
    assert np.array_equal(sy, (sx[:, 0] // 2).astype(int) % 7)
    xs, ys = data.batch(T.lscalar("i"), 5)
    assert isinstance(xs, nabla.Var) and len(data) == 20
