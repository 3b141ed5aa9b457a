"""Writes the seed corpora in tests/fuzz/corpus/ (run once; the files are in
the repo): small valid inputs for each fuzz target, so the fuzzer starts from
files that get past the first checks. Needs the built module for the
checkpoint seed: PYTHONPATH=build/python /usr/bin/python3 tests/fuzz/make_seeds.py"""

import json
import os
import struct
import sys
import tempfile

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def idx(array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


images = idx(np.arange(2 * 3 * 3).reshape(2, 3, 3))
labels = idx(np.array([4, 9]))
for target in ("fuzz_idx_raw", "fuzz_idx_gzip"):
    put(target, "images", images)
    put(target, "labels", labels)
    put(target, "pair", struct.pack(">H", len(images)) + images + labels)  # the harness's split prefix

net = {"sizes": [2, 2, 1], "weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, -0.6]]],
       "biases": [[[0.1], [0.2]], [[0.3]]], "cost": "CrossEntropyCost"}
put("fuzz_network2_json", "net.json", json.dumps(net).encode())
put("fuzz_network2_json", "relu.json", json.dumps(dict(net, activation="relu")).encode())

import nabla  # noqa: E402
import nabla.tensor as T  # noqa: E402
from nabla import nn  # noqa: E402

x, y = T.matrix("x"), T.ivector("y")
layer = nn.FullyConnected(3, 2, activation="softmax", rng=1)
data = (np.random.default_rng(0).random((4, 3)).astype("float32"), np.array([0, 1, 1, 0], dtype="int32"))
trainer = nn.Trainer(x, y, nn.log_likelihood_cost(layer(x), y), layer.params, nn.SGD(0.1), nn.SharedData(data), 2)
trainer.fit(1)
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "ckpt")
    trainer.save_checkpoint(path)
    with open(path, "rb") as f:
        file = f.read()
put("fuzz_checkpoint", "file", b"\x00" + file)           # even first byte: the whole file
put("fuzz_checkpoint", "payload", b"\x01" + file[28:])   # odd: the payload, framed by the harness
print("seeds written to", HERE, file=sys.stderr)
