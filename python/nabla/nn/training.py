"""Training loops driven from Python, network3's way: the data set lives in
shared variables, and each mini-batch is one call of a compiled function whose
only argument is the mini-batch index (givens slice the data). Any cost and
any layers built from nabla ops train this way, built-in or written in Python:

    data = nabla.nn.SharedData(training_data)                  # x float32, y int32 labels
    trainer = nabla.nn.Trainer(x, y, cost, params, nabla.nn.Adam(1e-3), data, mini_batch_size=10,
                               output=a)
    for epoch in range(10):
        trainer.epoch()
        print(trainer.accuracy(validation_data))
"""

import numpy as np

from ..compile import function, shared
from ..gradient import grad
from .. import tensor as T
from .data import as_split, one_hot

__all__ = ["SharedData", "Trainer"]


class SharedData:
    """A data set held in shared variables x (float32 rows) and y (int32
    labels, or float32 one-hot rows with one_hot=classes)."""

    def __init__(self, data, one_hot_classes=None, name="data"):
        split = as_split(data)
        self._x, self._y = split.x, split.y
        if one_hot_classes:
            self._y = one_hot(self._y, one_hot_classes)
        self.x = shared(self._x, name=name + "_x")
        self.y = shared(self._y, name=name + "_y")

    def __len__(self):
        return self._x.shape[0]

    def batch(self, index, size):
        """The rows [index*size, (index+1)*size) of x and y, for givens."""
        return self.x[index * size:(index + 1) * size], self.y[index * size:(index + 1) * size]

    def shuffle(self, rng):
        """Puts the rows in a new random order (rng: a numpy Generator or
        RandomState, or a nabla.nn.Rng). The rows are gathered straight into
        the shared variables' buffers: compiled functions only read x and y,
        so the buffers stay theirs (mode="clip" lets numpy skip a temporary)."""
        order = rng.permutation(len(self))
        np.take(self._x, order, axis=0, out=self.x.get_value(borrow=True), mode="clip")
        np.take(self._y, order, axis=0, out=self.y.get_value(borrow=True), mode="clip")


class Trainer:
    """One compiled step per mini-batch: step(index) applies the optimizer's
    updates for the mini-batch `index` and returns its cost.

    x, y: the input Vars the cost was built from (replaced by slices of data).
    cost: a scalar Var; params: the shared Vars to train; optimizer: a
    nabla.nn optimizer. output (optional): the network's output Var, for
    accuracy(). shuffle_rng (optional): shuffle the data before each epoch.
    """

    def __init__(self, x, y, cost, params, optimizer, data, mini_batch_size, output=None, shuffle_rng=None):
        if not isinstance(data, SharedData):
            raise TypeError(f"nabla.nn.Trainer: data must be a nabla.nn.SharedData, got {type(data).__name__}")
        if mini_batch_size <= 0 or mini_batch_size > len(data):
            raise ValueError(f"nabla.nn.Trainer: mini_batch_size must be in 1..{len(data)}, got {mini_batch_size}")
        params = list(params)
        index = T.lscalar("index")
        xs, ys = data.batch(index, mini_batch_size)
        self.step = function([index], cost, updates=optimizer.updates(params, grad(cost, params)),
                             givens={x: xs, y: ys})
        self.data, self.mini_batch_size, self.shuffle_rng = data, mini_batch_size, shuffle_rng
        self.batches = len(data) // mini_batch_size
        self._x = x
        self._predict = None if output is None else function([x], T.argmax(output, axis=1))

    def epoch(self):
        """One pass over the full mini-batches; returns their mean cost."""
        if self.shuffle_rng is not None:
            self.data.shuffle(self.shuffle_rng)
        step = self.step
        total = 0.0
        for i in range(self.batches):
            total += float(step(i))
        return total / max(self.batches, 1)

    def train(self, epochs, on_epoch=None):
        """epochs passes; on_epoch(epoch, mean_cost) may return False to stop.
        Returns the mean costs."""
        costs = []
        for e in range(epochs):
            costs.append(self.epoch())
            if on_epoch is not None and on_epoch(e, costs[-1]) is False:
                break
        return costs

    def accuracy(self, data):
        """How many examples of data (anything as_split takes) the output classifies correctly."""
        if self._predict is None:
            raise ValueError("nabla.nn.Trainer: accuracy needs the network's output (Trainer(..., output=a))")
        split = as_split(data, "accuracy data")
        return int(np.sum(self._predict(split.x) == split.y))

