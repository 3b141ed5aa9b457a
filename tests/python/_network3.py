"""The book's network3.py exactly as the example ships it (examples/python/network3.py:
Theano's code with the imports changed to nabla.theano), plus the `shared` helper the
tests use to put small synthetic data sets into shared variables."""
import importlib.util
import os

import numpy as np

from nabla import theano
from nabla.theano import tensor as T

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python", "network3.py")
_spec = importlib.util.spec_from_file_location("network3_example", _PATH)
_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_example)
globals().update({name: value for name, value in vars(_example).items() if not name.startswith("__")})


def shared(data):
    """Place (x, y) into shared variables; y is used as int32 labels (network3's way)."""
    shared_x = theano.shared(np.asarray(data[0], dtype=theano.config.floatX), borrow=True)
    shared_y = theano.shared(np.asarray(data[1], dtype=theano.config.floatX), borrow=True)
    return shared_x, T.cast(shared_y, "int32")
