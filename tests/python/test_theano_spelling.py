"""Training written in Theano's spelling (nabla.theano), on small synthetic
sets: logistic regression, the book's network3.py layers (fully connected with
dropout, conv-pool), and a cost defined in Python. Each must beat a stated
accuracy."""

import numpy as np

import nabla.theano as theano
from nabla.theano import tensor as T

import _network3 as network3


def blobs(n, classes=3, dim=10, seed=0):
    """n points in `classes` Gaussian clusters (unit spread, centers 3 apart)."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3 / np.sqrt(2), size=(classes, dim))
    y = rng.integers(0, classes, n)
    x = centers[y] + rng.normal(size=(n, dim))
    return x.astype("float32"), y


def bar_images(n, seed=0):
    """12x12 images of a horizontal, vertical or diagonal bar at a random place,
    plus noise: the class is the bar's direction."""
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


def test_logistic_regression_with_theano_names():
    all_x, all_y = blobs(900, seed=1)
    train_x, train_y, test_x, test_y = all_x[:600], all_y[:600], all_x[600:], all_y[600:]
    data_x = theano.shared(train_x, name="data_x", borrow=True)
    data_y = T.cast(theano.shared(train_y.astype(theano.config.floatX)), "int32")

    x, y, i = T.matrix("x"), T.ivector("y"), T.lscalar("i")
    W = theano.shared(np.zeros((10, 3), dtype=theano.config.floatX), name="W")
    b = theano.shared(np.zeros(3, dtype=theano.config.floatX), name="b")
    p_y = T.nnet.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    gW, gb = T.grad(cost, [W, b])
    m = 20
    train = theano.function([i], cost, updates=[(W, W - 0.5 * gW), (b, b - 0.5 * gb)],
                            givens={x: data_x[i * m:(i + 1) * m], y: data_y[i * m:(i + 1) * m]})
    accuracy = theano.function([x, y], T.mean(T.eq(T.argmax(p_y, axis=1), y)))

    first = float(train(0))
    for _ in range(5):
        costs = [float(train(k)) for k in range(600 // m)]
    assert np.mean(costs) < first / 3
    assert accuracy(test_x, test_y.astype("int32")) >= 0.95


def test_network3_fully_connected_with_dropout():
    np.random.seed(0)
    x, y = blobs(900, dim=20, seed=2)
    train, valid, test = [network3.shared((x[a:a + 300], y[a:a + 300])) for a in (0, 300, 600)]
    net = network3.Network([network3.FullyConnectedLayer(n_in=20, n_out=30, activation_fn=network3.ReLU,
                                                         p_dropout=0.2),
                            network3.SoftmaxLayer(n_in=30, n_out=3)], mini_batch_size=10)
    best_validation, test_accuracy = net.SGD(train, 8, 10, 0.05, valid, test, lmbda=0.1)
    assert best_validation >= 0.93 and test_accuracy >= 0.93
    predictions = net.test_mb_predictions(0)
    assert predictions.shape == (10,) and predictions.dtype == np.int64


def test_network3_conv_pool_layers():
    np.random.seed(1)
    x, y = bar_images(700, seed=3)
    train, valid, test = network3.shared((x[:500], y[:500])), network3.shared((x[500:600], y[500:600])), \
        network3.shared((x[600:], y[600:]))
    mb = 10
    net = network3.Network([
        network3.ConvPoolLayer(image_shape=(mb, 1, 12, 12), filter_shape=(4, 1, 3, 3), poolsize=(2, 2),
                               activation_fn=network3.ReLU),
        network3.FullyConnectedLayer(n_in=4 * 5 * 5, n_out=20, activation_fn=network3.ReLU),
        network3.SoftmaxLayer(n_in=20, n_out=3)], mb)
    best_validation, test_accuracy = net.SGD(train, 10, mb, 0.1, valid, test)
    assert best_validation >= 0.95 and test_accuracy >= 0.95


def multiclass_hinge(scores, y):
    """A cost written in Python from nabla ops: the mean multi-class hinge loss
    sum_j max(0, s_j - s_y + 1) over j != y."""
    correct = scores[T.arange(y.shape[0]), y]
    margins = T.maximum(0.0, scores - correct.dimshuffle(0, "x") + 1.0)
    return T.mean(T.sum(margins, axis=1) - 1.0)  # the j == y term is exactly 1


def test_custom_python_cost_trains_end_to_end():
    x_all, y_all = blobs(900, seed=4)
    x, y = T.matrix("x"), T.ivector("y")
    W = theano.shared(np.zeros((10, 3), dtype="float32"), name="W")
    b = theano.shared(np.zeros(3, dtype="float32"), name="b")
    scores = T.dot(x, W) + b
    cost = multiclass_hinge(scores, y) + 1e-3 * T.sum(W ** 2)
    updates = [(p, p - 0.05 * g) for p, g in zip([W, b], T.grad(cost, [W, b]))]
    train = theano.function([x, y], cost, updates=updates)
    predict = theano.function([x], T.argmax(scores, axis=1))
    labels = y_all.astype("int32")
    first = float(train(x_all[:10], labels[:10]))
    for _ in range(5):
        for k in range(0, 600, 10):
            last = float(train(x_all[k:k + 10], labels[k:k + 10]))
    assert last < first
    assert np.mean(predict(x_all[600:]) == y_all[600:]) >= 0.95
