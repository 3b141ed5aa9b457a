"""Data sets: Split (images x, integer labels y), the MNIST and Fashion-MNIST
loaders with the book's split (50,000 / 10,000 / 10,000; pixels byte/256), and
as_split, which accepts the layouts Python code tends to have."""

import collections
import os

import numpy as np

from .. import _nabla

__all__ = ["Split", "MnistData", "as_split", "load_mnist", "load_fashion_mnist", "read_idx", "one_hot",
           "default_mnist_dir", "default_fashion_mnist_dir"]

Split = _nabla.nn.Split
read_idx = _nabla.nn.read_idx
default_mnist_dir = _nabla.nn.default_mnist_dir
default_fashion_mnist_dir = _nabla.nn.default_fashion_mnist_dir

MnistData = collections.namedtuple("MnistData", "training validation test")


def one_hot(labels, classes):
    """float32 rows (n, classes) with a 1 at each label."""
    return _nabla.nn.one_hot(np.asarray(labels), int(classes))


def _split_getitem(self, key):
    """split[:1000], split[indices]: a new Split holding those rows."""
    if isinstance(key, (int, np.integer)):
        raise TypeError("nabla.nn.Split: index it with a slice or an index array (split[:1000]), not a single int")
    return Split(self.x[key], self.y[key])


Split.__getitem__ = _split_getitem
Split.__iter__ = lambda self: iter((self.x, self.y))  # x, y = split
Split.__repr__ = lambda self: f"<nabla.nn.Split of {len(self)} examples, x {self.x.shape}>"


def _labels(y):
    """Integer labels from labels or one-hot rows."""
    y = np.asarray(y)
    if y.ndim == 2:
        if y.shape[1] == 1 and y.dtype.kind in "iu":
            return y[:, 0]
        hot = y.argmax(axis=1)
        if not np.array_equal(y, np.eye(y.shape[1], dtype=y.dtype)[hot]):
            raise ValueError(f"nabla.nn: y of shape {y.shape} is neither labels nor one-hot rows")
        return hot
    return y


def _is_pair_list(data):
    """network2's format: a list of (x column (n_in, 1), y column or int) pairs."""
    first = data[0] if len(data) else None
    return (isinstance(first, tuple) and len(first) == 2 and np.ndim(first[0]) == 2 and np.shape(first[0])[1] == 1)


def as_split(data, what="data"):
    """data as a Split: a Split; an (x, y) pair of arrays, y labels or one-hot
    rows; or network2's list of (x column, y) pairs (y a one-hot column or an
    int). Bad shapes and labels raise ValueError / TypeError naming `what`."""
    if isinstance(data, Split):
        return data
    if isinstance(data, (list, tuple)) and len(data) and _is_pair_list(data):
        x = np.stack([np.asarray(p[0]).reshape(-1) for p in data])
        y = np.array([np.asarray(p[1]).argmax() if np.ndim(p[1]) else p[1] for p in data])
        return Split(x, y)
    if isinstance(data, (list, tuple)) and len(data) == 2:
        x, y = data
        return Split(x, _labels(y))
    raise TypeError(f"nabla.nn: {what} must be a nabla.nn.Split, an (x, y) pair of arrays or a list of "
                    f"(x, y) pairs, got {type(data).__name__}")


def _load(loader, path, training_size, as_numpy):
    path = os.fspath(path)
    training, validation, test = loader(path, int(training_size))
    if as_numpy:
        return MnistData(*((s.x, s.y) for s in (training, validation, test)))
    return MnistData(training, validation, test)


def load_mnist(path=None, training_size=50000, as_numpy=False):
    """MNIST as MnistData(training, validation, test) of Splits (or of (x, y)
    numpy pairs with as_numpy=True): x float32 (n, 784), y int32 (n,).
    path: the directory of the four IDX files (default: $NABLA_DATA/mnist,
    else data/mnist in the source tree, where `make setup` puts them).
    training_size keeps the first n of the 50,000 training images."""
    return _load(_nabla.nn.load_mnist, path or default_mnist_dir(), training_size, as_numpy)


def load_fashion_mnist(path=None, training_size=50000, as_numpy=False):
    """Fashion-MNIST, split and scaled like MNIST (default path: Debian's dataset-fashion-mnist)."""
    return _load(_nabla.nn.load_fashion_mnist, path or default_fashion_mnist_dir(), training_size, as_numpy)
