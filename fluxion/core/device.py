"""Devices. The NumPy backend provides `cpu:0`; the XLA backend adds its own."""
from __future__ import annotations


class Device:
    """A place where arrays live and kernels run."""

    __slots__ = ("platform", "id")

    def __init__(self, platform: str, id: int = 0):
        self.platform = platform
        self.id = id

    def __repr__(self):
        return f"{self.platform}:{self.id}"

    def __eq__(self, other):
        return isinstance(other, Device) and (self.platform, self.id) == (other.platform, other.id)

    def __hash__(self):
        return hash((self.platform, self.id))


CPU = Device("cpu", 0)
_devices = [CPU]


def devices(platform: str | None = None) -> list[Device]:
    """The devices fluxion can place arrays on, optionally only those of one platform."""
    return [d for d in _devices if platform is None or d.platform == platform]
