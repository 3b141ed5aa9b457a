"""Data-parallel training over MPI (OpenMPI): ranks, collectives, a common start.

Run a script on N processes with ``mpirun -np N python3 script.py``. nabla joins
MPI itself when it is imported under mpirun (MPI_Init_thread, serialized
threads; finalized at exit), so mpi4py is not needed; if mpi4py was imported
first, nabla uses its MPI_COMM_WORLD and leaves finalizing to mpi4py. Without
mpirun (or in a build without MPI) there is one process and every collective is
the identity, so the same script runs either way.

``Network.SGD``, ``Network3.SGD`` and the trainer shard every mini-batch over the
ranks by themselves. A custom loop with ``nabla.function`` averages its
gradients with ``allreduce(g, "mean")`` (bucketed into one MPI call per step),
starts from rank 0's parameters with ``broadcast_value``, and feeds each rank its
``shard(m)`` rows. Only rank 0's stdout is shown (others go to /dev/null;
NABLA_MPI_STDOUT=all keeps them). An exception that reaches the top of a script
on any rank ends the whole job (MPI_Abort) instead of leaving the others waiting.
"""

import contextlib as _contextlib
import sys as _sys

from ._nabla import distributed as _d

__all__ = ["rank", "size", "is_active", "describe", "allreduce", "broadcast", "reduce_to_root", "broadcast_value",
           "allreduce_value", "shard", "local", "stats", "reset_stats", "abort_job"]

rank = _d.rank
size = _d.size
describe = _d.describe
stats = _d.stats
reset_stats = _d.reset_stats
abort_job = _d.abort_job
allreduce_value = _d.allreduce_value


def is_active():
    """True under mpirun with more than one process."""
    return _d.size() > 1


def allreduce(x, op="sum"):
    """The sum or mean of x over the ranks (a graph op; its gradient is the same allreduce of the gradient)."""
    return _d.allreduce(x, op)


def broadcast(x, root=0):
    """root's x on every rank (a graph op; its gradient is reduce_to_root)."""
    return _d.broadcast(x, root)


def reduce_to_root(x, root=0):
    """The sum of x over ranks on root, zeros elsewhere (a graph op; its gradient is broadcast)."""
    return _d.reduce_to_root(x, root)


def broadcast_value(*shared_vars, root=0):
    """Sets each shared variable to root's value (so every rank starts from the same parameters)."""
    for v in shared_vars:
        _d.broadcast_value(v, root)


def shard(m):
    """(offset, rows) of this rank's share of a mini-batch of m examples; ValueError when m does not divide."""
    n = _d.size()
    if m % n:
        raise ValueError(f"nabla: data-parallel training: the mini-batch of {m} examples does not divide over "
                         f"{n} MPI ranks; choose a multiple of {n}")
    return _d.rank() * (m // n), m // n


@_contextlib.contextmanager
def local():
    """Inside, this thread sees one process (rank 0 of 1): collectives are identities, trainers train alone."""
    scope = _d._enter_local()
    try:
        yield
    finally:
        del scope


def _abort_on_uncaught(previous):
    def hook(kind, value, tb):
        previous(kind, value, tb)
        _sys.stderr.flush()
        _d.abort_job(f"{kind.__name__}: {value}")
    return hook


if _d.size() > 1:  # joins MPI now when under mpirun, so rank > 0 is quiet from the start
    _sys.excepthook = _abort_on_uncaught(_sys.excepthook)
