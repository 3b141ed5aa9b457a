"""Training from Python through the one C++ training loop (optim::Trainer):
the data set lives in shared variables, and each mini-batch is one call of a
compiled function (givens slice the data by index, or shuffled rows are
gathered into it). Any cost and any layers built from nabla ops train this
way, built-in or written in Python:

    data = nabla.nn.SharedData(training_data)                  # x float32, y int32 labels
    trainer = nabla.nn.Trainer(x, y, cost, params, nabla.nn.Adam(1e-3), data, mini_batch_size=10,
                               output=a, shuffle_rng=nabla.nn.Rng(1))
    trainer.add_accuracy_monitor("validation accuracy", nabla.nn.SharedData(validation_data))
    trainer.add_early_stopping("validation accuracy", patience=5)
    logs = trainer.fit(60, on_epoch=lambda log: print(log))
"""

import os

import numpy as np

from .. import _nabla
from ..compile import function, shared
from ..gradient import grad
from .. import tensor as T
from .data import as_split, one_hot

__all__ = ["SharedData", "Trainer", "checkpoint_summary"]


def checkpoint_summary(path):
    """What a trainer checkpoint holds: training_size, mini_batch_size,
    epochs_done, steps_done, and variables (name, dtype, shape and an FNV-1a
    hash of its bytes: equal hashes, equal values). Raises ValueError naming
    the file when it is damaged or not a trainer checkpoint."""
    return _nabla.optim.checkpoint_summary(os.fspath(path))


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
    """The C++ training loop (optim::Trainer) over a SharedData: each step is
    one compiled call applying the optimizer's updates for one mini-batch;
    the epoch loop, shuffling, monitors and callbacks run in C++ without the
    GIL (Python monitors and callbacks take it back once per epoch).

    x, y: the input Vars the cost was built from (each step replaces them with
    a mini-batch). cost: a scalar Var; params: the shared Vars to train;
    optimizer: a nabla.nn optimizer. output (optional): the network's output
    Var, for accuracy() and add_accuracy_monitor(). shuffle_rng (optional): a
    new order every epoch from rng.permutation(n) (numpy Generator or
    RandomState, or nabla.nn.Rng); the rows are gathered into the step.
    train_tail: also train the last len(data) % mini_batch_size examples as a
    smaller mini-batch (default: dropped, as network3 does).
    extra_grads (optional): closed-form terms added to each param's gradient.
    shuffle_seed (optional): shuffle every epoch with the C++ loop's own
        generator, seeded so; unlike shuffle_rng its state is in checkpoints.
    checkpoint (optional): a file written atomically after every epoch of
        fit(), holding everything a resumed run needs to continue bit for bit
        (parameters, optimizer state, random streams, the learning rate, the
        logs, the step count, the shuffle generator); resume=True first loads
        it when it exists, so running the same script again continues where
        the last run stopped. nabla.nn.checkpoint_summary(path) tells what a
        file holds.
    """

    def __init__(self, x, y, cost, params, optimizer, data, mini_batch_size, output=None, shuffle_rng=None, *,
                 train_tail=False, verbose=False, extra_grads=(), shuffle_seed=None, checkpoint=None,
                 resume=False):
        if not isinstance(data, SharedData):
            raise TypeError(f"nabla.nn.Trainer: data must be a nabla.nn.SharedData, got {type(data).__name__}")
        if mini_batch_size <= 0 or mini_batch_size > len(data):
            raise ValueError(f"nabla.nn.Trainer: mini_batch_size must be in 1..{len(data)}, got {mini_batch_size}")
        params = list(params)
        permutation = None
        if shuffle_rng is not None and shuffle_seed is not None:
            raise ValueError("nabla.nn.Trainer: give shuffle_rng or shuffle_seed, not both")
        if shuffle_rng is not None and checkpoint is not None:
            raise ValueError("nabla.nn.Trainer: a checkpoint cannot hold a Python shuffle_rng's state, so a resumed "
                             "run would shuffle differently; use shuffle_seed=N with checkpoints")
        if shuffle_rng is not None:
            def permutation(n):
                return np.asarray(shuffle_rng.permutation(n), dtype=np.int64)
        self._trainer = _nabla.optim.Trainer(
            x, y, cost, params, optimizer, data.x, data.y, len(data), mini_batch_size=mini_batch_size,
            shuffle=shuffle_rng is not None or shuffle_seed is not None, permutation=permutation,
            seed=12345678 if shuffle_seed is None else int(shuffle_seed), train_tail=train_tail, verbose=verbose,
            extra_grads=list(extra_grads))
        self.data, self.mini_batch_size, self.shuffle_rng = data, mini_batch_size, shuffle_rng
        self.batches = self._trainer.steps_per_epoch
        self.optimizer = optimizer
        self._x, self._output = x, output
        self._predict = None if output is None else function([x], T.argmax(output, axis=1))
        self.logs = []
        if checkpoint is not None:
            checkpoint = os.fspath(checkpoint)
            if resume and os.path.exists(checkpoint):
                self.load_checkpoint(checkpoint)
            self._trainer.set_checkpoint(checkpoint)

    def save_checkpoint(self, path):
        """Write a checkpoint to path now (atomically: temp file, fsync, rename)."""
        self._trainer.save_checkpoint(os.fspath(path))

    def load_checkpoint(self, path):
        """Restore a checkpoint of this network, optimizer and data set; a
        damaged or mismatched file raises ValueError naming the file and the
        first field that did not match, and changes nothing."""
        self._trainer.load_checkpoint(os.fspath(path))
        self.logs = list(self._trainer.logs)

    def epoch(self):
        """One pass over the mini-batches; returns their mean cost."""
        return self._trainer.train_epoch()

    def fit(self, epochs, on_epoch=None):
        """epochs more passes with the monitors after each; on_epoch(log) (an
        EpochLog: epoch, training_cost, seconds, learning_rate, metrics) may
        return False to stop. Returns this call's logs. After resuming,
        fit(total - len(trainer.logs)) trains the rest of a run."""
        logs = self._trainer.fit(epochs, on_epoch)
        self.logs.extend(logs)
        return logs

    def train(self, epochs, on_epoch=None):
        """epochs passes; on_epoch(epoch, mean_cost) may return False to stop.
        Returns the mean costs."""
        callback = None if on_epoch is None else (lambda log: on_epoch(log.epoch, log.training_cost))
        return [log.training_cost for log in self.fit(epochs, callback)]

    def add_monitor(self, name, monitor):
        """monitor() -> float after every epoch, in each log's metrics[name]."""
        self._trainer.add_monitor(name, monitor)

    def add_accuracy_monitor(self, name, data, batch=1000):
        """The fraction of data (a SharedData with integer labels) that output classifies right, in batches."""
        if self._output is None:
            raise ValueError("nabla.nn.Trainer: an accuracy monitor needs the network's output (Trainer(..., output=a))")
        if not isinstance(data, SharedData):
            raise TypeError(f"nabla.nn.Trainer: the monitored data must be a nabla.nn.SharedData, got "
                            f"{type(data).__name__}")
        self._trainer.add_accuracy_monitor(name, self._output, data.x, data.y, len(data), batch)

    def add_early_stopping(self, metric, patience, verbose=False):
        """Stop once `patience` epochs passed without a better `metric` (a monitor's name)."""
        self._trainer.add_early_stopping(metric, patience, verbose)

    def add_plateau_schedule(self, metric, patience=10, factor=0.5, min_fraction=1 / 128, verbose=False):
        """Multiply the learning rate by factor after each `patience` epochs without a better
        `metric`; stop once it fell to min_fraction of its start."""
        self._trainer.add_plateau_schedule(metric, patience, factor, min_fraction, verbose)

    def accuracy(self, data):
        """How many examples of data (anything as_split takes) the output classifies correctly."""
        if self._predict is None:
            raise ValueError("nabla.nn.Trainer: accuracy needs the network's output (Trainer(..., output=a))")
        split = as_split(data, "accuracy data")
        return int(np.sum(self._predict(split.x) == split.y))
