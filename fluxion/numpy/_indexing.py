"""fluxion.numpy: _indexing."""
__all__: list[str] = []
