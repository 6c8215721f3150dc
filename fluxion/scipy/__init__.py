"""fluxion.scipy: SciPy-compatible functions."""
from . import special as special
