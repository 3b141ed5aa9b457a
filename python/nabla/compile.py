"""function and shared: compiling graphs and holding state (Theano's theano.function
and theano.shared)."""

import numpy as np

from . import _nabla
from ._config import config
from ._convert import Shape, as_var
from ._nabla import Var

__all__ = ["function", "shared", "Mode", "UnusedInputError"]

_ON_UNUSED = ("raise", "warn", "ignore")


class UnusedInputError(_nabla.NablaValueError):
    """An input of function() that no output or update depends on (Theano's
    theano.compile.function_module.UnusedInputError)."""


def _used_keys(roots, givens):
    """The identities of every Var the roots depend on, following givens'
    replacements where their targets are reached."""
    replace = {_nabla._var_key(t): v for t, v in givens}
    seen, stack = set(), list(roots)
    while stack:
        v = stack.pop()
        key = _nabla._var_key(v)
        if key in seen:
            continue
        seen.add(key)
        if key in replace:
            stack.append(replace[key])
        stack.extend(v.inputs)
    return seen


def _check_unused(inputs, outs, updates, givens, on_unused_input):
    policy = config.on_unused_input if on_unused_input is None else on_unused_input
    if policy not in _ON_UNUSED:
        raise ValueError(f"nabla.function: on_unused_input must be one of {_ON_UNUSED}, got {policy!r}")
    if policy == "ignore" or not inputs:
        return
    used = _used_keys(list(outs) + [u for _, u in updates], givens)
    for k, v in enumerate(inputs):
        if v.role != "input" or _nabla._var_key(v) in used:
            continue  # (a non-input is refused by the compiler, with its own message)
        message = (f"nabla.function: input {k} ({v.label}, created at {v.location}) is not used to compute the "
                   "outputs or updates; remove it, or pass on_unused_input='warn' or 'ignore' to allow it")
        if policy == "raise":
            raise UnusedInputError(message)
        import warnings
        warnings.warn(message, stacklevel=3)

Mode = _nabla.Mode

_MODES = {
    None: None,
    "FAST_RUN": Mode.FAST_RUN,
    "FAST_COMPILE": Mode.FAST_COMPILE,
    "DebugMode": Mode.DEBUG,
    "DEBUG_MODE": Mode.DEBUG,
    "NanGuardMode": Mode.NAN_GUARD,
}


def _mode(mode):
    if isinstance(mode, Mode):
        return mode
    if mode not in _MODES:
        raise ValueError(f"nabla.function: unknown mode {mode!r}; use one of {[m for m in _MODES if m]}")
    return _MODES[mode] or _MODES[config.mode]


def _pairs(pairs, what):
    """(Var, value) pairs from a dict, an OrderedDict or a list of pairs."""
    if pairs is None:
        return []
    items = pairs.items() if hasattr(pairs, "items") else pairs
    out = []
    for item in items:
        try:
            target, value = item
        except (TypeError, ValueError):
            raise TypeError(f"nabla.function: {what} must be (variable, value) pairs, got {item!r}") from None
        if not isinstance(target, Var):
            raise TypeError(f"nabla.function: {what}: {target!r} is not a nabla variable")
        out.append((target, as_var(value, like=target)))
    return out


def function(inputs, outputs=None, updates=None, givens=None, allow_input_downcast=None, mode=None,
             name=None, on_unused_input=None, profile=False):
    """Compiles a graph into a callable, as theano.function.

    inputs: input Vars (T.matrix(), T.lscalar(), ...), given positionally (or
        by name as keywords) when calling.
    outputs: one Var (the call returns one numpy array) or a list of Vars
        (the call returns a list); None for no outputs.
    updates: (shared variable, new value) pairs, a list or a dict; applied after
        all outputs were computed, so every update sees the old values.
    givens: (Var, replacement) pairs, a list or a dict, substituted before
        compiling: {x: data[i*m:(i+1)*m]} slices shared data by an index input.
    allow_input_downcast: accept arguments whose dtype does not cast safely
        (a float64 array for a float32 input); otherwise that is a TypeError.
    mode: "FAST_RUN" (default: config.mode), "FAST_COMPILE", "DebugMode" or
        "NanGuardMode" (stops at the first NaN/Inf and names the step).
    name: kept as f.name (and through pickling), as Theano's.
    on_unused_input: an input that no output or update depends on is an
        UnusedInputError ("raise", Theano's default, from
        config.on_unused_input), a warning ("warn"), or allowed ("ignore").
    profile: time every step of every call (Theano's profile=True); the
        table is f.profile_text(): seconds per op, then the slowest steps
        with the line that built each. NABLA_PROFILE=1 profiles every
        function and prints each table when the function is destroyed.

    Calls release the GIL while the compiled program runs and return new numpy
    arrays (copies): they stay valid after later calls.

    Threads: calls of one function from several threads run one at a time
    (each gets its own right result); different functions run in parallel. A
    call holds the shared variables it updates exclusively and those it only
    reads shared, for the whole call: two functions updating one shared
    variable from two threads apply their updates one whole call after the
    other (never a torn value); get_value/set_value wait for such calls.
    Ctrl-C during a call from the main thread raises KeyboardInterrupt within
    a step, with none of that call's updates applied.
    """
    if isinstance(inputs, Var) or not hasattr(inputs, "__iter__"):
        raise TypeError("nabla.function: inputs must be a list of input variables")
    inputs = list(inputs)
    for k, v in enumerate(inputs):
        if not isinstance(v, Var):
            raise TypeError(f"nabla.function: input {k} is a {type(v).__name__}, not a nabla variable")
    single = outputs is not None and not isinstance(outputs, (list, tuple)) or isinstance(outputs, Shape)
    if outputs is None:
        outs = []
    elif single:
        outs = [as_var(outputs)]
    else:
        outs = [as_var(o) for o in outputs]
    updates, givens = _pairs(updates, "updates"), _pairs(givens, "givens")
    _check_unused(inputs, outs, updates, givens, on_unused_input)
    fn = _nabla.Function(inputs, outs, updates, givens, _mode(mode), single, bool(allow_input_downcast))
    fn.name = name  # Theano's Function.name (kept when pickled)
    if profile:
        fn.enable_profile(True)
    return fn


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False):
    """A shared variable: state that compiled functions read and update
    (parameters, data sets). It holds a copy of value (borrow is accepted for
    Theano's sake; nabla keeps its own aligned buffers). A Python float
    becomes a config.floatX scalar, a Python int an int64 scalar.

    get_value(borrow=False) returns a copy (borrow=True: a view that later
    calls may overwrite); set_value(v) replaces the value (same dtype rules
    as function arguments; the shape must stay the same).
    """
    if type(value) is float:
        value = np.asarray(value, dtype=config.floatX)
    elif type(value) is int:
        value = np.asarray(value, dtype="int64")
    return _nabla.shared(value, name or "")
