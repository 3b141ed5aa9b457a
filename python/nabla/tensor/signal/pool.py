"""Theano's theano.tensor.signal.pool: pool_2d (max and average pooling)."""

from ... import _nabla
from ..._convert import as_var

__all__ = ["pool_2d"]


def pool_2d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0), mode="max", ds=None, st=None):
    """Pooling of the last two axes over non-overlapping ws = (wh, ww) windows:
    mode "max", or "average_exc_pad" / "average_inc_pad" (the window mean; the two
    agree without padding). ignore_border=True drops partial windows at the bottom
    and right edges; False keeps them (Theano's default, used when None; average
    pooling then needs no partial window). ds and st are the older names of ws
    and stride."""
    ws = ws if ws is not None else ds
    stride = stride if stride is not None else st
    if ws is None:
        raise TypeError("nabla: pool_2d needs ws, the window shape (wh, ww)")
    ws = [int(w) for w in ws]
    if len(ws) != 2:
        raise ValueError(f"nabla: pool_2d: ws must have 2 entries, got {ws}")
    if stride is not None and [int(s) for s in stride] != ws:
        raise ValueError(f"nabla: pool_2d supports stride == ws only (non-overlapping windows), got {stride}")
    if tuple(pad) != (0, 0):
        raise ValueError(f"nabla: pool_2d supports pad=(0, 0) only, got {pad}")
    if mode in ("average_exc_pad", "average_inc_pad"):
        return _nabla.avg_pool_2d(as_var(input), ws, bool(ignore_border))
    if mode != "max":
        raise ValueError(
            f"nabla: pool_2d: unknown mode {mode!r}; use 'max', 'average_exc_pad' or 'average_inc_pad'")
    return _nabla.pool_2d(as_var(input), ws, bool(ignore_border))
