"""Global switches of `fx.jit` and of checks, set as attributes or with `fx.config.update(name, value)`.

- `log_compiles`: print a line to stderr each time a jitted function is traced and compiled,
  with the signature it is compiled for: `fx.jit: compiling f for (x: f32[3], n=2)`.
- `explain_cache_misses`: before compiling a function again, print what differs from the
  most similar signature compiled before: `fx.jit: compiling f again: argument `x` changed
  from f32[3] to f32[4]`.
- `jit_cache_size`: how many signatures each jitted function keeps compiled; beyond it the
  least recently used is dropped.
- `convert_control_flow`: under `jit` and `vmap`, Python `if` / `while` / `for` on traced
  values become fx.cond / fx.while_loop / fx.scan (fluxion/control/convert). Set it to False
  to trace functions as they are written (control flow on traced values then raises).
- `debug_nans` / `debug_infs`: raise a FloatingPointError at each operation that makes a NaN
  (an infinity) from operands without any, naming it and the line, also in gradients; a jitted
  function checks what its compiled program returns and, where that holds one, runs again
  operation by operation to find it (core/checking.py). Operations run slower meanwhile.
  `with fx.debug_nans():` turns it on for a block, in its own thread only; the switch here
  applies to every thread, and reading it tells what applies in the thread that reads it.
- `disable_jit`: functions made by `jit` run as plain Python, operation by operation, in every
  thread (`with fx.disable_jit():` does it for a block).

Setting an attribute (`fx.config.debug_nans = True`) is the same as `update`.

>>> import fluxion as fx
>>> fx.config.jit_cache_size
256
"""
import sys
import types
import warnings

from .core.checking import CHECKER, set_checks, switches

log_compiles: bool = False
explain_cache_misses: bool = False
jit_cache_size: int = 256
convert_control_flow: bool = True

_SWITCHES = {"log_compiles": bool, "explain_cache_misses": bool, "jit_cache_size": int, "convert_control_flow": bool,
             "debug_nans": bool, "debug_infs": bool, "disable_jit": bool}


def update(name: str, value) -> None:
    """Set a switch by name, as `jax.config.update` does: a name above, or with jax's prefix
    (`"jax_log_compiles"`). Two of jax's are accepted and change nothing:
    `("jax_enable_x64", True)`: fluxion's 64-bit types are always there when asked for (Python
    floats still give float32, as everywhere in fluxion: a warning says so);
    `("jax_default_matmul_precision", name)`: fluxion multiplies at full precision always, as
    it does whatever `precision=` a product is given.

    >>> import fluxion as fx
    >>> fx.config.update("jax_log_compiles", False)
    """
    from .core.errors import InvalidArgumentError
    key = name[4:] if name.startswith("jax_") else name
    if key == "enable_x64":
        if value:
            warnings.warn("jax_enable_x64 changes nothing: fluxion always has 64-bit types, and Python floats "
                          "give float32; ask for float64 where you want it (fnp.asarray(x, dtype=fnp.float64), "
                          "dtype= of the function making the array)", stacklevel=2)
            return
        raise InvalidArgumentError("config.update: 64-bit types cannot be turned off in fluxion; fix: leave out "
                                   "jax_enable_x64=False (Python floats already give float32, ints int64)")
    if key == "default_matmul_precision":
        if value is not None and not isinstance(value, str):
            raise InvalidArgumentError(f"config.update: default_matmul_precision must be a name such as 'highest' "
                                       f"or None, got {value!r}")
        return
    kind = _SWITCHES.get(key)
    if kind is None:
        raise InvalidArgumentError(f"config.update: no switch {name!r}; fix: use one of {sorted(_SWITCHES)}")
    if kind is int and (value.__class__ is bool or not isinstance(value, int) or value < 1):
        raise InvalidArgumentError(f"config.update: {key} must be a positive int, got {value!r}")
    value = kind(value)
    if key.startswith("debug_"):  # (kept by core/checking.py, and by XLA's dispatcher as part of its signatures)
        from .backends.xla.dispatch import checks_switched
        set_checks(**{key[6:]: value})
        checks_switched.set_global(switches())
    elif key == "disable_jit":  # (the switch that XLA's dispatcher reads)
        from .backends.xla.dispatch import disable_globally
        disable_globally(value)
    else:
        globals()[key] = value


def _jit_disabled(self) -> bool:
    from .backends.xla.dispatch import globally_disabled
    return globally_disabled()


class _Switches(types.ModuleType):
    debug_nans = property(lambda self: CHECKER.nans)
    debug_infs = property(lambda self: CHECKER.infs)
    disable_jit = property(_jit_disabled)

    def __getattr__(self, name: str):
        """A switch read by jax's name (`fx.config.jax_log_compiles`); `jax_enable_x64` is True."""
        if name == "jax_enable_x64":
            return True
        if name.startswith("jax_") and name[4:] in _SWITCHES:
            return getattr(self, name[4:])
        raise AttributeError(f"module 'fluxion.config' has no switch {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if name in _SWITCHES:
            update(name, value)
        else:
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Switches
