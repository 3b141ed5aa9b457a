# Sphinx configuration for nabla's documentation. Built by scripts/build_docs.sh,
# which runs Doxygen first and sets NABLA_DOXYGEN_XML and PYTHONPATH.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_ext"))

project = "nabla"
author = "the nabla authors"
copyright = "the nabla authors"

try:
    import nabla
    release = version = nabla.__version__
except ImportError as e:  # the build script checks this first; say why here too
    sys.exit(f"docs/conf.py: cannot import nabla ({e}); pass the Python build dir to scripts/build_docs.sh")

extensions = ["sphinx.ext.autodoc", "breathe", "plain_docstrings"]

root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
html_theme_options = {"description": "symbolic autodiff tensors in the style of Theano", "fixed_sidebar": True}
pygments_style = "sphinx"

# C++ reference: Doxygen XML through Breathe.
breathe_projects = {"nabla": os.environ.get("NABLA_DOXYGEN_XML", "_doxygen/xml")}
breathe_default_project = "nabla"
breathe_default_members = ("members", "undoc-members")

# Python reference.
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False}
