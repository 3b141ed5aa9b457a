"""Run under mpirun by tests/mpi_rank_failure.sh: rank 1 fails mid-training
(`raise`: an uncaught exception; `kill`: SIGKILL) while rank 0 trains on; the
job must end within seconds instead of rank 0 waiting in an allreduce."""

import os
import signal
import sys

import numpy as np

import nabla
import nabla.tensor as T
from nabla import distributed as dist

mode = sys.argv[1]
x = T.dvector("x")
w = nabla.shared(np.zeros(3), name="w")
g = dist.allreduce(T.grad(((w - x) ** 2).sum(), w), "mean")
step = nabla.function([x], [], updates=[(w, w - 0.1 * g)])
for k in range(1000000):
    if dist.rank() == 1 and k == 50:
        if mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("rank 1 fails on purpose at step 50")
    step(np.ones(3))
