"""Pickling and deep-copying nabla objects as Theano does: graphs (any Var),
shared variables and compiled functions.

What is kept. A Var pickles as what it is: an input (dtype, static shape,
name), a constant or shared variable (also its value, and a shared variable's
default update, which is how random streams advance), or an op applied to
other Vars (the op's name and params, from which the op is rebuilt through
its registered factory); every Var keeps its name and the line that created
it, and Python attributes set on it. A compiled function pickles as the graphs
it was made from (inputs, outputs, updates, givens), its mode and its flags;
the program is compiled again on load, so rewrites and buffers are redone
and its run-time profile starts empty.

Identity. Within one pickle.dump / pickle.load (or one copy.deepcopy), a Var
referred to from several places comes back as one object: a function and a
Python object holding the same shared variable update the same variable after
loading both in one call. Loads of separate dumps make separate variables.

How: pybind11 gives the same C++ Var a new Python object each time it is
returned, so pickle's memo alone would not see them as one. Every Var object
pickles as a reference to one _Node per C++ Var, kept alive for as long as the
pickler (or deepcopy's memo) holds it. A node's state also lists the ancestors
not pickled yet, in topological order, so a deep graph never nests pickle's
recursion deeper than a few levels per node.

Format. The state is plain Python values (tuples, strings, ints, numpy
arrays) with a format number first; a state from another format, or one that
does not describe a valid graph, raises nabla.UnpicklingError naming what was
wrong.
"""

import pickle
import weakref

from . import _nabla
from ._nabla import NablaError, NablaValueError, Var

__all__ = ["UnpicklingError", "FORMAT"]

FORMAT = 1  # the version of the pickled state of Vars, functions and streams


class UnpicklingError(NablaValueError, pickle.UnpicklingError):
    """A pickled nabla state that this nabla cannot rebuild (corrupt, or from another version)."""


_nodes = weakref.WeakValueDictionary()  # C++ Var identity -> its node while a pickler holds it


class _Node:
    """The one stand-in of a C++ Var inside one dump or deepcopy."""

    __slots__ = ("var", "done", "__weakref__")

    def __init__(self, var):
        self.var = var
        self.done = False

    def __reduce__(self):
        self.done = True
        kind, dtype, shape, name, loc, extra = _nabla._var_state(self.var)
        prelude = _pending_ancestors(self.var)
        if kind == "apply":
            op, params, inputs = extra
            extra = (op, params, tuple(_node(i) for i in inputs))
        state = {}
        attrs = dict(getattr(self.var, "__dict__", {}))
        if attrs:
            state["attrs"] = attrs
        if kind == "shared":
            update = _nabla._default_update(self.var)
            if update is not None:
                state["default_update"] = update
        return _rebuild_var, (FORMAT, prelude, kind, dtype, shape, name, loc, extra), state or None


def _node(var):
    key = _nabla._var_key(var)
    node = _nodes.get(key)
    if node is None:
        node = _Node(var)
        _nodes[key] = node
    return node


def _pending_ancestors(var):
    """The nodes of var's ancestors not pickled yet, inputs before the nodes that read them."""
    order, seen = [], set()
    stack = [(v, None) for v in reversed(var.inputs)]
    while stack:
        v, node = stack.pop()
        if node is not None:  # its inputs are in order: now the node itself
            order.append(node)
            continue
        node = _node(v)  # held by the stack, then by order (the registry only holds it weakly)
        key = _nabla._var_key(v)
        if node.done or key in seen:
            continue
        seen.add(key)
        stack.append((v, node))
        stack.extend((i, None) for i in reversed(v.inputs))
    return order


def _var_reduce(self, protocol=2):
    node = _node(self)
    if not node.done and getattr(self, "__dict__", None):
        node.var = self  # the wrapper carrying Python attributes is the one to keep
    return _identity, (node,)


def _identity(x):
    return x


def _describe(kind, name, loc):
    what = f"{kind} '{name}'" if name else kind
    file, line = loc
    return what + (f" (created at {file}:{line})" if file else "")


def _static(v):
    return tuple(-1 if d is None else d for d in v.static_shape)


def _rebuild_var(fmt, prelude, kind, dtype, shape, name, loc, extra):
    if fmt != FORMAT:
        raise UnpicklingError(f"nabla: this Var was pickled in state format {fmt!r}; this nabla "
                              f"({_nabla.__version__}) reads format {FORMAT}")
    try:
        file, line = loc
        what = _describe("intermediate" if kind == "apply" else kind, name, loc)
    except (TypeError, ValueError):
        raise UnpicklingError(f"nabla: a pickled Var's location must be (file, line), got {loc!r}") from None
    try:
        if kind == "apply":
            op, params, inputs = extra
            if not all(isinstance(i, Var) for i in inputs):
                raise UnpicklingError(f"nabla: the inputs of pickled {what} are not all Vars: {inputs!r}")
            v = _nabla._rebuild_apply(op, params, list(inputs), name, file, line)
        elif kind in ("input", "constant", "shared"):
            v = _nabla._rebuild_leaf(kind, dtype, shape, name, file, line, extra)
        else:
            raise UnpicklingError(f"nabla: a pickled Var has unknown kind {kind!r}")
    except UnpicklingError:
        raise
    except (NablaError, TypeError, ValueError, RuntimeError) as e:
        raise UnpicklingError(f"nabla: cannot unpickle {what}: {e}") from e
    if v.dtype != dtype or _static(v) != tuple(shape):
        raise UnpicklingError(f"nabla: pickled {what} is {dtype}{tuple(shape)} but rebuilt as {v.type}")
    return v


def _var_setstate(self, state):
    if not isinstance(state, dict):
        raise UnpicklingError(f"nabla: a pickled Var's extra state must be a dict, got {type(state).__name__}")
    update = state.get("default_update")
    if update is not None:
        _nabla._set_default_update(self, update)
    for key, value in state.get("attrs", {}).items():
        setattr(self, key, value)


def _function_reduce(self, protocol=2):
    inputs, outputs, updates, givens, mode, single, downcast = self._pickle_args
    return _rebuild_function, (FORMAT, inputs, outputs, updates, givens, mode.name, single, downcast,
                               dict(getattr(self, "__dict__", {})))


def _rebuild_function(fmt, inputs, outputs, updates, givens, mode, single, downcast, attrs):
    if fmt != FORMAT:
        raise UnpicklingError(f"nabla: this function was pickled in state format {fmt!r}; this nabla reads "
                              f"format {FORMAT}")
    if not hasattr(_nabla.Mode, str(mode)):
        raise UnpicklingError(f"nabla: a pickled function has unknown mode {mode!r}")
    try:
        fn = _nabla.Function(list(inputs), list(outputs), [tuple(u) for u in updates], [tuple(g) for g in givens],
                             getattr(_nabla.Mode, mode), bool(single), bool(downcast))
    except (NablaError, TypeError, ValueError) as e:
        raise UnpicklingError(f"nabla: cannot rebuild a pickled function: {e}") from e
    for key, value in attrs.items():
        setattr(fn, key, value)
    return fn


def install():
    Var.__reduce_ex__ = _var_reduce
    Var.__reduce__ = _var_reduce
    Var.__setstate__ = _var_setstate
    Var.__copy__ = lambda self: self  # a Var is an immutable handle
    _nabla.Function.__reduce_ex__ = _function_reduce
    _nabla.Function.__reduce__ = _function_reduce
