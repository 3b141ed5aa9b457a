"""Run one program as a child process and measure it from outside: exit status, wall time and
peak resident memory (ru_maxrss from wait4, which no program can misreport about itself)."""
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass
class ChildResult:
    returncode: int  # negative: killed by that signal
    timed_out: bool
    wall_seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_measured(cmd, env, timeout_seconds, cwd=None):
    """Runs cmd to completion (or kills it after timeout_seconds). Output goes to temporary
    files rather than pipes: the parent waits with wait4, not by reading, so a pipe could fill
    and block the child."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid == child.pid:
                break
            if time.perf_counter() - start > timeout_seconds and not timed_out:
                timed_out = True
                os.kill(child.pid, signal.SIGKILL)
            time.sleep(0.02)  # polling keeps the timeout simple; 50 checks a second cost nothing
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # tell Popen the child is reaped
        out.seek(0)
        err.seek(0)
        return ChildResult(child.returncode, timed_out, wall, usage.ru_maxrss / 1024.0, out.read(), err.read())
