"""Python `if` / `while` / `for` / `match` on traced values converted into fx.cond / fx.while_loop / fx.scan.

`match` converts when its cases are literals, values, `|` of them, captures and `_`.
An `assert` whose test is traced, and a comprehension whose `if` filter is traced, raise
ConversionError naming the line and the fix: under `jit` such a value is not known while the
program is staged (and under `vmap` it differs per example), so an assert could not stop the
call and a filter could not decide the result's length; dropping the check silently would hide
the bugs it guards against. Asserts on concrete values (shapes, static arguments) check as usual.
See README.md.
"""
from .api import convert as convert
from .errors import ConversionError as ConversionError
