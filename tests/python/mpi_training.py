"""Data-parallel training from Python, run by ctest under mpirun -np 2 and -np 3
(also runs alone): Network.SGD, Network3.SGD and a custom nabla.function loop
each end with the parameters of one process trained on the same global
mini-batches, and every rank holds the same parameters. Exits non-zero on a
mismatch. Not collected by pytest (it needs mpirun to mean anything)."""

import sys

import numpy as np

import nabla
import nabla.nn as nn
import nabla.tensor as T
from nabla import distributed as dist

N, R = dist.size(), dist.rank()
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"rank {R}: FAILED {what}", file=sys.stderr)


def same_on_every_rank(values, what):
    for v in values:
        v = np.asarray(v, dtype=np.float64)
        spread = dist.allreduce_value(np.array([np.abs(v - root_of(v)).max()]), "sum")[0]
        check(spread == 0.0, f"{what}: ranks differ by {spread}")


def root_of(v):
    mine = nabla.shared(np.array(v, dtype=np.float64))
    dist.broadcast_value(mine, root=0)
    return mine.get_value()


def close(a, b, tol, what):
    d = max(float(np.abs(np.asarray(x, np.float64) - np.asarray(y, np.float64)).max()) for x, y in zip(a, b))
    check(d <= tol, f"{what}: differs from one process by {d} (tolerance {tol})")


rng = np.random.RandomState(7)
xs = rng.uniform(0, 1, (60, 12)).astype("float32")
ys = rng.randint(0, 4, 60).astype("int32")
train, valid = (xs[:48], ys[:48]), (xs[48:], ys[48:])


# ---- Network.SGD (network2: shuffled, L2 with n = 48 on every rank) ----------------------
def network2(seed):
    net = nn.Network([12, 6, 4], cost=nn.CrossEntropyCost, seed=seed)
    net.SGD(train, 2, 6, 0.5, lmbda=1.0, evaluation_data=valid, monitor_evaluation_accuracy=True, verbose=False)
    return net


with dist.local():
    ref = network2(5)
distributed = network2(5 + R)  # different draws per rank: the trainer must start from rank 0's
close(distributed.weights + distributed.biases, ref.weights + ref.biases, 2e-6, "Network.SGD")
same_on_every_rank(distributed.weights + distributed.biases, "Network.SGD")


# ---- Network3.SGD (network3: stored order, batch-fixed graph built for m/N rows) ----------
def network3(seed):
    net = nn.Network3([nn.FullyConnectedLayer(12, 6), nn.SoftmaxLayer(6, 4)], 6, seed=seed)
    res = net.SGD(train, 2, 6, 0.3, valid, valid, lmbda=0.5, verbose=False)
    return net, res


with dist.local():
    ref3, ref3_res = network3(11)
net3, res3 = network3(11 + R)
close([p.get_value() for p in net3.params], [p.get_value() for p in ref3.params], 2e-6, "Network3.SGD")
same_on_every_rank([p.get_value() for p in net3.params], "Network3.SGD")
check(abs(res3.best_validation_accuracy - ref3_res.best_validation_accuracy) < 1e-9,
      "Network3.SGD: the sharded validation accuracy differs")


# ---- a custom loop with nabla.function, float64 -------------------------------------------
def custom(seed, m=6, steps=8):
    x, y = T.dmatrix("x"), T.ivector("y")
    W = nabla.shared(np.random.RandomState(seed).normal(0, 0.3, (12, 4)), name="W")
    b = nabla.shared(np.zeros(4), name="b")
    dist.broadcast_value(W, b)  # rank 0's start everywhere
    cost = -T.mean(T.log(T.nnet.softmax(T.dot(x, W) + b))[T.arange(y.shape[0]), y]) + 0.01 * (W ** 2).sum()
    gW, gb = [dist.allreduce(g, "mean") for g in T.grad(cost, [W, b])]
    step = nabla.function([x, y], dist.allreduce(cost, "mean"), updates=[(W, W - 0.5 * gW), (b, b - 0.5 * gb)])
    offset, rows = dist.shard(m)
    costs = []
    for k in range(steps):
        lo = (k * m) % 48 + offset
        costs.append(float(step(xs[lo:lo + rows].astype("float64"), ys[lo:lo + rows])))
        same_on_every_rank([W.get_value(), b.get_value()], f"custom loop step {k}")
    return [W.get_value(), b.get_value()], costs


with dist.local():
    ref_params, ref_costs = custom(3)
params, costs = custom(3 + R)
close(params, ref_params, 1e-12, "custom function loop (float64)")
close([costs], [ref_costs], 1e-12, "custom function loop's global costs")

if N > 1:
    try:
        dist.shard(N * 2 + 1)
        check(False, "shard() accepted a mini-batch that does not divide")
    except ValueError as e:
        check(f"{N * 2 + 1} examples does not divide over {N} MPI ranks" in str(e), f"shard's message: {e}")
    try:
        nn.Network([12, 4]).SGD(train, 1, N * 2 + 1, 0.1, verbose=False)
        check(False, "Network.SGD accepted a mini-batch that does not divide")
    except nabla.NablaValueError as e:
        check("does not divide over" in str(e), f"Network.SGD's message: {e}")

print(f"mpi_training: {N} rank(s), {len(failures)} failure(s)", file=sys.stderr)
sys.exit(1 if failures else 0)
