"""fluxion.scipy.spatial: `transform` (Rotation, Slerp)."""
from . import transform as transform
