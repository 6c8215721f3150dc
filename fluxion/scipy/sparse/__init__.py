"""fluxion.scipy.sparse: SciPy's sparse namespace; `linalg` holds the iterative solvers."""
from . import linalg as linalg
