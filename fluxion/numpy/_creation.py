"""fluxion.numpy: _creation."""
__all__: list[str] = []
