"""fluxion.numpy: _linear."""
__all__: list[str] = []
