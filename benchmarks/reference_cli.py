"""What the reference programs (numpy_matrix.py, torch_eager.py) share: arguments, one-thread
setup, peak memory and the results file. Imports nothing heavy, so a program can call
pin_one_thread() before numpy or torch load their BLAS."""
import argparse
import json
import os
import resource
import statistics
import tempfile


def write_json_atomically(path, value):
    """json.dump to a temporary file beside path, fsync, rename: a crash mid-write keeps the old file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(value, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pin_one_thread():
    """BLAS libraries read these once, when they load: call this before importing numpy/torch."""
    pin_threads(1)


def pin_threads(n):
    """As pin_one_thread, for n threads (torch_conv.py's --threads)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n)


def threads_from_argv(argv, default=1):
    """--threads N from the command line before argparse runs (the BLAS must be pinned before
    torch loads)."""
    for k, a in enumerate(argv):
        if a == "--threads" and k + 1 < len(argv):
            return int(argv[k + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return default


def parse_args(description):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", default="784,30,10", help="layer sizes, e.g. 784,30,10")
    p.add_argument("--cost", choices=("quadratic", "cross-entropy"), default="quadratic")
    p.add_argument("--eta", type=float, default=3.0, help="learning rate")
    p.add_argument("--lmbda", type=float, default=0.0, help="L2 regularization (network2's lambda)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--mini-batch", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--data", default=os.path.join(here, "..", "data", "mnist"), help="directory of the MNIST IDX files")
    p.add_argument("--json", help="results file")
    args = p.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if len(args.sizes) < 2 or args.sizes[0] != 784 or args.sizes[-1] != 10:
        p.error("--sizes must start with 784 and end with 10")
    return args


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def report(program, args, epoch_seconds, test_accuracy, validation_accuracy):
    """Writes the JSON that bench.py reads (accuracies as fractions, one per epoch) and prints
    a one-line summary."""
    result = {
        "program": program,
        "settings": {"sizes": args.sizes, "cost": args.cost, "eta": args.eta, "lmbda": args.lmbda,
                     "epochs": args.epochs, "mini_batch": args.mini_batch, "seed": args.seed,
                     "dtype": args.dtype},
        "epoch_seconds": epoch_seconds,
        "test_accuracy": test_accuracy,
        "validation_accuracy": validation_accuracy,
        "peak_rss_mb": peak_rss_mb(),
    }
    if args.json:
        write_json_atomically(args.json, result)
    print(f"{program}: {len(epoch_seconds)} epochs, median {statistics.median(epoch_seconds):.3f} s/epoch, "
          f"test accuracy {100 * test_accuracy[-1]:.2f}%, validation {100 * validation_accuracy[-1]:.2f}%, "
          f"peak RSS {result['peak_rss_mb']:.0f} MB")
