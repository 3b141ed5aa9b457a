"""Theano's theano.tensor.nnet.conv: conv2d (valid mode, stride 1)."""

from ... import _nabla
from ..._convert import as_var

__all__ = ["conv2d"]


def _check_shape(var, shape, what):
    if shape is None:
        return
    shape = tuple(shape)
    if len(shape) != 4:
        raise ValueError(f"nabla: conv2d: {what} must have 4 entries, got {shape}")
    for i, (known, given) in enumerate(zip(var.static_shape, shape)):
        if known is not None and given is not None and known != given:
            raise ValueError(f"nabla: conv2d: {what}[{i}] is {given}, but the tensor's dim {i} is {known}")


def conv2d(input, filters, filter_shape=None, image_shape=None, border_mode="valid", subsample=(1, 1),
           filter_flip=True, input_shape=None):
    """Valid 2-D convolution, stride 1: input (N, C, H, W), filters (K, C, kh, kw)
    -> (N, K, H-kh+1, W-kw+1). As Theano, the filters are flipped (a true
    convolution) unless filter_flip=False (cross-correlation). filter_shape and
    image_shape (or input_shape) are optional and checked against the tensors'
    static shapes where both are known."""
    if border_mode != "valid":
        raise ValueError(f"nabla: conv2d supports border_mode='valid' only, got {border_mode!r}")
    if tuple(subsample) != (1, 1):
        raise ValueError(f"nabla: conv2d supports subsample=(1, 1) only, got {subsample!r}")
    x, f = as_var(input), as_var(filters)
    _check_shape(x, image_shape if image_shape is not None else input_shape, "image_shape")
    _check_shape(f, filter_shape, "filter_shape")
    return _nabla.conv2d(x, f, bool(filter_flip))
