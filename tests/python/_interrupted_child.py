"""Child process for test_interrupt.py: starts a long nabla run, prints READY,
and on Ctrl-C (SIGINT from the parent) reports how it stopped as one JSON line."""

import json
import sys
import time

import numpy as np

import nabla
import nabla.tensor as T
from nabla import nn


def blobs(n, dim=12, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 2, size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y.astype("int32")


def long_call():
    """Calls of thousands of steps (seconds each), each updating w and c."""
    a = nabla.shared(np.eye(400, dtype="float32") * 0.5, "a")
    w = nabla.shared(np.zeros(1 << 16, dtype="float32"), "w")
    c = nabla.shared(np.int64(0), "c")
    y = a
    for _ in range(3000):
        y = T.tanh(T.dot(y, a) + 0.25)
    f = nabla.function([], T.sum(y), updates=[(w, w + 1), (c, c + 1)])

    def state():
        v = w.get_value()
        return {"w_min": float(v.min()), "w_max": float(v.max()), "c": int(c.get_value())}

    return lambda: [f() for _ in range(1000)], state


def network_sgd():
    x, y = blobs(2000)
    net = nn.Network([12, 30, 3])
    return lambda: net.SGD((x, y), 100000, 10, 0.1, verbose=False), lambda: {
        "finite": bool(np.isfinite(net.feedforward(x[:5])).all())}


def network3_sgd():
    x, y = blobs(3000)
    net = nn.Network3([nn.FullyConnected(12, 30), nn.Softmax(30, 3)], mini_batch_size=10)
    parts = [(x[:1000], y[:1000]), (x[1000:2000], y[1000:2000]), (x[2000:], y[2000:])]
    return lambda: net.SGD(parts[0], 100000, 10, 0.1, parts[1], parts[2], verbose=False), lambda: {
        "finite": bool(all(np.isfinite(p.get_value()).all() for p in net.params))}


def trainer_fit():
    x, y = blobs(2000)
    xv, yv = T.matrix("x"), T.ivector("y")
    layer = nn.FullyConnected(12, 3, activation="softmax", rng=1)
    trainer = nn.Trainer(xv, yv, nn.log_likelihood_cost(layer(xv), yv), layer.params, nn.SGD(0.1),
                         nn.SharedData((x, y)), 10)
    return lambda: trainer.fit(100000), lambda: {
        "finite": bool(all(np.isfinite(p.get_value()).all() for p in layer.params))}


run, state = {"long_call": long_call, "network_sgd": network_sgd, "network3_sgd": network3_sgd,
              "trainer_fit": trainer_fit}[sys.argv[1]]()
print("READY", flush=True)
report = {"interrupted": False}
try:
    run()
except KeyboardInterrupt:
    report["interrupted"] = True
report["stopped_at"] = time.time()
report.update(state())
print(json.dumps(report), flush=True)
