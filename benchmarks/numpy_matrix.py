#!/usr/bin/env python3
"""Reference program: the book's network2 training with each mini-batch as one matrix
(exercise X4 of chapter 2), in numpy, one thread.

Sigmoid layers, quadratic or cross-entropy cost, L2 decay w <- (1 - eta*lmbda/n) w once per
mini-batch on weights only, N(0,1) ("large") initialization, a fresh shuffle each epoch.
Rows are examples: a layer computes a @ W + b with W of shape in×out (the book's w, transposed).
Only the training loop is timed; test and validation accuracy are measured after each epoch.
"""
import reference_cli

reference_cli.pin_one_thread()  # before numpy loads OpenBLAS

import time  # noqa: E402

import numpy as np  # noqa: E402

import mnist_idx  # noqa: E402


def sigmoid(z):
    with np.errstate(over="ignore"):  # exp(-z) overflows to inf for z << 0: sigmoid is then 0, as wanted
        return 1.0 / (1.0 + np.exp(-z))


class Network:
    def __init__(self, sizes, cost, rng, dtype):
        self.cost = cost
        self.weights = [rng.standard_normal((n_in, n_out)).astype(dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.standard_normal(n_out).astype(dtype) for n_out in sizes[1:]]

    def feedforward(self, a):
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(a @ w + b)
        return a

    def accuracy(self, x, labels):
        return float(np.mean(np.argmax(self.feedforward(x), axis=1) == labels))

    def update_mini_batch(self, x, y, eta, decay):
        """One SGD step on the mini-batch (x, y): backpropagation for all its rows at once."""
        activations = [x]
        for w, b in zip(self.weights, self.biases):
            activations.append(sigmoid(activations[-1] @ w + b))
        a = activations[-1]
        delta = a - y  # cross-entropy: dC/dz = a - y
        if self.cost == "quadratic":
            delta *= a * (1 - a)
        step = eta / x.shape[0]  # the gradient is the mean over the mini-batch
        for layer in range(len(self.weights) - 1, -1, -1):
            w = self.weights[layer]
            grad_w = activations[layer].T @ delta
            grad_b = delta.sum(axis=0)
            if layer > 0:  # propagate with the weights as they were before this step
                a_prev = activations[layer]
                delta = (delta @ w.T) * a_prev * (1 - a_prev)
            w *= decay
            w -= step * grad_w
            self.biases[layer] -= step * grad_b


def main():
    args = reference_cli.parse_args(__doc__.split("\n")[0])
    dtype = np.dtype(args.dtype).type
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = mnist_idx.load_book_split(args.data, dtype)
    train_targets = mnist_idx.one_hot(train_y, dtype=dtype)
    rng = np.random.default_rng(args.seed)
    net = Network(args.sizes, args.cost, rng, dtype)
    n = train_x.shape[0]
    decay = dtype(1.0 - args.eta * args.lmbda / n)
    eta = dtype(args.eta)

    epoch_seconds, test_accuracy, validation_accuracy = [], [], []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        for k in range(0, n, args.mini_batch):
            batch = order[k:k + args.mini_batch]
            net.update_mini_batch(train_x[batch], train_targets[batch], eta, decay)
        epoch_seconds.append(time.perf_counter() - start)
        test_accuracy.append(net.accuracy(test_x, test_y))
        validation_accuracy.append(net.accuracy(valid_x, valid_y))
        print(f"epoch {epoch}: {epoch_seconds[-1]:.3f} s, test accuracy {100 * test_accuracy[-1]:.2f}%", flush=True)
    reference_cli.report("numpy-matrix", args, epoch_seconds, test_accuracy, validation_accuracy)


if __name__ == "__main__":
    main()
