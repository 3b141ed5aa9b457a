"""Looking at graphs: debugprint (an indented tree, as Theano's) and pydotprint
(a picture through Graphviz's dot)."""

import os
import shutil
import subprocess
import sys

from . import _nabla
from ._atomic import replace_atomically, write_text_atomically
from ._nabla import Var

__all__ = ["debugprint", "pydotprint", "to_dot"]

_FORMATS = ("png", "svg", "pdf", "dot")


def _text(obj, function_text, var_text):
    if isinstance(obj, _nabla.Function):
        return function_text(obj)
    if isinstance(obj, Var):
        return var_text([obj])
    items = list(obj)
    if not all(isinstance(v, Var) for v in items):
        raise TypeError("nabla.printing: expected a Var, a list of Vars or a compiled function")
    return var_text(items)


def debugprint(obj, file=None):
    """Prints obj (a Var, a list of Vars, or a compiled function: its optimized
    graph) as an indented tree, one line per node: op{params} [id N] dtype shape
    'name'. file=None prints to stdout; file="str" returns the text; any other
    file object is written to and returned."""
    text = _text(obj, lambda f: f.debugprint(), _nabla.debugprint)
    if file == "str":
        return text
    out = sys.stdout if file is None else file
    out.write(text)
    return out


def to_dot(obj):
    """The graph of obj as Graphviz dot text."""
    return _text(obj, lambda f: f.to_dot(), _nabla.to_dot)


def pydotprint(fct, outfile=None, format="png"):
    """Draws fct (a compiled function, a Var or a list of Vars) into outfile with
    Graphviz's dot. The format comes from outfile's extension (png, svg, pdf;
    .dot writes the dot text itself), else from `format`. Returns the path."""
    if outfile is None:
        outfile = "nabla.pydotprint." + format
    ext = os.path.splitext(outfile)[1][1:].lower()
    fmt = ext if ext in _FORMATS else format
    if fmt not in _FORMATS:
        raise ValueError(f"nabla.printing.pydotprint: unknown format {fmt!r}; use one of {_FORMATS}")
    text = to_dot(fct)
    if fmt == "dot":
        write_text_atomically(outfile, text)
        return outfile
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("nabla.printing.pydotprint needs Graphviz's dot program (apt-get install graphviz)")
    def render(tmp):
        result = subprocess.run([dot, "-T" + fmt, "-o", tmp], input=text.encode(), capture_output=True)
        if result.returncode != 0:
            raise RuntimeError(f"nabla.printing.pydotprint: dot failed: {result.stderr.decode(errors='replace')}")
    replace_atomically(outfile, render)
    return outfile
