"""nabla: symbolic autodiff tensors in the style of Theano, over a C++ core.

    import numpy as np
    import nabla
    import nabla.tensor as T

    x = T.matrix("x"); y = T.ivector("y"); i = T.lscalar()
    W = nabla.shared(np.zeros((784, 10), dtype="float32"), name="W")
    p = T.nnet.softmax(T.dot(x, W))
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    g = T.grad(cost, [W])
    train = nabla.function([i], cost, updates=[(W, W - 0.1 * g[0])],
                           givens={x: data_x[i*10:(i+1)*10], y: data_y[i*10:(i+1)*10]})

nabla.theano mirrors Theano's module names (theano, theano.tensor,
theano.tensor.nnet.conv, ...), so Theano scripts run with their imports changed.
Errors: ShapeError (a ValueError), NablaTypeError (a TypeError),
NablaValueError and GradError (ValueErrors), all NablaError.
"""

import os as _os

from . import _nabla

__version__ = _nabla.__version__  # the C++ library's version (CMake's project VERSION)

# Frames inside this package are skipped when recording where the user built an expression.
_nabla._set_internal_prefix(_os.path.dirname(__file__) + _os.sep)

from ._nabla import (GradError, NablaError, NablaTypeError, NablaValueError, ShapeError, Var,  # noqa: E402
                     num_threads, set_num_threads)
from ._config import config  # noqa: E402
from . import tensor  # noqa: E402
from . import _var  # noqa: E402,F401  (operators and methods of Var)
from .compile import Mode, function, shared  # noqa: E402
from .gradient import grad  # noqa: E402
from .scan_module import scan  # noqa: E402
from . import scan_module  # noqa: E402,F401
from . import printing  # noqa: E402
from . import _pickling  # noqa: E402
from ._pickling import UnpicklingError  # noqa: E402
from .printing import debugprint, pydotprint  # noqa: E402
from . import nn  # noqa: E402
from . import distributed  # noqa: E402  (joins MPI when launched by mpirun)

_pickling.install()  # pickle / copy.deepcopy of Vars, shared variables and functions

__all__ = ["Var", "function", "shared", "grad", "config", "tensor", "printing", "debugprint", "pydotprint",
           "nn", "Mode", "NablaError", "ShapeError", "NablaTypeError", "NablaValueError", "GradError",
           "set_num_threads", "num_threads", "UnpicklingError", "distributed"]
