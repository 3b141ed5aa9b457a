"""Benchmark (not a test): one "epoch" of the char-LSTM of examples/python/char_rnn.py
(embedding 32, LSTM 128, softmax over the vocabulary, windows of 50, batch 32, Adam)
in nabla and in PyTorch eager, same sizes, same data, one thread each.

    /usr/bin/python3 benchmarks/char_lstm.py [--iterations 200] [--text DIR]

Prints seconds per iteration for each and the ratio torch / nabla (> 1: nabla faster).
"""

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "python"))
import char_rnn  # noqa: E402  (the example's model and text reader)


def batches(ids, n, seq_len, batch, seed):
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        s = rng.randint(0, len(ids) - seq_len - 1, size=batch)
        out.append((np.stack([ids[a:a + seq_len] for a in s], 1), np.stack([ids[a + 1:a + seq_len + 1] for a in s], 1)))
    return out


def time_nabla(data, vocab, args):
    import nabla
    import nabla.tensor as T
    nabla.set_num_threads(1)
    model = char_rnn.CharModel(vocab, args.emb, args.hidden, 1)
    inp, tgt = T.lmatrix("inputs"), T.lmatrix("targets")
    cost = T.mean(T.nnet.categorical_crossentropy(T.nnet.softmax(model.logits(inp)), tgt.flatten()))
    opt = nabla.nn.Adam(3e-3)
    train = nabla.function([inp, tgt], cost, updates=opt.updates(model.params, nabla.grad(cost, model.params)))
    train(*data[0])  # compile and warm up
    t = time.perf_counter()
    for x, y in data:
        last = float(train(x, y))
    return (time.perf_counter() - t) / len(data), last


def time_torch(data, vocab, args):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(1)

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(vocab, args.emb)
            self.lstm = torch.nn.LSTM(args.emb, args.hidden)
            self.out = torch.nn.Linear(args.hidden, vocab)

        def forward(self, x):
            h, _ = self.lstm(self.emb(x))
            return self.out(h.reshape(-1, h.shape[2]))

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    tensors = [(torch.from_numpy(x), torch.from_numpy(y).reshape(-1)) for x, y in data]

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return float(loss)

    step(*tensors[0])
    t = time.perf_counter()
    for x, y in tensors:
        last = step(x, y)
    return (time.perf_counter() - t) / len(tensors), last


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", default=char_rnn.DEFAULT_TEXT)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--seq-len", type=int, default=50)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--emb", type=int, default=32)
    args = ap.parse_args()
    text = char_rnn.read_text(args.text)
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.array([index[c] for c in text], dtype=np.int64)
    data = batches(ids, args.iterations, args.seq_len, args.batch, 7)
    n_s, n_loss = time_nabla(data, len(chars), args)
    t_s, t_loss = time_torch(data, len(chars), args)
    print(f"char-LSTM, {args.iterations} iterations of {args.seq_len}x{args.batch} characters, hidden {args.hidden}, 1 thread")
    print(f"  nabla          {n_s * 1e3:8.2f} ms/iteration (last loss {n_loss:.3f} nats)")
    print(f"  PyTorch eager  {t_s * 1e3:8.2f} ms/iteration (last loss {t_loss:.3f} nats)")
    print(f"  torch / nabla  {t_s / n_s:8.2f}x (> 1: nabla faster)")


if __name__ == "__main__":
    main()
