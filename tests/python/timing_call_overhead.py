"""Prints what one compiled call costs from Python against the same call made
from C++ (Function._cpp_seconds runs the loop inside the module). Not a test:

    PYTHONPATH=build/python /usr/bin/python3 tests/python/timing_call_overhead.py

Two functions, both with an lscalar mini-batch index and givens slicing shared
data x[i*10:(i+1)*10]: a tiny one (the overhead itself) and one SGD step of the
book's experiment 1.1 network (784-30-10, sigmoid, quadratic cost, eta 3.0).
"""

import time

import numpy as np

import nabla
import nabla.tensor as T

CALLS = 5000
M = 10  # mini-batch size


def best_of(runs, fn):
    return min(fn() for _ in range(runs))


def python_seconds(f, index):
    start = time.perf_counter()
    for _ in range(CALLS):
        f(index)
    return time.perf_counter() - start


def report(name, f):
    f(0)  # first call plans the buffers
    py = best_of(5, lambda: python_seconds(f, 3))
    cpp = best_of(5, lambda: f._cpp_seconds(CALLS, 3))
    print(f"{name:28s} python {py / CALLS * 1e6:8.2f} us/call   c++ {cpp / CALLS * 1e6:8.2f} us/call   "
          f"overhead {(py - cpp) / CALLS * 1e6:6.2f} us   ratio {py / cpp:5.3f}")


def epoch(f, batches):
    """One pass over all mini-batch indices, from Python and from C++."""
    def python_epoch():
        start = time.perf_counter()
        for j in range(batches):
            f(j)
        return time.perf_counter() - start
    py = best_of(3, python_epoch)
    cpp = best_of(3, lambda: f._cpp_epoch_seconds(batches))
    print(f"{'epoch of ' + str(batches) + ' steps':28s} python {py * 1e3:8.2f} ms        c++ {cpp * 1e3:8.2f} ms"
          f"                      ratio {py / cpp:5.3f}")


def main():
    rng = np.random.default_rng(0)
    data_x = nabla.shared(rng.random((50000, 784), dtype=np.float32), "data_x")
    data_y = nabla.shared(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 50000)], "data_y")
    x, y, i = T.matrix("x"), T.matrix("y"), T.lscalar("i")
    givens = {x: data_x[i * M:(i + 1) * M], y: data_y[i * M:(i + 1) * M]}

    tiny = nabla.function([i], T.sum(x), givens={x: givens[x]})
    report("sum of a 10x784 slice", tiny)

    W1 = nabla.shared(rng.normal(size=(784, 30)).astype(np.float32), "W1")
    b1 = nabla.shared(rng.normal(size=30).astype(np.float32), "b1")
    W2 = nabla.shared(rng.normal(size=(30, 10)).astype(np.float32), "W2")
    b2 = nabla.shared(rng.normal(size=10).astype(np.float32), "b2")
    a = T.nnet.sigmoid(T.dot(T.nnet.sigmoid(T.dot(x, W1) + b1), W2) + b2)
    cost = T.mean(T.sum(T.sqr(a - y), axis=1)) * 0.5
    params = [W1, b1, W2, b2]
    step = nabla.function([i], cost, givens=givens,
                          updates=[(p, p - 3.0 * g) for p, g in zip(params, T.grad(cost, params))])
    report("experiment 1.1 SGD step", step)
    epoch(step, 50000 // M)


if __name__ == "__main__":
    main()
