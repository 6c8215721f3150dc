"""fluxion.numpy: _sorting."""
__all__: list[str] = []
