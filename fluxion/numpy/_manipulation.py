"""fluxion.numpy: _manipulation."""
__all__: list[str] = []
