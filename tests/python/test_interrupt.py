"""Ctrl-C during a long compiled call or a C++ training loop driven from
Python: the run stops within about a second with KeyboardInterrupt, and the
parameters are whole (each call's updates applied entirely or not at all)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

CHILD = os.path.join(os.path.dirname(__file__), "_interrupted_child.py")


def interrupt_child(what, after=0.7):
    child = subprocess.Popen([sys.executable, CHILD, what], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=dict(os.environ))
    try:
        line = child.stdout.readline()
        assert line.strip() == "READY", line + child.stderr.read()
        time.sleep(after)  # well inside the run
        sent = time.time()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    return report, report["stopped_at"] - sent


def test_ctrl_c_stops_a_long_call_between_steps_with_no_update_torn():
    report, delay = interrupt_child("long_call")
    assert report["interrupted"]
    assert delay < 1.0, f"stopped {delay:.2f} s after Ctrl-C"
    # Every call updated w (65536 values) and c together, or neither.
    assert report["w_min"] == report["w_max"] == report["c"]


@pytest.mark.parametrize("loop", ["network_sgd", "network3_sgd", "trainer_fit"])
def test_ctrl_c_stops_a_training_loop_within_a_second(loop):
    report, delay = interrupt_child(loop)
    assert report["interrupted"]
    assert delay < 1.0, f"{loop} stopped {delay:.2f} s after Ctrl-C"
    assert report["finite"]
