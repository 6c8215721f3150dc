"""fluxion.scipy: SciPy-compatible functions."""
import importlib as _importlib

from . import cluster as cluster
from . import fft as fft
from . import integrate as integrate
from . import interpolate as interpolate
from . import linalg as linalg
from . import ndimage as ndimage
from . import optimize as optimize
from . import signal as signal
from . import sparse as sparse
from . import spatial as spatial
from . import special as special


def __getattr__(name: str):
    # stats builds on fluxion.nn and fluxion.random, which import fluxion.scipy.special: it is
    # imported when first used
    if name == "stats":
        return _importlib.import_module(f"{__name__}.stats")
    raise AttributeError(f"module 'fluxion.scipy' has no attribute {name!r}")
