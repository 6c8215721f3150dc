"""Control flow on traced values: `cond`, `switch`, `while_loop`, `fori_loop`, `scan`, `map`, and
`associative_scan` (see README.md)."""
from . import cond_rules, loops_rules, scan_rules  # noqa: F401  (fill the rule tables)
from . import while_grad  # noqa: F401  (the jvp rule of while_p: forward and reverse mode)
from .associative_scan import associative_scan as associative_scan
from .cond import cond as cond, switch as switch
from .loops import fori_loop as fori_loop, while_loop as while_loop
from .scan import map as map, scan as scan
