"""Global switches: `fx.config.log_compiles`, `fx.config.explain_cache_misses`, `fx.config.jit_cache_size`.

>>> import fluxion as fx
>>> fx.config.log_compiles = False
"""
log_compiles: bool = False  # print a line each time fx.jit traces and compiles
explain_cache_misses: bool = False  # say which argument changed when fx.jit compiles again
jit_cache_size: int = 256  # compiled signatures kept per jitted function
