"""fluxion.scipy: SciPy-compatible functions."""
from . import linalg as linalg
from . import special as special
