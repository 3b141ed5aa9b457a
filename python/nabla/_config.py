"""nabla.config: Theano-style settings (floatX, and a few accepted for compatibility)."""

_FLOAT_TYPES = ("float32", "float64")
_MODES = ("FAST_RUN", "FAST_COMPILE", "DebugMode", "NanGuardMode")
# Settings Theano programs read, with Theano's defaults. Those nabla does not act
# on are informational: nabla's compiler always runs its own pipeline for the mode.
_DEFAULTS = {
    "floatX": "float32",
    "mode": "FAST_RUN",
    "device": "cpu",
    "optimizer": "fast_run",
    "linker": "cvm",
    "on_unused_input": "raise",
    "exception_verbosity": "low",
    "compute_test_value": "off",
    "allow_gc": True,
    "warn_float64": "ignore",
    "cast_policy": "custom",
    "deterministic": "default",
    "profile": False,
    "print_active_device": False,
    "openmp": False,
}
_CHOICES = {
    "on_unused_input": ("raise", "warn", "ignore"),
    "optimizer": ("fast_run", "merge", "fast_compile", "None", "o4", "o3", "o2", "o1"),
}


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
    on_unused_input: function()'s default for inputs no output uses ("raise",
        as Theano, "warn" or "ignore").
    optimizer, linker, device, exception_verbosity, compute_test_value,
        allow_gc, warn_float64, cast_policy, deterministic, profile: read by
        Theano programs, here with Theano's defaults; nabla does not act on
        them (its compiler runs its own pipeline per mode). Other attributes
        are accepted and ignored, as scripts written for Theano set them.
    """

    def __init__(self):
        for name, value in _DEFAULTS.items():
            object.__setattr__(self, name, value)

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
        if name in _CHOICES and value not in _CHOICES[name]:
            raise ValueError(f"config.{name} must be one of {_CHOICES[name]}, got {value!r}")
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"nabla.config(floatX={self.floatX!r}, mode={self.mode!r}, threads={self.threads})"


config = Config()
