"""fluxion.numpy: convolve and correlate."""
__all__: list[str] = []
