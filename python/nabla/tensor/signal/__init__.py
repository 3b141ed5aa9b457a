"""Theano's theano.tensor.signal: pool (pool_2d) and the older downsample (max_pool_2d)."""

from . import downsample, pool  # noqa: F401

__all__ = ["pool", "downsample"]
