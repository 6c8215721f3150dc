"""fluxion.scipy.cluster: SciPy's clustering namespace; `vq` assigns observations to codes."""
from . import vq as vq
