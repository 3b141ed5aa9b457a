"""nabla.nn: the C++ layers, costs, networks, optimizers and data loaders.

    import nabla.nn as nn
    training_data, validation_data, test_data = nn.load_mnist()
    net = nn.Network([784, 30, 10], cost=nn.CrossEntropyCost)
    net.SGD(training_data, 30, 10, 0.5, evaluation_data=test_data, monitor_evaluation_accuracy=True)

network3's Network3 with ConvPoolLayer, FullyConnectedLayer and SoftmaxLayer
trains in C++ too.

Building blocks for your own graphs: the layer library (Layer to subclass,
FullyConnected, Softmax, Conv2D, MaxPool2D, ConvPool), activations, costs
(functions of Vars), optimizers (.updates(params, grads) for nabla.function),
EarlyStopping / PlateauSchedule, and Trainer, the C++ training loop over
SharedData for any cost and layers, including ones written in Python.
"""

from .activations import ACTIVATIONS, activate, linear, relu, sigmoid, softmax, tanh
from .costs import (CrossEntropyCost, LogLikelihoodCost, QuadraticCost, cross_entropy_cost, l1_norm,
                    l2_norm_squared, log_likelihood_cost, quadratic_cost)
from .data import (MnistData, Split, as_split, default_fashion_mnist_dir, default_mnist_dir, load_fashion_mnist,
                   load_mnist, one_hot, read_idx)
from .layers import (INITIALIZERS, LSTM, Conv2D, ConvPool, Elman, FullyConnected, Layer, LayerContext, MaxPool2D, Rng,
                     Softmax, normal)
from .network import Network, load
from .network3 import ConvPoolLayer, FullyConnectedLayer, Layer3, Network3, Network3Result, SoftmaxLayer
from .optimizers import (SGD, Adagrad, Adam, EarlyStopping, Momentum, Nesterov, Optimizer, PlateauSchedule, RMSProp,
                         make_optimizer)
from .training import SharedData, Trainer, checkpoint_summary

__all__ = ["ACTIVATIONS", "activate", "linear", "relu", "sigmoid", "softmax", "tanh",
           "CrossEntropyCost", "LogLikelihoodCost", "QuadraticCost", "cross_entropy_cost", "l1_norm",
           "l2_norm_squared", "log_likelihood_cost", "quadratic_cost",
           "MnistData", "Split", "as_split", "default_fashion_mnist_dir", "default_mnist_dir", "load_fashion_mnist",
           "load_mnist", "one_hot", "read_idx",
           "INITIALIZERS", "Conv2D", "ConvPool", "Elman", "LSTM", "FullyConnected", "Layer", "LayerContext", "MaxPool2D", "Rng",
           "Softmax", "normal",
           "Network", "load",
           "ConvPoolLayer", "FullyConnectedLayer", "Layer3", "Network3", "Network3Result", "SoftmaxLayer",
           "SGD", "Adagrad", "Adam", "EarlyStopping", "Momentum", "Nesterov", "Optimizer", "PlateauSchedule",
           "RMSProp", "make_optimizer",
           "SharedData", "Trainer", "checkpoint_summary"]

from . import _pickling as _layer_pickling  # noqa: E402

_layer_pickling.install()  # pickle / copy.deepcopy of layers
