"""fluxion.numpy: fft."""
__all__: list[str] = []
