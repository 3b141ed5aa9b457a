"""nabla under Theano's module names, so Theano code runs with its imports changed:

    import nabla.theano as theano
    import nabla.theano.tensor as T
    from nabla.theano.tensor.nnet import conv, softmax, sigmoid
    from nabla.theano.tensor import shared_randomstreams
    from nabla.theano.tensor.signal import downsample   # or pool
    from nabla.theano.sandbox.rng_mrg import MRG_RandomStreams

Each nabla.theano.X is the module nabla.X itself (registered under both names).
"""

import importlib
import sys

from .. import config, function, gradient, grad, printing, scan, scan_module, shared, tensor  # noqa: F401

_MIRRORED = ["gradient", "tensor", "tensor.basic", "tensor.nnet", "tensor.nnet.conv", "tensor.signal", "tensor.signal.pool",
             "tensor.signal.downsample", "tensor.shared_randomstreams", "printing", "sandbox", "sandbox.rng_mrg", "scan_module"]

for _name in _MIRRORED:
    sys.modules[__name__ + "." + _name] = importlib.import_module("nabla." + _name)

__all__ = ["config", "function", "gradient", "grad", "printing", "scan", "shared", "tensor"]
