#!/usr/bin/python3
"""Doxygen INPUT_FILTER: reads nabla's plain `//` header comments as documentation.

The headers document declarations with ordinary comments: a block of `//` lines
above a declaration, or a trailing `// ...` after it. For Doxygen only (the
headers stay as they are) this filter rewrites them to `///` and `///<`, drops
`// ----` section rules, and makes each header one Doxygen group (id: its path
with `/` and `.` as `_`, e.g. core_tensor_hpp) described by the file's leading
comment. The group is opened inside every namespace the header opens, so it
holds the header's classes and functions rather than the namespace, and the
reference pages can show one header at a time (doxygengroup) without repeating
the namespaces every header opens. Class-scope using-declarations that re-expose
a base's overloads (`using Base::name;`) are left out: Doxygen copies the base's
members into the class, which Sphinx then reports as duplicate declarations.
For the same reason out-of-line definitions of class members at namespace scope
(`template <class T> Tensor Tensor::from(...) {`) are hidden from Doxygen: the
class's own declaration carries the documentation.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"^(\s*)//(?!/)(.*)$")
TRAILING = re.compile(r"^(.*?[;,])(\s+)//(?!/)\s?(.*)$")
NAMESPACE = re.compile(r"^\s*namespace\s+[\w:]+\s*\{\s*(//.*)?$")
USING_BASE = re.compile(r"^\s+using\s+[\w:]+::\w+\s*;")
OUT_OF_LINE = re.compile(r"^[^\s(=/][^(=]*\b\w+::~?\w+\s*\(")
LITERALS = re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'|//.*$')


def group_id(relpath):
    return re.sub(r"[/.]", "_", relpath)


def brace_change(line):
    code = LITERALS.sub("", line)
    return code.count("{") - code.count("}")


def filter_lines(lines, relpath):
    gid = group_id(relpath)
    out = [f"/// \\defgroup {gid} {relpath}\n"]
    in_head = True  # still in the file's leading comment block
    depth = 0       # brace depth before the current line
    open_at = []    # depths at which the namespaces we are in were opened
    hidden_at = None  # the depth at which a hidden out-of-line definition ends
    for line in lines:
        change = brace_change(line)
        if hidden_at is None and open_at and depth == open_at[-1] + 1 and OUT_OF_LINE.match(line):
            out.append("/// \\cond\n")
            hidden_at = depth
        if hidden_at is not None:
            out.append(line)
            depth += change
            if depth == hidden_at and ("}" in line or ";" in line):
                out.append("/// \\endcond\n")
                hidden_at = None
            continue
        if open_at and depth + change == open_at[-1] and change < 0:
            out.append("/** @} */\n")  # the namespace closes on this line
            open_at.pop()
        depth += change
        if NAMESPACE.match(line) and change == 1:
            out.append(line)
            out.append(f"/** \\addtogroup {gid}\n @{{ */\n")
            open_at.append(depth - 1)
            continue
        if USING_BASE.match(line):
            out.append("\n")
            continue
        m = LINE.match(line)
        if in_head and not m:
            in_head = False
        if m:
            if m.group(2).lstrip().startswith("----"):
                out.append("\n")
            else:
                out.append(f"{m.group(1)}///{m.group(2)}\n")
            continue
        t = TRAILING.match(line)
        if t and t.group(1).count('"') % 2 == 0:
            out.append(f"{t.group(1)}{t.group(2)}///< {t.group(3)}\n")
        else:
            out.append(line)
    return out


if __name__ == "__main__":
    path = sys.argv[1]
    relpath = os.path.relpath(os.path.abspath(path), ROOT)
    with open(path, encoding="utf-8") as f:
        sys.stdout.write("".join(filter_lines(f.readlines(), relpath)))
