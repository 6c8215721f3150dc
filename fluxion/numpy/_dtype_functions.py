"""fluxion.numpy: _dtype_functions."""
__all__: list[str] = []
