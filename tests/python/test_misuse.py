"""Generated misuse, tried as a new user would: wrong shapes and ranks for every
op family, wrong dtypes and kinds of arguments, out-of-range axes and indices,
bad givens and updates, wrong arity, absurd sizes, NaN under NanGuard.

Every case must raise a Python exception of the expected kind whose message
names what was wrong (the shapes, the input, the op) and, for errors found
while building a graph, the user's line (this file). Cases run in a forked
child process, so a crash is counted as a failure instead of ending the run.
Inputs that look odd but are valid (non-contiguous, negative strides, empty)
must give numpy's result: no silent wrong answers."""

import multiprocessing as mp
import os
import traceback
from collections import Counter

import numpy as np
import pytest

import nabla
import nabla.tensor as T

HERE = os.path.basename(__file__)
F32 = "float32"


def static(shape, dtype=F32):
    """A Var with a static shape (a shared variable), as data sets and weights are."""
    return nabla.shared(np.zeros(shape, dtype=dtype))


def shape_str(shape):
    return "(" + ",".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


CASES = []  # (family, name, fn, exception types, fragments the message must contain)


def case(family, name, exc, *fragments):
    def register(fn):
        CASES.append((family, name, fn, exc, fragments))
        return fn
    return register


# ---- elementwise binary: shapes that do not broadcast --------------------------------------
BINARY = {"add": T.add, "sub": T.sub, "mul": T.mul, "true_div": T.true_div, "pow": T.pow,
          "maximum": T.maximum, "minimum": T.minimum, "eq": T.eq, "neq": T.neq, "lt": T.lt, "le": T.le,
          "gt": T.gt, "ge": T.ge}
CLASHES = [((2, 3), (4,)), ((2, 3), (3, 2)), ((5,), (4,)), ((2, 3, 4), (2, 4))]
for op_name, op in BINARY.items():
    for a, b in CLASHES:
        def build(op=op, a=a, b=b):
            op(static(a), static(b))
        case("elementwise shapes (build)", f"{op_name}{a}{b}", ValueError, shape_str(a), shape_str(b), HERE)(build)

        def run(op=op, a=a, b=b):
            x, y = T.TensorType(F32, (False,) * len(a))("x"), T.TensorType(F32, (False,) * len(b))("y")
            nabla.function([x, y], op(x, y))(np.zeros(a, F32), np.zeros(b, F32))
        case("elementwise shapes (run)", f"{op_name}{a}{b}", ValueError, shape_str(a), shape_str(b), HERE)(run)

# ---- unary and binary functions given things that are not tensors --------------------------
NOT_TENSORS = {"None": None, "str": "abc", "object": object(), "mixed list": [1, "a"], "dict": {"a": 1},
               "nested ragged": [[1, 2], [3]]}
UNARY = ["neg", "exp", "log", "log1p", "sqrt", "sqr", "abs_", "sgn", "tanh", "sigmoid", "softplus", "erf"]
for fn_name in UNARY:
    for what, value in NOT_TENSORS.items():
        case("not a tensor", f"T.{fn_name}({what})", (TypeError, ValueError), "nabla")(
            lambda fn_name=fn_name, value=value: getattr(T, fn_name)(value))
for op_name in ["add", "mul", "maximum", "lt"]:
    for what, value in NOT_TENSORS.items():
        case("not a tensor", f"T.{op_name}(x, {what})", (TypeError, ValueError), "nabla")(
            lambda op_name=op_name, value=value: BINARY[op_name](T.matrix("x"), value))

# ---- reductions: axes out of range or not ints ---------------------------------------------
REDUCTIONS = {"sum": T.sum, "mean": T.mean, "max": T.max, "min": T.min}
for r_name, r in REDUCTIONS.items():
    for axis, exc, frag in [(5, ValueError, "axis 5"), (-3, ValueError, "-3"), (1.5, TypeError, "1.5"),
                            ("a", TypeError, "'a'"), ((0, 7), ValueError, "7")]:
        for keepdims in (False, True):
            case("reduction axes", f"{r_name}(axis={axis!r}, keepdims={keepdims})", exc, frag)(
                lambda r=r, axis=axis, keepdims=keepdims: r(static((2, 3)), axis=axis, keepdims=keepdims))
for axis, exc, frag in [(5, ValueError, "5"), (1.5, TypeError, "1.5"), ("a", TypeError, "'a'")]:
    case("reduction axes", f"argmax(axis={axis!r})", exc, frag)(lambda axis=axis: T.argmax(static((2, 3)), axis=axis))

# ---- shape functions -------------------------------------------------------------------------
for target, frag in [((4, 2), "(2,3)"), ((7,), "(2,3)"), ((-1, 4), "(2,3)"), ((-1, -1), "-1"), ((-2, 3), "-2"),
                     ((2, 3, 0), "(2,3)")]:
    case("reshape", f"reshape {target}", ValueError, frag, HERE)(lambda target=target: static((2, 3)).reshape(target))
for pattern, frag in [((0, 5), "5"), ((0, 0), "twice"), ((1,), "drops axis 0"), (("x", 2), "2")]:
    case("dimshuffle", f"dimshuffle {pattern}", ValueError, frag, HERE)(
        lambda pattern=pattern: static((2, 3)).dimshuffle(*pattern))
for axis in (2, -3, 5):
    case("concatenate", f"axis {axis}", ValueError, str(axis))(
        lambda axis=axis: T.concatenate([static((2, 3)), static((2, 3))], axis=axis))
case("concatenate", "shapes", ValueError, "(2,3)", "(2,4)")(lambda: T.concatenate([static((2, 3)), static((2, 4))], axis=0))

# ---- indexing ----------------------------------------------------------------------------------
for index, frag in [(5, "5"), (-3, "-3"), ((0, 7), "7"), ((1, 2, 3), "too many")]:
    case("indexing", f"x[{index}]", (ValueError, IndexError), frag, HERE)(lambda index=index: static((2, 3))[index])


def take_out_of_range(rows, cols):
    x, r, c = T.matrix("x"), T.lvector("r"), T.lvector("c")
    nabla.function([x, r, c], x[r, c])(np.zeros((2, 3), F32), np.array(rows), np.array(cols))


for rows, cols, frag in [([0, 5], [0, 1], "5"), ([0, 1], [0, 9], "9"), ([0, -9], [0, 1], "-9")]:
    case("indexing", f"x[{rows}, {cols}]", ValueError, frag)(lambda rows=rows, cols=cols: take_out_of_range(rows, cols))
case("indexing", "x[rows, cols] of different lengths", ValueError, "(3,)", "(2,)")(lambda: take_out_of_range([0, 1, 1], [0, 1]))

# ---- linear algebra ------------------------------------------------------------------------------
for a, b in [((2, 3), (2, 3)), ((2, 3), (4,)), ((3,), (4,)), ((4,), (3, 2)), ((2, 3, 4), (4, 2))]:
    case("dot", f"dot{a}{b}", ValueError, shape_str(a), shape_str(b))(lambda a=a, b=b: T.dot(static(a), static(b)))
for a, b in [((2, 3), (4, 5)), ((2, 3), (2, 3))]:
    def run_dot(a=a, b=b):
        x, y = T.matrix("x"), T.matrix("y")
        nabla.function([x, y], T.dot(x, y))(np.zeros(a, F32), np.zeros(b, F32))
    case("dot", f"dot at run time {a}{b}", ValueError, shape_str(a), shape_str(b), HERE)(run_dot)

# ---- neural-net ops ------------------------------------------------------------------------------
conv = nabla.tensor.nnet.conv.conv2d
pool = nabla.tensor.signal.pool.pool_2d
for xs, ws, frag in [((1, 2, 5, 5), (3, 1, 3, 3), "channels"), ((1, 1, 3, 3), (1, 1, 5, 5), "larger than the image"),
                     ((1, 5, 5), (1, 1, 3, 3), "4-D"), ((1, 1, 5, 5), (1, 3, 3), "4-D")]:
    case("conv/pool", f"conv2d {xs} {ws}", ValueError, frag)(lambda xs=xs, ws=ws: conv(static(xs), static(ws)))
for ws, frag in [((2,), "2 entries"), ((0, 2), "0"), ((2, 2, 2), "2 entries")]:
    case("conv/pool", f"pool ws {ws}", ValueError, frag)(lambda ws=ws: pool(static((1, 1, 4, 4)), ws=ws, ignore_border=True))
case("conv/pool", "pool mode", ValueError, "median")(lambda: pool(static((1, 1, 4, 4)), ws=(2, 2), mode="median"))


def xent_labels(labels):
    z, y = T.matrix("z"), T.ivector("y")
    p = T.nnet.softmax(z)
    nabla.function([z, y], T.mean(T.nnet.categorical_crossentropy(p, y)))(np.zeros((2, 3), F32),
                                                                         np.array(labels, dtype="int32"))


case("conv/pool", "cross-entropy label 3 of 3 classes", ValueError, "3")(lambda: xent_labels([0, 3]))
case("conv/pool", "cross-entropy labels of another length", ValueError, "(3,)")(lambda: xent_labels([0, 1, 2]))
case("conv/pool", "softmax of a scalar", ValueError, "softmax")(lambda: T.nnet.softmax(static(())))

# ---- calling a compiled function with the wrong things -------------------------------------------
FUNCTIONS = {  # input, a good argument, an argument of its rank with a dtype it must refuse
    "matrix float32": (lambda: T.matrix("x"), np.zeros((2, 3), F32), np.zeros((2, 3))),
    "vector float32": (lambda: T.vector("x"), np.zeros(3, F32), np.zeros(3)),
    "lscalar": (lambda: T.lscalar("x"), 3, np.float64(2.5)),
    "ivector": (lambda: T.ivector("x"), np.zeros(3, "int32"), np.zeros(3, "int64")),
}
for f_name, (make_input, good, unsafe) in FUNCTIONS.items():
    BAD_ARGS = {
        "None": (None, TypeError, "None"),
        "str": ("abc", TypeError, "string"),
        "object": (object(), TypeError, "object"),
        "ragged": ([[1, 2], [3]], ValueError, "inhomogeneous"),
        "wrong rank": (np.zeros((2, 2, 2), F32), ValueError, "rank"),
        "unsafe dtype": (unsafe, TypeError, str(np.asarray(unsafe).dtype)),
        "complex": (np.asarray(good).astype("complex64"), TypeError, "complex"),
    }
    for b_name, (bad, exc, frag) in BAD_ARGS.items():
        def call(make_input=make_input, bad=bad):
            x = make_input()
            nabla.function([x], x * 2)(bad)
        case("function arguments", f"{f_name} given {b_name}", exc, "'x'")(call)

    def too_many(make_input=make_input, good=good):
        x = make_input()
        nabla.function([x], x * 2)(good, good)
    case("function arguments", f"{f_name} given 2 arguments", TypeError, "expects 1")(too_many)

    def too_few(make_input=make_input):
        x = make_input()
        nabla.function([x], x * 2)()
    case("function arguments", f"{f_name} given none", TypeError, "expects 1")(too_few)

# ---- building functions: inputs, outputs, updates, givens ----------------------------------------


def build_function(kind):
    x, w = T.matrix("x"), nabla.shared(np.zeros((2, 3), F32), name="w")
    v = nabla.shared(np.zeros(3, "float64"), name="v")
    if kind == "input is a string":
        nabla.function(["x"], x)
    elif kind == "input is a shared variable":
        nabla.function([w], w * 2)
    elif kind == "input is computed":
        nabla.function([x * 2], x)
    elif kind == "input listed twice":
        nabla.function([x, x], x)
    elif kind == "output is a string":
        nabla.function([x], "x")
    elif kind == "missing input":
        nabla.function([], x * 2)
    elif kind == "update of a non-shared":
        nabla.function([x], [], updates=[(x, x * 2)])
    elif kind == "update changes the shape":
        nabla.function([], [], updates=[(w, T.sum(w, axis=0))])
    elif kind == "update changes the dtype":
        nabla.function([], [], updates=[(w, T.cast(w, "float64"))])
    elif kind == "same variable updated twice":
        nabla.function([], [], updates=[(w, w + 1), (w, w * 2)])
    elif kind == "givens changes the dtype":
        nabla.function([], T.sum(v), givens={v: w[0]})
    elif kind == "givens changes the rank":
        nabla.function([], T.sum(x), givens={x: nabla.shared(np.zeros(3, F32))})
    elif kind == "givens replaces an input":
        nabla.function([x], x * 2, givens={x: w})
    elif kind == "unknown mode":
        nabla.function([x], x, mode="FASTEST")


for kind, exc, frag in [("input is a string", TypeError, "str"), ("input is a shared variable", TypeError, "shared"),
                        ("input is computed", TypeError, "givens"), ("input listed twice", ValueError, "twice"),
                        ("output is a string", TypeError, "x"), ("missing input", ValueError, "'x'"),
                        ("update of a non-shared", TypeError, "shared"), ("update changes the shape", ValueError, "w"),
                        ("update changes the dtype", TypeError, "w"), ("same variable updated twice", ValueError, "twice"),
                        ("givens changes the dtype", TypeError, "dtype"), ("givens changes the rank", ValueError, "rank"),
                        ("givens replaces an input", ValueError, "givens"), ("unknown mode", ValueError, "FASTEST")]:
    case("function construction", kind, exc, frag)(lambda kind=kind: build_function(kind))

# ---- absurd sizes and numerical faults -----------------------------------------------------------


def absurd(kind):
    n = T.lscalar("n")
    if kind == "zeros 10^12":
        nabla.function([n], T.zeros((n, n)))(10 ** 6)
    elif kind == "ones 2^64":
        nabla.function([n], T.ones((n, n)))(2 ** 32)
    elif kind == "shared 10^12":
        nabla.shared(np.broadcast_to(np.float32(0), (10 ** 6, 10 ** 6)))


for kind, exc, frag in [("zeros 10^12", MemoryError, "allocate"), ("ones 2^64", MemoryError, "")]:
    case("absurd sizes", kind, exc, frag)(lambda kind=kind: absurd(kind))


def nan_guard(expr_name):
    x = T.vector("x")
    expr = {"log": T.log(x), "sqrt": T.sqrt(x), "div": 1.0 / (x + 2.0)}[expr_name]
    nabla.function([x], expr * 1.0, mode="NanGuardMode")(np.array([-1.0, -2.0], F32))


for name in ("log", "sqrt", "div"):
    case("NaN/Inf", f"NanGuard {name}", ValueError, name)(lambda name=name: nan_guard(name))


# ---- running the cases, each failure counted -----------------------------------------------------

def run_case(index):
    family, name, fn, exc, fragments = CASES[index]
    try:
        fn()
    except exc as e:
        msg = str(e)
        missing = [f for f in fragments if f not in msg]
        if missing:
            return "unhelpful", f"{type(e).__name__}: {msg[:300]!r} lacks {missing}"
        return "ok", ""
    except Exception as e:  # noqa: BLE001  (the wrong kind of exception)
        return "wrong exception", f"{type(e).__name__}: {str(e)[:300]}\n{traceback.format_exc(limit=2)}"
    return "no error", ""


def child(start, conn):
    for i in range(start, len(CASES)):
        conn.send((i, *run_case(i)))
    conn.send(None)


def run_all():
    """Results per case; a child that dies marks its current case as a crash and the run goes on."""
    results, start = {}, 0
    ctx = mp.get_context("fork")
    while start < len(CASES):
        parent, kid = ctx.Pipe()
        p = ctx.Process(target=child, args=(start, kid))
        p.start()
        kid.close()
        while True:
            try:
                msg = parent.recv()
            except EOFError:
                msg = "died"
            if msg is None:
                start = len(CASES)
                break
            if msg == "died":
                p.join()
                results[start] = ("crash", f"exit code {p.exitcode}")
                start += 1
                break
            i, status, detail = msg
            results[i] = (status, detail)
            start = i + 1
        p.join()
    return results


def test_every_misuse_gives_a_clear_error_and_nothing_crashes():
    assert len(CASES) >= 300, len(CASES)
    results = run_all()
    per_family = Counter(family for family, *_ in CASES)
    bad = [(CASES[i][0], CASES[i][1], status, detail) for i, (status, detail) in sorted(results.items())
           if status != "ok"]
    summary = ", ".join(f"{family}: {n}" for family, n in per_family.items())
    print(f"\nmisuse cases: {len(CASES)} ({summary}); crashes: "
          f"{sum(1 for *_, s, _ in bad if s == 'crash')}; failures: {len(bad)}")
    assert not bad, "\n".join(f"[{f}] {n}: {s} {d}" for f, n, s, d in bad)


# ---- odd but valid inputs: numpy's results, no silent wrong answers ------------------------------
VALID = {
    "non-contiguous columns": lambda a: a[:, ::2],
    "transposed": lambda a: a.T,
    "negative strides": lambda a: a[::-1, ::-1],
    "Fortran order": np.asfortranarray,
    "empty rows": lambda a: a[:0],
    "a list of lists": lambda a: a.tolist(),
    "int64 values that fit (list)": lambda a: np.round(a).astype("int64").tolist(),
}


@pytest.mark.parametrize("kind", list(VALID))
def test_odd_but_valid_inputs_give_numpys_result(kind):
    base = np.arange(24, dtype=F32).reshape(4, 6) / 7.0
    value = VALID[kind](base)
    x = T.matrix("x")
    f = nabla.function([x], [T.tanh(x) * 2 + 1, T.sum(x, axis=0)])
    got = f(value)
    expected_in = np.asarray(value, dtype=F32)
    np.testing.assert_allclose(got[0], np.tanh(expected_in) * 2 + 1, rtol=1e-6)
    np.testing.assert_allclose(got[1], expected_in.sum(axis=0), rtol=1e-6)
