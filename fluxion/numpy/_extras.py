"""fluxion.numpy: _extras."""
__all__: list[str] = []
