"""Resumable training from Python: nabla.nn.Trainer(checkpoint=..., resume=True)
continues an interrupted run bit for bit (parameters, Adam's state, shuffle
order, logs); damaged or mismatched files raise ValueError naming the file and
change nothing."""

import numpy as np
import pytest

import nabla
import nabla.nn as nn
import nabla.tensor as T


def blobs(n, classes=3, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 2, size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y.astype("int32")


def make_trainer(path=None, resume=False, hidden=10, **kw):
    """The same network, data and initial values on every call."""
    x_all, y_all = blobs(300)
    data = nn.SharedData((x_all, y_all))
    rng = np.random.default_rng(7)
    W1 = nabla.shared(rng.normal(0, 0.3, (hidden, 8)).astype("float32"), name="W1")
    b1 = nabla.shared(np.zeros(hidden, dtype="float32"), name="b1")
    W2 = nabla.shared(rng.normal(0, 0.3, (3, hidden)).astype("float32"), name="W2")
    x, y = T.matrix("x"), T.ivector("y")
    a = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1.T) + b1), W2.T))
    params = [W1, b1, W2]
    trainer = nn.Trainer(x, y, nn.log_likelihood_cost(a, y), params, nn.Adam(0.01), data, mini_batch_size=16,
                         output=a, shuffle_seed=5, checkpoint=path, resume=resume, **kw)
    return trainer, params


def test_an_interrupted_run_resumed_from_its_checkpoint_matches_the_uninterrupted_run_bit_for_bit(tmp_path):
    whole, whole_params = make_trainer(tmp_path / "whole.ckpt")
    whole.fit(6)
    first, _ = make_trainer(tmp_path / "part.ckpt")
    first.fit(2)  # "interrupted" after epoch 2: only its checkpoint survives
    del first
    resumed, resumed_params = make_trainer(tmp_path / "part.ckpt", resume=True)
    assert len(resumed.logs) == 2
    resumed.fit(6 - len(resumed.logs))
    for a, b in zip(whole_params, resumed_params):
        assert a.get_value().tobytes() == b.get_value().tobytes()
    assert [log.training_cost for log in whole.logs] == [log.training_cost for log in resumed.logs]
    s_whole = nn.checkpoint_summary(tmp_path / "whole.ckpt")
    s_resumed = nn.checkpoint_summary(tmp_path / "part.ckpt")
    assert s_whole["epochs_done"] == s_resumed["epochs_done"] == 6
    assert s_whole["variables"] == s_resumed["variables"]  # Adam's moments and step count too
    assert {"W1", "b1", "W2"} <= {v["name"] for v in s_whole["variables"]}


def test_a_truncated_checkpoint_is_refused_naming_the_file_and_nothing_changes(tmp_path):
    path = tmp_path / "run.ckpt"
    trainer, _ = make_trainer(path)
    trainer.fit(1)
    path.write_bytes(path.read_bytes()[:100])
    fresh, params = make_trainer()
    before = [p.get_value() for p in params]
    with pytest.raises(ValueError, match="run.ckpt.*truncated"):
        fresh.load_checkpoint(path)
    assert all(np.array_equal(b, p.get_value()) for b, p in zip(before, params))
    assert path.read_bytes()[:8] == b"NABLACKP"  # the refused file stays as it was


def test_a_checkpoint_of_another_network_is_refused_naming_the_variable(tmp_path):
    path = tmp_path / "run.ckpt"
    trainer, _ = make_trainer(path)
    trainer.fit(1)
    other, _ = make_trainer(hidden=12)
    with pytest.raises(ValueError, match="W1.*shape"):
        other.load_checkpoint(path)


def test_a_python_shuffle_rng_cannot_be_checkpointed(tmp_path):
    x_all, y_all = blobs(60)
    W = nabla.shared(np.zeros((3, 8), dtype="float32"), name="W")
    x, y = T.matrix("x"), T.ivector("y")
    a = T.nnet.softmax(T.dot(x, W.T))
    with pytest.raises(ValueError, match="shuffle_seed"):
        nn.Trainer(x, y, nn.log_likelihood_cost(a, y), [W], nn.Adam(0.01), nn.SharedData((x_all, y_all)), 10,
                   shuffle_rng=nn.Rng(1), checkpoint=tmp_path / "c.ckpt")
