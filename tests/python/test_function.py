"""nabla.function and nabla.shared: updates, givens, outputs, argument checks,
errors, modes and threads."""

import collections
import threading
import time

import numpy as np
import pytest

import nabla
import nabla.tensor as T


def f32(*values):
    return np.array(values, dtype="float32")


# ---- updates ---------------------------------------------------------------------------
def test_updates_see_old_values():
    a = nabla.shared(f32(1, 2), "a")
    b = nabla.shared(f32(10, 20), "b")
    swap = nabla.function([], [a, b], updates=[(a, b), (b, a)])
    old_a, old_b = swap()
    np.testing.assert_array_equal(old_a, [1, 2])  # outputs computed before the updates
    np.testing.assert_array_equal(a.get_value(), [10, 20])
    np.testing.assert_array_equal(b.get_value(), [1, 2])


def test_updates_as_list_dict_and_ordered_dict():
    for kind in [list, dict, collections.OrderedDict]:
        count = nabla.shared(np.int64(0), "count")
        step = nabla.function([], count, updates=kind([(count, count + 1)]))
        assert [int(step()) for _ in range(3)] == [0, 1, 2]
        assert count.get_value() == 3


def test_sgd_on_a_quadratic_through_updates():
    w = nabla.shared(f32(3.0, -2.0), "w")
    cost = T.sum((w - 1.0) ** 2)
    train = nabla.function([], cost, updates=[(w, w - 0.25 * T.grad(cost, w))])
    for _ in range(30):
        train()
    np.testing.assert_allclose(w.get_value(), [1, 1], atol=1e-6)


# ---- givens -------------------------------------------------------------------------------
def test_givens_with_symbolic_slices_of_shared_data():
    data = np.arange(60, dtype="float32").reshape(20, 3)
    labels = np.arange(20) % 4
    shared_x = nabla.shared(data)
    shared_y = T.cast(nabla.shared(labels.astype("float32")), "int32")
    x, y, i = T.matrix("x"), T.ivector("y"), T.lscalar("i")
    m = 5
    f = nabla.function([i], [T.sum(x, axis=1), y * 2],
                       givens={x: shared_x[i * m:(i + 1) * m], y: shared_y[i * m:(i + 1) * m]})
    for k in range(4):
        sums, ys = f(k)
        np.testing.assert_array_equal(sums, data[k * m:(k + 1) * m].sum(axis=1))
        np.testing.assert_array_equal(ys, 2 * labels[k * m:(k + 1) * m])
    # givens as a list of pairs, replacing an input by an expression of another input
    z = T.matrix("z")
    g = nabla.function([z], x * 2, givens=[(x, z + 1)])
    np.testing.assert_array_equal(g(np.ones((2, 2), dtype="float32")), np.full((2, 2), 4.0))


# ---- gradients ----------------------------------------------------------------------------
def test_grad_of_grad():
    x = T.dscalar("x")
    y = x ** 3 + T.exp(x)
    d1 = T.grad(y, x)
    d2 = T.grad(d1, x)
    d3 = T.grad(d2, x)
    f = nabla.function([x], [d1, d2, d3])
    got = f(0.5)
    np.testing.assert_allclose(got, [3 * 0.25 + np.exp(0.5), 6 * 0.5 + np.exp(0.5), 6 + np.exp(0.5)])


def test_grad_list_and_disconnected_inputs():
    x, unused = T.vector("x"), T.vector("unused")
    cost = T.sum(x * x)
    assert isinstance(T.grad(cost, [x]), list)
    with pytest.raises(nabla.GradError, match="unused"):
        T.grad(cost, unused)
    with pytest.raises(ValueError):  # GradError is a ValueError
        T.grad(cost, [unused])
    gx, gu = T.grad(cost, [x, unused], disconnected_inputs="ignore")
    f = nabla.function([x, unused], [gx, gu])
    out = f(f32(1, 2), f32(5, 5, 5))
    np.testing.assert_array_equal(out[0], [2, 4])
    np.testing.assert_array_equal(out[1], [0, 0, 0])
    with pytest.warns(UserWarning):
        T.grad(cost, unused, disconnected_inputs="warn")


def test_grad_names_a_disconnected_input_among_connected_ones():
    x, unused = T.vector("x"), T.vector("unused")
    with pytest.raises(nabla.GradError, match="unused"):
        T.grad(T.sum(x * x), [x, unused])


# ---- outputs --------------------------------------------------------------------------------
def test_single_output_list_of_outputs_and_none():
    x = T.vector("x")
    assert isinstance(nabla.function([x], x * 2)(f32(1)), np.ndarray)
    assert isinstance(nabla.function([x], [x * 2])(f32(1)), list)
    assert isinstance(nabla.function([x], (x * 2, x))(f32(1)), list)
    assert nabla.function([x], None, on_unused_input="ignore")(f32(1)) == []


def test_returned_arrays_are_copies():
    x = T.vector("x")
    w = nabla.shared(f32(1, 1), "w")
    f = nabla.function([x], [x * 2, w], updates=[(w, w + x)])
    first, w_before = f(f32(1, 2))
    second, _ = f(f32(10, 20))
    np.testing.assert_array_equal(first, [2, 4])  # not overwritten by the second call
    np.testing.assert_array_equal(w_before, [1, 1])
    np.testing.assert_array_equal(second, [20, 40])
    first[:] = -1  # writing to a result touches nothing of nabla's
    np.testing.assert_array_equal(f(f32(0, 0))[0], [0, 0])
    assert first.flags.writeable
    # Each result is a private copy (taken under the call's locks), never nabla's buffer.
    assert not np.shares_memory(first, second) and not np.shares_memory(w_before, w.get_value(borrow=True))


def test_shared_values_copy_and_borrow():
    value = np.arange(6, dtype="float32").reshape(2, 3)
    s = nabla.shared(value, name="s")
    value[0, 0] = 100  # nabla holds its own copy
    assert s.get_value()[0, 0] == 0
    copy = s.get_value()
    copy[0, 0] = 50
    assert s.get_value()[0, 0] == 0
    view = s.get_value(borrow=True)
    assert view.shape == (2, 3) and view[1, 2] == 5
    s.set_value(np.ones((2, 3), dtype="float32"))
    np.testing.assert_array_equal(s.get_value(), np.ones((2, 3)))
    assert s.name == "s" and s.dtype == "float32" and s.ndim == 2
    assert nabla.shared(0.5).dtype == nabla.config.floatX
    assert nabla.shared(3).dtype == "int64"


# ---- argument conversion and bad input ------------------------------------------------------------
def test_numbers_lists_and_noncontiguous_arrays_are_accepted():
    x, i, s = T.matrix("x"), T.lscalar("i"), T.scalar("s")
    f = nabla.function([x, i, s], x[i] * s)
    np.testing.assert_array_equal(f([[1, 2], [3, 4]], 1, 2), [6, 8])
    np.testing.assert_array_equal(f([[1.5, 2], [3, 4]], np.int64(0), 2.0), [3, 4])
    big = np.arange(12, dtype="float32").reshape(3, 4)
    np.testing.assert_array_equal(f(big[:, ::2], 2, 1), [8, 10])
    np.testing.assert_array_equal(f(big.astype("uint8"), 0, np.float32(1)), [0, 1, 2, 3])  # casts safely
    np.testing.assert_array_equal(f(x=big, i=1, s=1), big[1])  # by name


def test_dtype_mismatch_is_a_type_error_naming_the_input():
    x = T.matrix("pixels")
    f = nabla.function([x], x * 2)
    with pytest.raises(TypeError, match="pixels.*float32.*float64"):
        f(np.ones((2, 2)))
    g = nabla.function([x], x * 2, allow_input_downcast=True)
    np.testing.assert_array_equal(g(np.ones((2, 2))), np.full((2, 2), 2.0))
    i = T.iscalar("index")
    h = nabla.function([i], i + 1)
    with pytest.raises(TypeError, match="index"):
        h(1.5)
    with pytest.raises(TypeError, match="index"):
        h(2 ** 40)  # does not fit int32
    with pytest.raises(TypeError, match="index"):
        h(np.float64(2.5))
    with pytest.raises(TypeError, match="index"):
        h("3")
    with pytest.raises(TypeError):
        f(np.array([["a", "b"]]))


def test_shape_mismatch_is_a_value_error_naming_the_input():
    x, v = T.matrix("images"), T.vector("bias")
    f = nabla.function([x, v], x + v)
    with pytest.raises(ValueError, match="images"):
        f(f32(1, 2), f32(1, 2))
    with pytest.raises(nabla.ShapeError):
        f(np.ones((2, 3), dtype="float32"), f32(1, 2))  # (2,3) + (2,): not broadcastable
    with pytest.raises(TypeError, match="expects 2 argument"):
        f(np.ones((2, 2), dtype="float32"))
    with pytest.raises(TypeError, match="no input is named"):
        f(np.ones((2, 2), dtype="float32"), nope=1)


def test_graph_errors_name_the_users_line():
    W = nabla.shared(np.zeros((3, 4), dtype="float32"), "W")
    with pytest.raises(nabla.ShapeError) as info:
        T.dot(W, W)  # this line is named in the error
    assert "test_function.py" in str(info.value)
    assert "not aligned" in str(info.value)
    assert "test_function.py" in (W * 2).location


def test_bad_arguments_to_graph_functions_raise_not_crash():
    x = T.matrix("x")
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        x[1.5]
    with pytest.raises(TypeError):
        T.cast(x, "complex128")
    with pytest.raises(TypeError):
        nabla.shared(np.zeros(3, dtype="uint8"))
    with pytest.raises(TypeError):
        nabla.function(x, x)
    with pytest.raises(TypeError):
        nabla.function([x * 2], x)  # inputs must be input variables
    with pytest.raises(ValueError):
        nabla.function([], x)  # x is needed but not given
    with pytest.raises(TypeError):
        bool(x > 0)
    with pytest.raises(ValueError):
        x.reshape((2, 3, -1, -1)).eval({x: np.ones((2, 3), dtype="float32")})
    s = nabla.shared(np.zeros(3, dtype="float32"))
    with pytest.raises(TypeError):
        s.set_value(np.zeros(3))  # float64 into float32
    with pytest.raises(ValueError):
        s.set_value(np.zeros(4, dtype="float32"))
    with pytest.raises(TypeError):
        x.get_value()


def test_runtime_index_errors():
    x, i = T.vector("x"), T.lscalar("i")
    f = nabla.function([x, i], x[i])
    with pytest.raises(ValueError):
        f(f32(1, 2, 3), 7)
    assert f(f32(1, 2, 3), -1) == 3


# ---- modes, eval, printing ------------------------------------------------------------------------
def test_modes():
    x = T.vector("x")
    y = T.log(x)
    for mode in ["FAST_RUN", "FAST_COMPILE", "DebugMode"]:
        np.testing.assert_allclose(nabla.function([x], y, mode=mode)(f32(1, np.e)), [0, 1], rtol=1e-6)
    guarded = nabla.function([x], y * 2, mode="NanGuardMode")
    with pytest.raises(nabla.NablaValueError, match="NaN"):
        guarded(f32(-1, 1))
    with pytest.raises(ValueError):
        nabla.function([x], y, mode="FAST")


def test_eval_and_debugprint(tmp_path):
    x = T.vector("x")
    y = T.exp(x).sum()
    assert y.eval({x: f32(0, 0)}) == 2
    text = nabla.printing.debugprint(y, file="str")
    assert "exp" in text and "'x'" in text
    f = nabla.function([x], y)
    assert "exp" in nabla.printing.debugprint(f, file="str")
    assert "steps" in f.stats()
    out = nabla.printing.pydotprint(f, str(tmp_path / "graph.dot"))
    assert open(out).read().startswith("digraph")


def test_pydotprint_png_and_svg(tmp_path):
    import shutil
    if shutil.which("dot") is None:
        pytest.skip("graphviz dot is not installed")
    x = T.matrix("x")
    f = nabla.function([x], T.nnet.softmax(T.dot(x, x.T)))
    png = nabla.pydotprint(f, str(tmp_path / "f.png"))
    assert open(png, "rb").read(4) == b"\x89PNG"
    svg = nabla.pydotprint(T.tanh(x), str(tmp_path / "f.svg"))
    assert "<svg" in open(svg).read()


# ---- threads ------------------------------------------------------------------------------------------
def test_calls_release_the_gil():
    a = T.matrix("a")
    slow = nabla.function([a], T.sum(T.dot(T.dot(T.dot(a, a), a), a)))
    big = np.random.default_rng(0).standard_normal((700, 700)).astype("float32") / 30
    slow(big)  # warm up: buffers allocated
    span = {}

    def call():
        span["start"] = time.perf_counter()
        slow(big)
        span["end"] = time.perf_counter()

    ticks = []
    t = threading.Thread(target=call)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    inside = [s for s in ticks if span["start"] + 0.002 < s < span["end"] - 0.002]
    assert span["end"] - span["start"] > 0.01, "the call is too short to tell"
    assert len(inside) > 10, "Python code did not run while the compiled function ran"


def test_concurrent_calls_from_threads_are_safe():
    w = nabla.shared(np.zeros(4, dtype="float32"), "w")
    x = T.vector("x")
    add = nabla.function([x], T.sum(w), updates=[(w, w + x)])
    ones = np.ones(4, dtype="float32")

    def work():
        for _ in range(200):
            add(ones)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(w.get_value(), np.full(4, 800.0))


def test_config_threads_is_set_num_threads_and_keeps_conv_results():
    from nabla.tensor.nnet import conv2d
    from nabla.tensor.signal.pool import pool_2d
    before = nabla.config.threads
    assert before == nabla.num_threads()
    x = T.tensor4("x")
    f = nabla.shared(np.random.default_rng(1).standard_normal((20, 1, 5, 5)).astype("float32"), "f")
    out = T.sum(T.nnet.sigmoid(pool_2d(conv2d(x, f), (2, 2), ignore_border=True)) ** 2)
    g = nabla.function([x], [out, T.grad(out, f)])
    xv = np.random.default_rng(2).standard_normal((10, 1, 28, 28)).astype("float32")
    try:
        nabla.config.threads = 1
        one = [np.array(v) for v in g(xv)]
        nabla.config.threads = 2
        assert nabla.num_threads() == 2 and nabla.config.threads == 2
        two = [np.array(v) for v in g(xv)]
        again = [np.array(v) for v in g(xv)]
    finally:
        nabla.config.threads = before
    for a, b, c in zip(one, two, again):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(c, b)  # the same bits on every run at a fixed thread count
    with pytest.raises(ValueError):
        nabla.config.threads = 0


def test_rows_by_an_integer_vector_shuffle_a_minibatch_through_givens():
    data = np.arange(12, dtype="float32").reshape(6, 2)
    shared_x = nabla.shared(data, name="data")
    perm = nabla.shared(np.array([5, 2, 0, 4, 1, 3], dtype="int64"), name="perm")
    i = T.lscalar("i")
    x = T.matrix("x")
    f = nabla.function([i], x.sum(axis=1), givens={x: shared_x[perm[i * 2:(i + 1) * 2]]})
    np.testing.assert_allclose(f(1), data[[0, 4]].sum(axis=1))
    # The gradient scatters back into the rows, repeated rows accumulating.
    v = T.matrix("v")
    idx = T.lvector("idx")
    g = nabla.grad(T.sum(v[idx] * 3.0), v)
    out = nabla.function([v, idx], g)(np.zeros((3, 2), "float32"), np.array([2, 0, 2]))
    np.testing.assert_allclose(out, [[3, 3], [0, 0], [6, 6]])
    inc = nabla.function([v, idx], T.inc_subtensor(v[idx], 1.0))(np.zeros((3, 2), "float32"), np.array([1, 1]))
    np.testing.assert_allclose(inc, [[0, 0], [2, 2], [0, 0]])


def test_profile_counts_the_profiled_calls_per_op():
    x = T.matrix("x")
    f = nabla.function([x], T.tanh(T.dot(x, x.T)).sum(), profile=True)
    a = np.full((50, 40), 0.1, dtype=nabla.config.floatX)
    for _ in range(4):
        f(a)
    text = f.profile_text()
    assert "4 calls" in text and "matmul" in text
    assert "test_function.py" in text  # the line that built the slowest step
    f.enable_profile(False)
    f(a)
    assert "4 calls" in f.profile_text()

