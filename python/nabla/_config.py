"""nabla.config: Theano-style settings (floatX, and a few accepted for compatibility)."""

_FLOAT_TYPES = ("float32", "float64")
_MODES = ("FAST_RUN", "FAST_COMPILE", "DebugMode", "NanGuardMode")


class Config:
    """Settings read when graphs are built and functions compiled.

    floatX: dtype of new float inputs, shared Python floats and random draws
        ("float32", the default, or "float64"). The C++ core's own default
        (integer true division, literals next to integers) stays float32.
    mode: default compile mode of nabla.function ("FAST_RUN", "FAST_COMPILE",
        "DebugMode", "NanGuardMode").
    threads: threads nabla's kernels split large ops over (conv, pooling, big
        elementwise loops and GEMMs); the same setting as nabla.set_num_threads
        and the NABLA_NUM_THREADS environment variable. Results are the same on
        every run for a fixed thread count.
    Other attributes (device, ...) are accepted and ignored, as scripts written
    for Theano set them.
    """

    def __init__(self):
        object.__setattr__(self, "floatX", "float32")
        object.__setattr__(self, "mode", "FAST_RUN")
        object.__setattr__(self, "device", "cpu")

    @property
    def threads(self):
        from . import _nabla
        return _nabla.num_threads()

    def __setattr__(self, name, value):
        if name == "threads":
            from . import _nabla
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"config.threads must be a positive int, got {value!r}")
            _nabla.set_num_threads(value)
            return
        if name == "floatX" and value not in _FLOAT_TYPES:
            raise ValueError(f"config.floatX must be one of {_FLOAT_TYPES}, got {value!r}")
        if name == "mode" and value not in _MODES:
            raise ValueError(f"config.mode must be one of {_MODES}, got {value!r}")
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"nabla.config(floatX={self.floatX!r}, mode={self.mode!r}, threads={self.threads})"


config = Config()
