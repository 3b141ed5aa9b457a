"""nabla.nn.Elman / nabla.nn.LSTM from Python, and the char-RNN example on a
small text: its loss must fall clearly below the text's unigram entropy."""

import os
import subprocess
import sys

import numpy as np
import pytest

import nabla
import nabla.tensor as T

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def test_lstm_and_elman_layers_build_sequences_of_states():
    x = T.tensor3("x")
    for layer in (nabla.nn.LSTM(3, 5, rng=1), nabla.nn.Elman(3, 5, rng=1)):
        assert len(layer.params) == 3 and layer.n_hidden == 5
        h = nabla.function([x], layer(x))(np.ones((4, 2, 3), dtype="float32"))
        assert h.shape == (4, 2, 5) and np.all(np.abs(h) < 1)
        assert not np.allclose(h[0], h[3])  # the state evolves
    with pytest.raises(ValueError, match="activation"):
        nabla.nn.Elman(3, 5, activation="swish")
    with pytest.raises(nabla.ShapeError, match=r"\(T, batch, n_in\)"):
        nabla.nn.LSTM(3, 5)(T.matrix("flat"))


def test_char_rnn_example_learns_a_text(tmp_path):
    text = tmp_path / "text.txt"
    rng = np.random.RandomState(0)
    words = ["the ", "network ", "learns ", "gradient ", "descent "]
    text.write_text("".join(words[i] for i in rng.randint(0, len(words), 3000)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "python", "char_rnn.py"), "--text", str(text),
                          "--iterations", "150", "--hidden", "32", "--batch", "16", "--seq-len", "20", "--sample", "40"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    unigram = float(lines[0].split("unigram entropy ")[1].split()[0])
    held = float(next(l for l in lines if l.startswith("held-out loss")).split()[2])
    assert held < 0.6 * unigram, out.stdout


MNIST_DIR = os.path.join(ROOT, "data", "mnist")


@pytest.mark.skipif(not os.path.exists(os.path.join(MNIST_DIR, "train-images-idx3-ubyte")),
                    reason="MNIST is not in data/mnist (run `make setup` to fetch it)")
def test_rbm_example_trains_and_draws_samples(tmp_path):
    png = tmp_path / "samples.png"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "python", "rbm.py"), "--data", MNIST_DIR,
                          "--train-size", "2000", "--epochs", "2", "--hidden", "100", "--chain-steps", "2",
                          "--out", str(png)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    costs = [float(l.split("cross-entropy ")[1].split()[0]) for l in out.stdout.splitlines() if l.startswith("epoch")]
    assert len(costs) == 2 and costs[1] < costs[0] < 300
    assert png.stat().st_size > 5000
