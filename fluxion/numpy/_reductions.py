"""fluxion.numpy: _reductions."""
__all__: list[str] = []
