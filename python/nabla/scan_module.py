"""Theano's scan: symbolic loops.

    outputs, updates = nabla.scan(fn, sequences=None, outputs_info=None,
                                  non_sequences=None, n_steps=None,
                                  truncate_gradient=-1, go_backwards=False)

`fn` is called once, with symbolic arguments in Theano's order: every
sequence's taps, then every fed-back output's taps, then the non-sequences. It
returns the step's outputs (one Var, or a list); it may also return an updates
dict, which must be empty or hold only the random streams' own updates (other
shared-variable updates inside the loop are not supported).

- sequences: a Var, or dict(input=x, taps=[-1, 0]) (tap k at step t reads
  x[t + k - min(taps)]).
- outputs_info: per output, its initial value (fed back, tap -1), None (not fed
  back), or dict(initial=x, taps=[-2, -1]) (x holds the 2 earliest values).
- n_steps: a number or an integer scalar Var; by default the shortest sequence.
- go_backwards: run over the sequences from their ends.
- truncate_gradient: backpropagate through the last k steps only.

The step is compiled once into an inner program. grad() through the result is
backpropagation through time (itself a scan, so second derivatives work).
Random draws inside fn differ per step and per call; `updates` holds the
updates of their streams, to pass to function(updates=...) as in Theano (they
are also applied when left out).
"""

import collections
import numbers

from . import _nabla
from ._convert import as_var
from ._nabla import Var

__all__ = ["scan"]


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _taps(taps, where):
    if isinstance(taps, numbers.Integral):
        taps = [taps]
    taps = list(taps)
    if not taps or not all(isinstance(t, numbers.Integral) for t in taps):
        raise TypeError(f"nabla: scan: {where} taps must be a non-empty list of ints, got {taps!r}")
    return [int(t) for t in taps]


def _sequence(s, k):
    if isinstance(s, dict):
        unknown = set(s) - {"input", "taps"}
        if unknown:
            raise TypeError(f"nabla: scan: sequences[{k}] has unknown keys {sorted(unknown)} (use input=, taps=)")
        if "input" not in s:
            raise TypeError(f"nabla: scan: sequences[{k}] is a dict without 'input'")
        return as_var(s["input"]), _taps(s.get("taps", [0]), f"sequences[{k}]")
    return as_var(s), [0]


def _output_info(o, k):
    if o is None:
        return None, []
    if isinstance(o, dict):
        unknown = set(o) - {"initial", "taps", "return_steps"}
        if unknown:
            raise TypeError(f"nabla: scan: outputs_info[{k}] has unknown keys {sorted(unknown)} (use initial=, taps=)")
        if o.get("initial") is None:
            return None, []
        return as_var(o["initial"]), _taps(o.get("taps", [-1]), f"outputs_info[{k}]")
    return as_var(o), [-1]


def _step_outputs(result, n_out):
    """fn's return value as a list of Vars (dropping an updates dict)."""
    updates = None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        result, updates = result
    elif isinstance(result, dict):
        result, updates = [], result
    if updates:
        names = ", ".join(getattr(k, "name", None) or "?" for k in updates)
        raise NotImplementedError(
            f"nabla: scan: fn returned updates of shared variables ({names}); updates inside the loop are "
            "not supported: carry the value as an output (outputs_info) and update it after the scan")
    outs = _as_list(result)
    for j, o in enumerate(outs):
        if not isinstance(o, Var):
            outs[j] = as_var(o)
    return outs


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None, truncate_gradient=-1,
         go_backwards=False, mode=None, name=None, profile=False, allow_gc=None, strict=False,
         return_list=False):
    """Theano's theano.scan (see the module docstring)."""
    if not callable(fn):
        raise TypeError(f"nabla: scan: fn must be callable, got {type(fn).__name__}")
    seqs = [_sequence(s, k) for k, s in enumerate(_as_list(sequences))]
    infos = [_output_info(o, k) for k, o in enumerate(_as_list(outputs_info))]
    nonseqs = [as_var(w) for w in _as_list(non_sequences)]
    if n_steps is not None and not isinstance(n_steps, Var):
        if not isinstance(n_steps, numbers.Integral):
            raise TypeError(f"nabla: scan: n_steps must be an int or an integer scalar Var, got {n_steps!r}")
        n_steps = int(n_steps)
        if n_steps < 0:
            raise ValueError("nabla: scan: a negative n_steps (Theano's way to go backwards) is not supported; "
                             "pass go_backwards=True")
    if not isinstance(truncate_gradient, numbers.Integral):
        raise TypeError(f"nabla: scan: truncate_gradient must be an int, got {truncate_gradient!r}")

    def step(*args):
        return _step_outputs(fn(*args), len(infos))

    outputs, updates = _nabla._scan(step, seqs, infos, nonseqs, n_steps, bool(go_backwards), int(truncate_gradient))
    ordered = collections.OrderedDict(updates)
    if len(outputs) == 1 and not return_list:
        return outputs[0], ordered
    return list(outputs), ordered
