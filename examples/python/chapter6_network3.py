"""Chapter 6's interactive sessions: the book's network3.py, running on nabla
through nabla.theano (network3.py beside this file is the book's code with its
imports changed), or with --engine cpp on nabla.nn.Network3, the same network
wired and trained in C++ (same layer names and arguments).

The book's first session (97.80% after 60 epochs):
    >>> import network3
    >>> from network3 import Network
    >>> from network3 import ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer
    >>> training_data, validation_data, test_data = network3.load_data_shared()
    >>> mini_batch_size = 10
    >>> net = Network([
            L.FullyConnectedLayer(n_in=784, n_out=100),
            L.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size)
    >>> net.SGD(training_data, 60, mini_batch_size, 0.1, validation_data, test_data)

Run it, or one of the convolutional sessions, for a few epochs (slices of the
training set make the convolutional ones quick):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/chapter6_network3.py --epochs 2
    PYTHONPATH=build/python /usr/bin/python3 examples/python/chapter6_network3.py --session conv \\
        --epochs 1 --train-size 10000 [--engine cpp]
"""

import argparse
import os
import sys

import types

import numpy as np

import nabla.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import network3  # noqa: E402
from network3 import ReLU  # noqa: E402

mini_batch_size = 10

# The two engines' layer classes, under network3's names.
THEANO = types.SimpleNamespace(Network=network3.Network, ConvPoolLayer=network3.ConvPoolLayer,
                               FullyConnectedLayer=network3.FullyConnectedLayer, SoftmaxLayer=network3.SoftmaxLayer)
CPP = types.SimpleNamespace(Network=nn.Network3, ConvPoolLayer=nn.ConvPoolLayer,
                            FullyConnectedLayer=nn.FullyConnectedLayer, SoftmaxLayer=nn.SoftmaxLayer)


def shallow(L):
    """One hidden layer of 100 sigmoid neurons (the book: 97.80%)."""
    return L.Network([
        L.FullyConnectedLayer(n_in=784, n_out=100),
        L.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size), 0.1, 0.0


def conv(L):
    """A convolutional-pooling layer of 20 5x5 filters before it (the book: 98.78%)."""
    return L.Network([
        L.ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28), filter_shape=(20, 1, 5, 5), poolsize=(2, 2)),
        L.FullyConnectedLayer(n_in=20 * 12 * 12, n_out=100),
        L.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size), 0.1, 0.0


def conv2(L):
    """A second convolutional-pooling layer of 40 filters (the book: 99.06%)."""
    return L.Network([
        L.ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28), filter_shape=(20, 1, 5, 5), poolsize=(2, 2)),
        L.ConvPoolLayer(image_shape=(mini_batch_size, 20, 12, 12), filter_shape=(40, 20, 5, 5), poolsize=(2, 2)),
        L.FullyConnectedLayer(n_in=40 * 4 * 4, n_out=100),
        L.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size), 0.1, 0.0


def relu(L):
    """The same with rectified linear units, eta 0.03 and lmbda 0.1 (the book: 99.23%)."""
    return L.Network([
        L.ConvPoolLayer(image_shape=(mini_batch_size, 1, 28, 28), filter_shape=(20, 1, 5, 5), poolsize=(2, 2),
                        activation_fn=ReLU),
        L.ConvPoolLayer(image_shape=(mini_batch_size, 20, 12, 12), filter_shape=(40, 20, 5, 5), poolsize=(2, 2),
                        activation_fn=ReLU),
        L.FullyConnectedLayer(n_in=40 * 4 * 4, n_out=100, activation_fn=ReLU),
        L.SoftmaxLayer(n_in=100, n_out=10)], mini_batch_size), 0.03, 0.1


SESSIONS = {"shallow": shallow, "conv": conv, "conv2": conv2, "relu": relu}


def main():
    parser = argparse.ArgumentParser(description="Chapter 6's network3 sessions on nabla.theano.")
    parser.add_argument("--session", choices=sorted(SESSIONS), default="shallow")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--train-size", type=int, default=50000, help="use the first N training images")
    parser.add_argument("--data", default=None, help="MNIST directory (default: data/mnist)")
    parser.add_argument("--engine", choices=["theano", "cpp"], default="theano",
                        help="network3.py on nabla.theano, or nabla.nn.Network3 (C++)")
    parser.add_argument("--seed", type=int, default=0, help="numpy's seed (network3 draws weights from it)")
    args = parser.parse_args()

    np.random.seed(args.seed)
    if args.engine == "theano":
        training_data, validation_data, test_data = network3.load_data_shared(args.data, args.train_size)
    else:
        training_data, validation_data, test_data = nn.load_mnist(args.data, args.train_size)
    net, eta, lmbda = SESSIONS[args.session](THEANO if args.engine == "theano" else CPP)
    print(SESSIONS[args.session].__doc__)
    net.SGD(training_data, args.epochs, mini_batch_size, eta, validation_data, test_data, lmbda=lmbda)


if __name__ == "__main__":
    main()
