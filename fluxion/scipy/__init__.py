"""fluxion.scipy: SciPy-compatible functions."""
from . import fft as fft
from . import cluster as cluster
from . import integrate as integrate
from . import interpolate as interpolate
from . import linalg as linalg
from . import signal as signal
from . import ndimage as ndimage
from . import sparse as sparse
from . import special as special
