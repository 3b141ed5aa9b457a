"""Compiled functions from several Python threads: one function shared by many
threads gives every result right, different functions run at the same time,
and two functions updating one shared variable never leave a torn value."""

import threading
import time

import numpy as np

import nabla
import nabla.tensor as T


def run_threads(n, work):
    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_one_function_from_8_threads_x_500_calls_every_result_right():
    x = T.vector("x")
    w = nabla.shared(np.full(64, 0.5, dtype="float32"), "w")
    f = nabla.function([x], [T.sum(T.tanh(x * w) + x), x * 2])
    wrong = []
    threads, calls = 8, 500

    def work(k):
        for i in range(calls):
            v = np.float32(((k * calls + i) % 97) / 97.0)
            arg = np.full(64, v, dtype="float32")
            total, doubled = f(arg)
            want = 64.0 * (np.tanh(float(v) * 0.5) + float(v))
            if abs(float(total) - want) > 1e-3 or not np.array_equal(doubled, arg * 2):
                wrong.append((k, i))

    run_threads(threads, work)
    assert wrong == [], f"{len(wrong)} wrong results in {threads * calls} calls"


def slow_function(name):
    """A function taking tens of milliseconds, over shared data of its own."""
    a = nabla.shared(np.random.default_rng(1).standard_normal((400, 400)).astype("float32") / 20, name)
    return nabla.function([], T.sum(T.dot(T.dot(T.dot(a, a), a), a)))


def test_two_different_functions_overlap_in_time():
    fns = [slow_function("a"), slow_function("b")]
    for f in fns:
        f()  # warm up: buffers allocated
    spans = [[], []]

    def work(k):
        for _ in range(6):
            start = time.perf_counter()
            fns[k]()
            spans[k].append((start, time.perf_counter()))

    run_threads(2, work)
    overlaps = sum(1 for s0, e0 in spans[0] for s1, e1 in spans[1] if s0 < e1 and s1 < e0)
    assert overlaps > 0, f"no call of one function ran while the other's did: {spans}"


def test_two_functions_updating_one_shared_variable_never_tear_it():
    n = 1 << 18  # large, so a torn update would be seen
    s = nabla.shared(np.zeros(n, dtype="float32"), "s")
    inc = nabla.function([], [], updates=[(s, s + 1)])
    twice = nabla.function([], T.max(s) - T.min(s), updates=[(s, s * 2)])
    torn = []
    calls = 60

    def work(k):
        for _ in range(calls):
            if k == 0:
                inc()
            else:
                spread = float(twice())  # read under the same lock as the update
                if spread != 0:
                    torn.append(spread)
                v = s.get_value()
                if v.min() != v.max():
                    torn.append((float(v.min()), float(v.max())))

    run_threads(2, work)
    v = s.get_value()
    assert torn == []
    assert v.min() == v.max() and v[0] >= calls  # every increment applied whole


def test_set_value_against_an_updating_function_is_never_torn():
    n = 1 << 18
    s = nabla.shared(np.zeros(n, dtype="float32"), "s")
    inc = nabla.function([], T.max(s) - T.min(s), updates=[(s, s + 1)])
    spreads = []

    def work(k):
        for i in range(40):
            if k == 0:
                spreads.append(float(inc()))
            else:
                s.set_value(np.full(n, float(i), dtype="float32"))

    run_threads(2, work)
    v = s.get_value()
    assert spreads == [0.0] * 40
    assert v.min() == v.max()
