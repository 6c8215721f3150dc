"""Global switches of `fx.jit`.

- `log_compiles`: print a line to stderr each time a jitted function is traced and compiled,
  with the signature it is compiled for: `fx.jit: compiling f for (x: f32[3], n=2)`.
- `explain_cache_misses`: before compiling a function again, print what differs from the
  most similar signature compiled before: `fx.jit: compiling f again: argument `x` changed
  from f32[3] to f32[4]`.
- `jit_cache_size`: how many signatures each jitted function keeps compiled; beyond it the
  least recently used is dropped.

>>> import fluxion as fx
>>> fx.config.jit_cache_size
256
"""
log_compiles: bool = False
explain_cache_misses: bool = False
jit_cache_size: int = 256
