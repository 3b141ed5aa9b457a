#!/usr/bin/env python3
"""Reference program: the same network2 training in PyTorch eager mode, one thread.

nn.Linear + sigmoid layers, N(0,1) initialization, autograd for the gradients, torch.optim.SGD
on the mini-batch mean cost. network2's decay w <- (1 - eta*lmbda/n) w per mini-batch is SGD's
weight_decay = lmbda/n, given to the weights only (biases are not regularized). Cross-entropy
is computed from the last layer's z (binary_cross_entropy_with_logits), whose gradient is
network2's a - y. Exits with status 3 if torch cannot be imported, so bench.py can skip it.
"""
import sys

import reference_cli

TORCH_MISSING = 3  # exit status bench.py reads as "skipped", not "failed"

reference_cli.pin_one_thread()  # before torch loads its BLAS / OpenMP runtime

try:
    import torch
except ImportError as e:  # python3-torch is optional; say so instead of a traceback
    print(f"torch_eager.py: cannot import torch ({e}); install python3-torch", file=sys.stderr)
    sys.exit(TORCH_MISSING)

import time  # noqa: E402

import numpy as np  # noqa: E402

import mnist_idx  # noqa: E402


def build_network(sizes, dtype):
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        linear = torch.nn.Linear(n_in, n_out, dtype=dtype)
        torch.nn.init.normal_(linear.weight)
        torch.nn.init.normal_(linear.bias)
        layers += [linear, torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers[:-1])  # the output sigmoid is applied by the cost


def mean_cost(z, y, cost):
    """The book's per-example cost, summed over the outputs and averaged over the mini-batch."""
    if cost == "cross-entropy":
        return torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="sum") / z.shape[0]
    return 0.5 * (torch.sigmoid(z) - y).square().sum() / z.shape[0]


@torch.no_grad()
def accuracy(net, x, labels):
    return float((net(x).argmax(dim=1) == labels).double().mean())


def main():
    args = reference_cli.parse_args(__doc__.split("\n")[0])
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    dtype = {"float32": torch.float32, "float64": torch.float64}[args.dtype]
    np_dtype = np.dtype(args.dtype).type
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = mnist_idx.load_book_split(args.data, np_dtype)
    train_x, valid_x, test_x = (torch.from_numpy(a) for a in (train_x, valid_x, test_x))
    train_targets = torch.from_numpy(mnist_idx.one_hot(train_y, dtype=np_dtype))
    valid_y, test_y = torch.from_numpy(valid_y), torch.from_numpy(test_y)

    net = build_network(args.sizes, dtype)
    n = train_x.shape[0]
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    optimizer = torch.optim.SGD([
        {"params": [m.weight for m in linears], "weight_decay": args.lmbda / n},
        {"params": [m.bias for m in linears], "weight_decay": 0.0},
    ], lr=args.eta)

    epoch_seconds, test_accuracy, validation_accuracy = [], [], []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for k in range(0, n, args.mini_batch):
            batch = order[k:k + args.mini_batch]
            optimizer.zero_grad()
            mean_cost(net(train_x[batch]), train_targets[batch], args.cost).backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
        test_accuracy.append(accuracy(net, test_x, test_y))
        validation_accuracy.append(accuracy(net, valid_x, valid_y))
        print(f"epoch {epoch}: {epoch_seconds[-1]:.3f} s, test accuracy {100 * test_accuracy[-1]:.2f}%", flush=True)
    reference_cli.report("torch-eager", args, epoch_seconds, test_accuracy, validation_accuracy)


if __name__ == "__main__":
    main()
