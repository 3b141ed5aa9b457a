#!/bin/bash
# A rank that fails (uncaught exception, or killed) ends the whole mpirun job
# with a clear error within seconds (the job would otherwise wait forever in
# rank 0's allreduce). Usage: mpi_rank_failure.sh MPIEXEC PYTHON PYTHONPATH raise|kill
set -u
mpiexec=$1 python=$2 mode=$4
export PYTHONPATH=$3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
log=$(mktemp)
start=$(date +%s)
timeout 60 "$mpiexec" --oversubscribe -x PYTHONPATH -np 2 "$python" "$(dirname "$0")/python/mpi_rank_fails.py" "$mode" >"$log" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
cat "$log"
if [ $rc -eq 124 ]; then echo "FAIL: the job hung (killed by timeout after 60 s)"; exit 1; fi
if [ $rc -eq 0 ]; then echo "FAIL: the job succeeded although rank 1 failed"; exit 1; fi
if [ $took -gt 20 ]; then echo "FAIL: the job took $took s to end"; exit 1; fi
if [ "$mode" = raise ]; then
  grep -q "rank 1 fails on purpose at step 50" "$log" || { echo "FAIL: the error is not named"; exit 1; }
  grep -q "rank 1 of 2 failed, ending the MPI job" "$log" || { echo "FAIL: no job-ending message"; exit 1; }
else
  grep -qi "signal 9\|killed" "$log" || { echo "FAIL: mpirun did not report the killed rank"; exit 1; }
fi
echo "OK: exit $rc after $took s"
