"""Pickling nabla.nn layers (see nabla._pickling for Vars and functions).

A built-in layer (FullyConnected, Softmax, Conv2D, ConvPool, MaxPool2D)
pickles as its constructor arguments and its shared variables; on load the
layer is built again and given those very variables, so a function pickled
with it still trains it. A layer written in Python (a nabla.nn.Layer
subclass) pickles its attributes. Not kept: the expressions of the layer's
last apply (layer.inputs / layer.outputs), which the next apply rebuilds, and
a FullyConnected's name (only used in its params' default names).
"""

from .. import _nabla
from .._pickling import FORMAT, UnpicklingError

_KINDS = ("FullyConnected", "Softmax", "Conv2D", "ConvPool", "MaxPool2D")


def _layer_reduce(self, protocol=2):
    attrs = dict(getattr(self, "__dict__", {}))
    state = _nabla.nn._layer_state(self)
    if state is None:
        return _rebuild_python_layer, (FORMAT, type(self), attrs)
    kind, kwargs, params = state
    return _rebuild_layer, (FORMAT, kind, kwargs, list(params), attrs)


def _check(fmt, what):
    if fmt != FORMAT:
        raise UnpicklingError(f"nabla: this {what} was pickled in state format {fmt!r}; this nabla reads "
                              f"format {FORMAT}")


def _rebuild_layer(fmt, kind, kwargs, params, attrs):
    _check(fmt, "layer")
    if kind not in _KINDS:
        raise UnpicklingError(f"nabla: a pickled layer has unknown kind {kind!r}; nabla knows {_KINDS}")
    try:
        cls = getattr(_nabla.nn, kind)
        layer = cls(init="zeros", **kwargs) if kind == "FullyConnected" else cls(**kwargs)
        _nabla.nn._set_layer_params(layer, params)
    except (_nabla.NablaError, TypeError, ValueError) as e:
        raise UnpicklingError(f"nabla: cannot unpickle a {kind} layer: {e}") from e
    for key, value in attrs.items():
        setattr(layer, key, value)
    return layer


def _rebuild_python_layer(fmt, cls, attrs):
    _check(fmt, "layer")
    layer = cls.__new__(cls)
    _nabla.nn.Layer.__init__(layer)  # the C++ side, as super().__init__() makes it
    layer.__dict__.update(attrs)
    return layer


# What cannot be pickled, and what to use instead.
_REFUSED = {
    (_nabla.nn, "Network"): "save it with net.save(path) and read it back with nabla.nn.load(path) "
                            "(network2's JSON format)",
    (_nabla.optim, "Trainer"): "write a checkpoint with trainer.save_checkpoint(path) (or Trainer(..., "
                               "checkpoint=path)) and continue with trainer.load_checkpoint(path)",
    (_nabla.nn, "Rng"): "pickle its seed and make a new nabla.nn.Rng(seed)",
    (_nabla.nn, "LayerContext"): "build one when applying layers",
}


def _refuse(cls, advice):
    def reduce(self, protocol=2):
        raise TypeError(f"nabla: a {cls.__module__}.{cls.__name__} cannot be pickled; {advice}")
    return reduce


def install():
    _nabla.nn.Layer.__reduce_ex__ = _layer_reduce
    _nabla.nn.Layer.__reduce__ = _layer_reduce
    for (module, name), advice in _REFUSED.items():
        cls = getattr(module, name)
        cls.__reduce_ex__ = cls.__reduce__ = _refuse(cls, advice)
