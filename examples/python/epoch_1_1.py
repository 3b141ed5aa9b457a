"""Seconds per training epoch of experiment 1.1 (network.py: [784, 30, 10],
sigmoid, quadratic cost, eta 3.0, mini-batches of 10) driven from Python,
against the same experiment run by the C++ program nabla-book.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/epoch_1_1.py build/nabla-book --epochs 3

The Python side is network3's pattern: the 50,000 training images and their
one-hot labels live in shared variables, and each mini-batch is one call of a
compiled function whose only argument is the mini-batch index (givens slice
the shared data). It runs twice, each from the same initial weights:
  - "no shuffle": network3.py's loop, the same order every epoch;
  - "shuffled": before each epoch a new permutation goes into a shared index
    vector, and the givens gather the mini-batch's rows through it
    (data_x[perm[index*10:(index+1)*10]], one take_rows op), as the C++ loop
    gathers the rows of each mini-batch. Setting the permutation is counted.
Prints the medians and the ratios (the issue asks for at most 1.3).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import nabla
import nabla.nn as nn
import nabla.tensor as T

M = 10  # mini-batch size


def compile_step(data_x, data_y, seed, perm=None):
    """Experiment 1.1's network and its SGD step on mini-batch `index` of the shared
    data (rows perm[index*M:(index+1)*M] when a shared permutation is given)."""
    rng = nn.Rng(seed)
    hidden = nn.FullyConnected(784, 30, init="large", rng=rng, name="hidden")
    output = nn.FullyConnected(30, 10, init="large", rng=rng, name="output")
    x, y, index = T.matrix("x"), T.matrix("y"), T.lscalar("index")
    a = output(hidden(x))
    params = hidden.params + output.params
    cost = nn.quadratic_cost(a, y)
    if perm is None:
        givens = {x: data_x[index * M:(index + 1) * M], y: data_y[index * M:(index + 1) * M]}
    else:
        rows = perm[index * M:(index + 1) * M]
        givens = {x: data_x[rows], y: data_y[rows]}
    step = nabla.function([index], None, updates=nn.SGD(3.0).updates(params, nabla.grad(cost, params)),
                          givens=givens)
    return step, nabla.function([x], T.argmax(a, axis=1))


def python_epochs(label, epochs, training, test, seed, shuffle):
    """Median seconds per epoch (and of its shuffle) over `epochs` epochs."""
    train_x, train_y = training.x, nn.one_hot(training.y, 10)
    data_x, data_y = nabla.shared(train_x, "data_x"), nabla.shared(train_y, "data_y")
    perm = nabla.shared(np.arange(len(train_x), dtype="int64"), "perm") if shuffle else None
    step, predict = compile_step(data_x, data_y, seed, perm)
    batches = len(train_x) // M
    order_rng = np.random.default_rng(seed)
    epoch_seconds, shuffle_seconds = [], []
    for epoch in range(epochs):
        start = time.perf_counter()
        if shuffle:
            perm.set_value(order_rng.permutation(len(train_x)))
        shuffled = time.perf_counter()
        for i in range(batches):
            step(i)
        end = time.perf_counter()
        epoch_seconds.append(end - start)
        shuffle_seconds.append(shuffled - start)
        correct = int(np.sum(predict(test.x) == test.y))
        print(f"python {label:10s} epoch {epoch}: {correct} / {len(test)}  ({end - start:.3f} s, "
              f"shuffle {shuffled - start:.3f} s)", flush=True)
    return float(np.median(epoch_seconds)), float(np.median(shuffle_seconds))


def cpp_epochs(binary, epochs, data_dir):
    """The median seconds per training epoch nabla-book reports for experiment 1.1."""
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "1.1.json")
        command = [binary, "run", "1.1", "--epochs", str(epochs), "--json", results]
        if data_dir:
            command += ["--data", data_dir]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(results) as f:
            return float(json.load(f)["seconds_per_epoch"])


def main():
    parser = argparse.ArgumentParser(description="Experiment 1.1: Python epoch time against the C++ one.")
    parser.add_argument("nabla_book", help="path of the C++ program (build/nabla-book)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", default=None, help="MNIST directory (default: data/mnist)")
    parser.add_argument("--seed", type=int, default=12345678)
    args = parser.parse_args()
    if not os.access(args.nabla_book, os.X_OK):
        sys.exit(f"epoch_1_1.py: {args.nabla_book} is not an executable (build it: cmake --build build)")

    training, _, test = nn.load_mnist(args.data)
    plain, _ = python_epochs("no shuffle", args.epochs, training, test, args.seed, shuffle=False)
    shuffled, shuffle = python_epochs("shuffled", args.epochs, training, test, args.seed, shuffle=True)
    cpp = cpp_epochs(args.nabla_book, args.epochs, args.data)
    print(f"c++ (nabla-book run 1.1):   {cpp:.3f} s/epoch (median of {args.epochs})")
    print(f"python, no shuffle:         {plain:.3f} s/epoch   ratio {plain / cpp:.2f}")
    print(f"python, shuffled each epoch: {shuffled:.3f} s/epoch   ratio {shuffled / cpp:.2f}"
          f"   (the shuffle: {shuffle:.3f} s)")

if __name__ == "__main__":
    main()
