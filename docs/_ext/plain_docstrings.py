"""Sphinx extension: shows nabla's Python docstrings as the plain text they are.

The package's docstrings are written for help() (code indented by four spaces,
|x| for absolute values, Theano-style prose), not as reStructuredText, so each
one is rendered as a literal block: exactly as help() prints it, and no markup
warnings from text that was never meant to be markup.
"""


def _as_literal(app, what, name, obj, options, lines):
    if not any(line.strip() for line in lines):
        return
    body = ["   " + line if line.strip() else "" for line in lines]
    lines[:] = ["::", ""] + body + [""]


def setup(app):
    app.connect("autodoc-process-docstring", _as_literal)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
