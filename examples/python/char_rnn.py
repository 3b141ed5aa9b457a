"""A character-level language model (an LSTM written with scan, nabla.nn.LSTM)
trained on the text of the book itself, then sampled from.

    /usr/bin/python3 examples/python/char_rnn.py [--text DIR_OR_FILE] [--iterations N]

The text: every *.txt under --text (default $NABLA_BOOK_TEXT, else ../shared/book
beside the repository). Training: windows of --seq-len characters at random
offsets, --batch windows per step, the next character as the target, Adam.
Progress: the loss in bits per character against the text's unigram entropy
(what a model that ignores context would reach); at the end, held-out loss and
a sample.
"""

import argparse
import glob
import os
import sys
import time

import numpy as np

import nabla
import nabla.tensor as T

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TEXT = os.environ.get("NABLA_BOOK_TEXT", os.path.join(HERE, "..", "..", "..", "shared", "book"))


def read_text(path):
    files = sorted(glob.glob(os.path.join(path, "*.txt"))) if os.path.isdir(path) else [path]
    if not files or not all(os.path.isfile(f) for f in files):
        sys.exit(f"char_rnn: no text found at {path!r} (pass --text DIR_OR_FILE or set NABLA_BOOK_TEXT)")
    return "".join(open(f, encoding="utf-8", errors="replace").read() for f in files)


def unigram_bits(ids, vocab):
    p = np.bincount(ids, minlength=vocab) / len(ids)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


class CharModel:
    """Embedding -> LSTM -> softmax over the vocabulary, one graph for training."""

    def __init__(self, vocab, n_emb, n_hidden, seed):
        rng = np.random.RandomState(seed)
        self.E = nabla.shared(rng.normal(0, 0.1, (vocab, n_emb)).astype("float32"), name="E")
        self.lstm = nabla.nn.LSTM(n_emb, n_hidden, rng=seed)
        bound = 1 / np.sqrt(n_hidden)
        self.Wo = nabla.shared(rng.uniform(-bound, bound, (n_hidden, vocab)).astype("float32"), name="Wo")
        self.bo = nabla.shared(np.zeros(vocab, dtype="float32"), name="bo")
        self.params = [self.E] + self.lstm.params + [self.Wo, self.bo]
        self.n_emb, self.vocab = n_emb, vocab

    def logits(self, ids):
        """ids (T, batch) int64 -> logits (T * batch, vocab)."""
        x = self.E[ids.flatten()].reshape((ids.shape[0], ids.shape[1], self.n_emb))
        h = self.lstm(x)
        return T.dot(h.reshape((-1, h.shape[2])), self.Wo) + self.bo


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", default=DEFAULT_TEXT)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--seq-len", type=int, default=50)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--emb", type=int, default=32)
    ap.add_argument("--eta", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=300, help="characters to sample at the end")
    args = ap.parse_args()

    text = read_text(args.text)
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.array([index[c] for c in text], dtype=np.int64)
    split = int(len(ids) * 0.95)
    train_ids, held_ids = ids[:split], ids[split:]
    baseline = unigram_bits(train_ids, len(chars))
    print(f"text: {len(ids):,} characters, {len(chars)} distinct; unigram entropy {baseline:.3f} bits/char")

    model = CharModel(len(chars), args.emb, args.hidden, args.seed)
    inp, tgt = T.lmatrix("inputs"), T.lmatrix("targets")
    probs = T.nnet.softmax(model.logits(inp))
    cost = T.mean(T.nnet.categorical_crossentropy(probs, tgt.flatten()))  # nats per character
    grads = nabla.grad(cost, model.params)
    opt = nabla.nn.Adam(args.eta)
    train = nabla.function([inp, tgt], cost, updates=opt.updates(model.params, grads))
    evaluate = nabla.function([inp, tgt], cost)
    predict = nabla.function([inp], probs)

    rng = np.random.RandomState(args.seed)

    def windows(data, count):
        starts = rng.randint(0, len(data) - args.seq_len - 1, size=count)
        x = np.stack([data[s:s + args.seq_len] for s in starts], axis=1)
        y = np.stack([data[s + 1:s + args.seq_len + 1] for s in starts], axis=1)
        return x, y

    bits = 1 / np.log(2)
    t0, running = time.time(), None
    for it in range(1, args.iterations + 1):
        loss = float(train(*windows(train_ids, args.batch))) * bits
        running = loss if running is None else 0.95 * running + 0.05 * loss
        if it % 50 == 0 or it == args.iterations:
            rate = it * args.batch * args.seq_len / (time.time() - t0)
            print(f"iteration {it}: loss {running:.3f} bits/char (unigram {baseline:.3f}), {rate:,.0f} chars/s",
                  flush=True)
    held = np.mean([float(evaluate(*windows(held_ids, args.batch))) for _ in range(10)]) * bits
    print(f"held-out loss {held:.3f} bits/char after {args.iterations} iterations "
          f"({time.time() - t0:.1f} s); unigram entropy {baseline:.3f}")

    # Sampling: the model reads the last seq-len characters and draws the next (temperature 0.8).
    out = list(text[:args.seq_len])
    for _ in range(args.sample):
        ctx = np.array([[index[c]] for c in out[-args.seq_len:]], dtype=np.int64)
        p = predict(ctx)[-1].astype(np.float64) ** (1 / 0.8)
        out.append(chars[rng.choice(len(chars), p=p / p.sum())])
    print("sample:\n" + "".join(out[args.seq_len:]))


if __name__ == "__main__":
    main()
