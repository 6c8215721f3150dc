"""Looking at values inside transformed code: `fx.debug.print` and `fx.debug.callback` run with
the concrete values, also from inside `jit` and `vmap`."""
from ._callbacks import debug_callback as callback, debug_print as print  # noqa: A004

__all__ = ["callback", "print"]
