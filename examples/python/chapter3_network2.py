"""Chapter 3's interactive sessions with nabla.nn.Network, network2.py's
Network trained in C++ (the loop runs without the GIL).

The book's sessions:
    >>> net = network2.Network([784, 30, 10], cost=network2.CrossEntropyCost)
    >>> net.large_weight_initializer()
    >>> net.SGD(training_data, 30, 10, 0.5, evaluation_data=test_data,
    ...     monitor_evaluation_accuracy=True)                       # 95.49%
and, regularized and monitored (the four lists come back):
    >>> evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = \\
    ...     net.SGD(training_data, 30, 10, 0.5, lmbda=5.0, evaluation_data=validation_data,
    ...         monitor_evaluation_accuracy=True, monitor_evaluation_cost=True,
    ...         monitor_training_accuracy=True, monitor_training_cost=True)

Run them (short):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/chapter3_network2.py --epochs 2
"""

import argparse
import os
import tempfile

import nabla.nn as nn


def cross_entropy_session(data, epochs, hidden):
    training_data, validation_data, test_data = data
    print(f"== [784, {hidden}, 10], cross-entropy, eta 0.5, large weights (the book: 95.49% with 30 hidden)")
    net = nn.Network([784, hidden, 10], cost=nn.CrossEntropyCost)
    net.large_weight_initializer()
    net.SGD(training_data, epochs, 10, 0.5, evaluation_data=test_data, monitor_evaluation_accuracy=True)
    return net


def regularized_session(data, epochs, hidden):
    training_data, validation_data, test_data = data
    print(f"== [784, {hidden}, 10], cross-entropy, eta 0.5, lmbda 5.0, every monitor on")
    net = nn.Network([784, hidden, 10], cost=nn.CrossEntropyCost)
    evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = net.SGD(
        training_data, epochs, 10, 0.5, lmbda=5.0, evaluation_data=validation_data,
        monitor_evaluation_accuracy=True, monitor_evaluation_cost=True,
        monitor_training_accuracy=True, monitor_training_cost=True)
    print("evaluation_accuracy:", [f"{a / len(validation_data):.2%}" for a in evaluation_accuracy])
    print("training_cost:      ", [round(c, 4) for c in training_cost])
    print("seconds per epoch:  ", [round(s, 3) for s in net.last_result.epoch_seconds])
    return net


def save_and_load(net, test_data):
    """network2's save / load: the same JSON file format."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "net.json")
        net.save(path)
        again = nn.load(path)
    print(f"saved and loaded: {again.accuracy(test_data)} / {len(test_data)} on the test data "
          f"(before: {net.accuracy(test_data)})")


def main():
    parser = argparse.ArgumentParser(description="Chapter 3's network2 sessions on nabla.nn.Network.")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--hidden", type=int, default=30, help="hidden neurons (the book also tries 100)")
    parser.add_argument("--session", choices=["cross-entropy", "regularized", "both"], default="both")
    parser.add_argument("--data", default=None, help="MNIST directory (default: data/mnist)")
    args = parser.parse_args()

    data = nn.load_mnist(args.data)
    if args.session in ("cross-entropy", "both"):
        net = cross_entropy_session(data, args.epochs, args.hidden)
    if args.session in ("regularized", "both"):
        net = regularized_session(data, args.epochs, args.hidden)
    save_and_load(net, data.test)


if __name__ == "__main__":
    main()
