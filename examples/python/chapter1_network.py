"""Chapter 1's interactive session, with a network.py-style Network written on
nabla: the same constructor, SGD and evaluate, but no hand-written backprop --
nabla.grad differentiates the quadratic cost, and each mini-batch is one call
of a compiled function over the training data held in shared variables.

The book's session:
    >>> import mnist_loader
    >>> training_data, validation_data, test_data = mnist_loader.load_data_wrapper()
    >>> import network
    >>> net = network.Network([784, 30, 10])
    >>> net.SGD(training_data, 30, 10, 3.0, test_data=test_data)

Run it (the book: about 95% after 30 epochs):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/chapter1_network.py --epochs 3
"""

import argparse

import numpy as np

import nabla
import nabla.nn as nn
import nabla.tensor as T


class Network:
    """network.py's Network: sigmoid layers, quadratic cost, mini-batch SGD;
    weights and biases drawn from N(0, 1)."""

    def __init__(self, sizes, seed=12345678):
        self.num_layers = len(sizes)
        self.sizes = sizes
        rng = np.random.default_rng(seed)
        # W (n_out, n_in) and b (n_out,) as network.py has them, in shared variables.
        self.weights = [nabla.shared(rng.standard_normal((n_out, n_in)).astype("float32"), name=f"w{k}")
                        for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
        self.biases = [nabla.shared(rng.standard_normal(n_out).astype("float32"), name=f"b{k}")
                       for k, n_out in enumerate(sizes[1:])]
        self.rng = rng
        self.x = T.matrix("x")  # one example per row
        self.output = self.feedforward(self.x)
        self._predict = nabla.function([self.x], T.argmax(self.output, axis=1))

    def feedforward(self, a):
        """The network's output for a (a Var with one example per row)."""
        for w, b in zip(self.weights, self.biases):
            a = T.nnet.sigmoid(T.dot(a, w.T) + b)
        return a

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):
        """Mini-batch SGD: each epoch shuffles the training data (one permuted
        copy into the shared variables) and takes one step per mini-batch."""
        training_x, training_y = training_data
        data_x = nabla.shared(training_x, name="training_x")
        data_y = nabla.shared(nn.one_hot(training_y, self.sizes[-1]), name="training_y")
        y, index = T.matrix("y"), T.lscalar("index")
        cost = nn.quadratic_cost(self.output, y)
        params = self.weights + self.biases
        m = mini_batch_size
        update_mini_batch = nabla.function(
            [index], None, updates=[(p, p - eta * g) for p, g in zip(params, nabla.grad(cost, params))],
            givens={self.x: data_x[index * m:(index + 1) * m], y: data_y[index * m:(index + 1) * m]})
        n = len(training_x)
        for j in range(epochs):
            order = self.rng.permutation(n)
            data_x.set_value(training_x[order])
            data_y.set_value(nn.one_hot(training_y[order], self.sizes[-1]))
            for k in range(n // m):
                update_mini_batch(k)
            if test_data is not None:
                print(f"Epoch {j}: {self.evaluate(test_data)} / {len(test_data[0])}", flush=True)
            else:
                print(f"Epoch {j} complete", flush=True)

    def evaluate(self, test_data):
        """How many test inputs the network classifies correctly."""
        x, y = test_data
        return int(np.sum(self._predict(x) == y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--hidden", type=int, default=30, help="hidden neurons (the book also tries 100)")
    parser.add_argument("--eta", type=float, default=3.0)
    parser.add_argument("--data", default=None, help="MNIST directory (default: data/mnist)")
    args = parser.parse_args()

    training_data, validation_data, test_data = nn.load_mnist(args.data, as_numpy=True)
    net = Network([784, args.hidden, 10])
    net.SGD(training_data, args.epochs, 10, args.eta, test_data=test_data)


if __name__ == "__main__":
    main()
