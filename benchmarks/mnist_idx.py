"""MNIST from the raw IDX files, split the way the book's mnist.pkl.gz is.

Training: the first 50,000 images of train-images-idx3-ubyte; validation: its last 10,000;
test: t10k. Pixels are byte/256 (so the maximum is 255/256), labels are int64 digits.
"""
import os

import numpy as np

TRAIN_SIZE = 50_000


def read_idx(path):
    """One IDX file as an ndarray of unsigned bytes, shaped by its header."""
    with open(path, "rb") as f:
        header = f.read(4)
        if len(header) != 4 or header[0] != 0 or header[1] != 0 or header[2] != 0x08:
            raise ValueError(f"{path}: not an unsigned-byte IDX file (is it still gzipped?)")
        rank = header[3]
        dims = [int.from_bytes(f.read(4), "big") for _ in range(rank)]
        data = np.fromfile(f, dtype=np.uint8)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims}, file has {data.size} bytes of data")
    return data.reshape(dims)


def _images(path, dtype):
    raw = read_idx(path)
    # Scale in one pass straight into the target dtype (no float64 intermediate).
    out = raw.reshape(raw.shape[0], -1).astype(dtype)
    out *= dtype(1.0 / 256.0)
    return out


def load_book_split(data_dir, dtype=np.float32):
    """((train_x, train_y), (valid_x, valid_y), (test_x, test_y)); x is N×784 of `dtype`."""
    dtype = np.dtype(dtype).type
    path = lambda name: os.path.join(data_dir, name)
    x = _images(path("train-images-idx3-ubyte"), dtype)
    y = read_idx(path("train-labels-idx1-ubyte")).astype(np.int64)
    test_x = _images(path("t10k-images-idx3-ubyte"), dtype)
    test_y = read_idx(path("t10k-labels-idx1-ubyte")).astype(np.int64)
    return ((x[:TRAIN_SIZE], y[:TRAIN_SIZE]),
            (x[TRAIN_SIZE:], y[TRAIN_SIZE:]),
            (test_x, test_y))


def one_hot(labels, classes=10, dtype=np.float32):
    """N×classes matrix with a 1 at each label (the book's vectorized_result, batched)."""
    out = np.zeros((labels.shape[0], classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels] = 1
    return out
