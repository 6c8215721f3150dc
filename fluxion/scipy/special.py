"""fluxion.scipy.special."""
