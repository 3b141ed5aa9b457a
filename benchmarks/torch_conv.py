#!/usr/bin/env python3
"""Reference program for 6.2, 6.4 and 6.6: network3's conv nets in PyTorch eager mode, one thread
(or --threads N).

6.2 (--arch 6.2, the default):
conv 20x5x5 valid + 2x2 max-pool + sigmoid, FC 2880 -> 100 sigmoid, softmax 100 -> 10 with the
log-likelihood cost on the mini-batch mean, plain SGD (eta 0.1, mini-batch 10), no L2, mini-
batches in stored order every epoch (network3 does not shuffle). Initialization as network3:
conv w ~ N(0, sqrt(1/125)), FC w ~ N(0, sqrt(1/100)), biases N(0, 1), softmax zeros. PyTorch's
conv2d is a cross-correlation where Theano's flips the kernel; from a random start that changes
nothing but the stored filter orientation. Adding the bias after pooling (network3) equals adding
it before (max commutes with a per-map constant), so nn.Conv2d's own bias is used.
6.4: a second conv-pool layer (40 maps of 5x5 over the 20 pooled maps) and FC 640 -> 100.
6.6: 6.4 with ReLU everywhere, eta 0.03 and network3's L2 term, 0.5 lambda sum(w^2) / (number of
mini-batches) added to the mini-batch cost, lambda 0.1, on the weights (not the biases).
Exits with status 3 if torch cannot be imported, so bench.py can skip it.
"""
import argparse
import json
import os
import sys
import time

import reference_cli

TORCH_MISSING = 3

THREADS = reference_cli.threads_from_argv(sys.argv)
reference_cli.pin_threads(THREADS)  # before torch loads its BLAS / OpenMP runtime

try:
    import torch
except ImportError as e:
    print(f"torch_conv.py: cannot import torch ({e}); install python3-torch", file=sys.stderr)
    sys.exit(TORCH_MISSING)

import numpy as np  # noqa: E402

import mnist_idx  # noqa: E402


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", choices=("6.2", "6.4", "6.6"), default="6.2")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--eta", type=float, default=None, help="learning rate (default: the experiment's)")
    p.add_argument("--lmbda", type=float, default=None, help="L2 (default: the experiment's)")
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    p.add_argument("--mini-batch", type=int, default=10)
    p.add_argument("--train-size", type=int, default=50_000, help="use the first N training images")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default=os.path.join(here, "..", "data", "mnist"), help="directory of the MNIST IDX files")
    p.add_argument("--json", help="results file")
    return p.parse_args()


EXPERIMENTS = {  # conv layers (in, out maps), FC inputs, activation, eta, lambda
    "6.2": ([(1, 20)], 20 * 12 * 12, torch.sigmoid, 0.1, 0.0),
    "6.4": ([(1, 20), (20, 40)], 40 * 4 * 4, torch.sigmoid, 0.1, 0.0),
    "6.6": ([(1, 20), (20, 40)], 40 * 4 * 4, torch.relu, 0.03, 0.1),
}


class ConvNet(torch.nn.Module):
    def __init__(self, arch):
        super().__init__()
        convs, fc_in, self.act, _, _ = EXPERIMENTS[arch]
        self.convs = torch.nn.ModuleList(torch.nn.Conv2d(i, o, 5) for i, o in convs)
        self.fc = torch.nn.Linear(fc_in, 100)
        self.out = torch.nn.Linear(100, 10)
        with torch.no_grad():  # network3's initialization
            for c in self.convs:
                c.weight.normal_(0.0, (1.0 / (c.out_channels * 5 * 5 / 4)) ** 0.5)
                c.bias.normal_(0.0, 1.0)
            self.fc.weight.normal_(0.0, (1.0 / 100) ** 0.5)
            self.fc.bias.normal_(0.0, 1.0)
            self.out.weight.zero_()
            self.out.bias.zero_()

    def weights(self):
        return [c.weight for c in self.convs] + [self.fc.weight, self.out.weight]

    def forward(self, x):
        a = x
        for c in self.convs:
            a = self.act(torch.nn.functional.max_pool2d(c(a), 2))
        a = self.act(self.fc(a.flatten(1)))
        return self.out(a)  # logits; the softmax is in the cost


@torch.no_grad()
def accuracy(net, x, y, batch):
    """network3's figure: the mean of the per-mini-batch accuracies (equal-sized batches)."""
    right = 0
    for k in range(0, x.shape[0] - x.shape[0] % batch, batch):
        right += int((net(x[k:k + batch]).argmax(dim=1) == y[k:k + batch]).sum())
    return right / (x.shape[0] - x.shape[0] % batch)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    _, _, _, eta, lmbda = EXPERIMENTS[args.arch]
    eta = args.eta if args.eta is not None else eta
    lmbda = args.lmbda if args.lmbda is not None else lmbda
    torch.manual_seed(args.seed)
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = mnist_idx.load_book_split(args.data, np.float32)
    as_images = lambda a: torch.from_numpy(a).reshape(-1, 1, 28, 28)
    train_x, valid_x, test_x = as_images(train_x[:args.train_size]), as_images(valid_x), as_images(test_x)
    train_y, valid_y, test_y = (torch.from_numpy(a) for a in (train_y[:args.train_size], valid_y, test_y))

    net = ConvNet(args.arch)
    optimizer = torch.optim.SGD(net.parameters(), lr=eta)
    m, n = args.mini_batch, train_x.shape[0]
    l2_scale = 0.5 * lmbda / (n // m)
    epoch_seconds, validation_accuracy, test_accuracy = [], [], []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        for k in range(0, n - n % m, m):  # stored order, no shuffle; the tail is dropped as network3 does
            optimizer.zero_grad()
            cost = torch.nn.functional.cross_entropy(net(train_x[k:k + m]), train_y[k:k + m])
            if lmbda:
                cost = cost + l2_scale * sum((w * w).sum() for w in net.weights())
            cost.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
        validation_accuracy.append(accuracy(net, valid_x, valid_y, m))
        test_accuracy.append(accuracy(net, test_x, test_y, m))
        print(f"epoch {epoch}: {epoch_seconds[-1]:.3f} s, validation {100 * validation_accuracy[-1]:.2f}%, "
              f"test {100 * test_accuracy[-1]:.2f}%", flush=True)
    result = {
        "program": "torch-conv",
        "settings": {"architecture": args.arch, "eta": eta, "lmbda": lmbda, "threads": args.threads,
                     "epochs": args.epochs, "mini_batch": m, "train_size": n, "seed": args.seed},
        "epoch_seconds": epoch_seconds,
        "test_accuracy": test_accuracy,
        "validation_accuracy": validation_accuracy,
        "peak_rss_mb": reference_cli.peak_rss_mb(),
    }
    if args.json:
        reference_cli.write_json_atomically(args.json, result)
    print(f"torch-conv: {len(epoch_seconds)} epochs, median {sorted(epoch_seconds)[len(epoch_seconds) // 2]:.3f} "
          f"s/epoch, test accuracy {100 * test_accuracy[-1]:.2f}%, peak RSS {result['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
