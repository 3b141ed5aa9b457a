"""Files nabla's Python side writes (pydotprint's .dot, through nabla._atomic)
are replaced atomically: a failure injected mid-write leaves the old file
byte-identical and no temporary behind."""

import os

import pytest

import nabla
import nabla.tensor as T
from nabla import _atomic


def test_pydotprint_failing_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    x = T.vector("x")
    f = nabla.function([x], T.exp(x) * 2)
    path = tmp_path / "graph.dot"
    nabla.printing.pydotprint(f, outfile=str(path))
    before = path.read_bytes()
    assert b"exp" in before

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_atomic.os, "fsync", full_disk)  # the temporary is written, its flush fails
    g = nabla.function([x], T.log(x))
    with pytest.raises(OSError, match="No space left"):
        nabla.printing.pydotprint(g, outfile=str(path))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["graph.dot"]
    monkeypatch.undo()
    nabla.printing.pydotprint(g, outfile=str(path))
    assert b"log" in path.read_bytes()
