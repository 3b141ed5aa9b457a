"""Writing a file without losing the previous one: the bytes go to a temporary
file beside the target, are flushed to disk (fsync), then renamed over it; on
any failure the temporary is removed and the old file is left as it was
(the Python side of nabla's core/atomic_file)."""

import os
import tempfile


def replace_atomically(path, write):
    """Calls write(temporary_path), then puts the finished file at path."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tmp-", dir=folder)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text_atomically(path, text):
    def write(tmp):
        with open(tmp, "w") as f:
            f.write(text)
    replace_atomically(path, write)
