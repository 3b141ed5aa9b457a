"""A restricted Boltzmann machine on MNIST, trained with contrastive divergence
(CD-k); its Gibbs chain is a theano.scan with random streams, as in the classic
Theano tutorial. Draws samples from the trained model into a PNG.

    /usr/bin/python3 examples/python/rbm.py [--epochs 3] [--hidden 500] [--k 1] [--out rbm_samples.png]
"""

import argparse
import time

import numpy as np

import nabla.theano as theano
import nabla.theano.tensor as T
from nabla import nn
from nabla.theano.tensor.shared_randomstreams import RandomStreams


class RBM:
    def __init__(self, n_visible, n_hidden, seed):
        rng = np.random.RandomState(seed)
        bound = 4 * np.sqrt(6.0 / (n_visible + n_hidden))
        self.W = theano.shared(rng.uniform(-bound, bound, (n_visible, n_hidden)).astype("float32"), name="W")
        self.hbias = theano.shared(np.zeros(n_hidden, dtype="float32"), name="hbias")
        self.vbias = theano.shared(np.zeros(n_visible, dtype="float32"), name="vbias")
        self.params = [self.W, self.hbias, self.vbias]
        self.srng = RandomStreams(seed + 1)

    def free_energy(self, v):
        return -T.dot(v, self.vbias) - T.sum(T.nnet.softplus(T.dot(v, self.W) + self.hbias), axis=1)

    def sample(self, p):
        return T.cast(self.srng.uniform(p.shape) < p, "float32")

    def gibbs_vhv(self, v):
        h = self.sample(T.nnet.sigmoid(T.dot(v, self.W) + self.hbias))
        v_mean = T.nnet.sigmoid(T.dot(h, self.W.T) + self.vbias)
        return v_mean, self.sample(v_mean)

    def cd_updates(self, v0, k, lr):
        (v_means, v_samples), updates = theano.scan(lambda v: self.gibbs_vhv(v), outputs_info=[None, v0], n_steps=k)
        chain_end = theano.gradient.disconnected_grad(v_samples[-1])
        cost = T.mean(self.free_energy(v0)) - T.mean(self.free_energy(chain_end))
        grads = T.grad(cost, self.params)
        updates = list(updates.items()) + [(p, p - lr * g) for p, g in zip(self.params, grads)]
        # Reconstruction cross-entropy of the first Gibbs step: what to watch.
        v1 = v_means[0]
        monitor = -T.mean(T.sum(v0 * T.log(v1 + 1e-7) + (1 - v0) * T.log(1 - v1 + 1e-7), axis=1))
        return monitor, updates


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--k", type=int, default=1, help="Gibbs steps per update (CD-k)")
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--train-size", type=int, default=50000)
    ap.add_argument("--chain-steps", type=int, default=20, help="Gibbs steps between drawn samples")
    ap.add_argument("--out", default="rbm_samples.png")
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--data", default=None, help="MNIST directory (default: nabla's data/mnist)")
    args = ap.parse_args()

    data = nn.load_mnist(args.data) if args.data else nn.load_mnist()
    train_x = np.asarray(data.training.x[:args.train_size], dtype="float32")
    test_x = np.asarray(data.test.x, dtype="float32")
    rbm = RBM(784, args.hidden, args.seed)
    shared_x = theano.shared(train_x, name="train_x")
    index = T.lscalar("index")
    v0 = T.matrix("v0")
    monitor, updates = rbm.cd_updates(v0, args.k, args.lr)
    b = args.batch
    train = theano.function([index], monitor, updates=updates, givens={v0: shared_x[index * b:(index + 1) * b]})
    n_batches = len(train_x) // b
    for epoch in range(args.epochs):
        t = time.time()
        costs = [float(train(i)) for i in range(n_batches)]
        print(f"epoch {epoch}: reconstruction cross-entropy {np.mean(costs):.2f} ({time.time() - t:.1f} s)", flush=True)

    # Samples: 10 chains started at test images, each row chain-steps Gibbs steps on.
    chains = theano.shared(test_x[:10], name="chains")
    (v_means, v_samples), updates = theano.scan(lambda v: rbm.gibbs_vhv(v), outputs_info=[None, chains],
                                                n_steps=args.chain_steps)
    draw = theano.function([], v_means[-1], updates=list(updates.items()) + [(chains, v_samples[-1])])
    rows = [test_x[:10]] + [draw() for _ in range(9)]
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(rows), 10, figsize=(10, len(rows)))
    for r, row in enumerate(rows):
        for c in range(10):
            axes[r][c].imshow(row[c].reshape(28, 28), cmap="gray")
            axes[r][c].axis("off")
    fig.suptitle(f"RBM samples: test images (top), then every {args.chain_steps} Gibbs steps")
    fig.savefig(args.out, dpi=60)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
