"""Python `if` / `while` / `for` on traced values converted into fx.cond / fx.while_loop / fx.scan.

See README.md.
"""
from .api import convert as convert
from .errors import ConversionError as ConversionError
