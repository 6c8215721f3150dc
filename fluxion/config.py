"""Global switches of `fx.jit`.

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

>>> import fluxion as fx
>>> fx.config.jit_cache_size
256
"""
log_compiles: bool = False
explain_cache_misses: bool = False
jit_cache_size: int = 256
convert_control_flow: bool = True
