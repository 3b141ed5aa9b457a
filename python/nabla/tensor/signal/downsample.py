"""Theano's older theano.tensor.signal.downsample, used by the book's network3.py."""

from .pool import pool_2d

__all__ = ["max_pool_2d"]


def max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0), mode="max"):
    """Max pooling over non-overlapping ds = (wh, ww) windows (see pool.pool_2d)."""
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st, pad=padding, mode=mode)
