"""Ways to make a class a pytree node beyond `register`, under jax.tree_util's names (re-exported
by fluxion.tree_util): through the class's own methods, its dataclass fields, or as structure
with no children; and `Partial`, a partial function whose arguments are children."""
from __future__ import annotations

import dataclasses
import functools
from typing import Sequence

from .errors import InvalidArgumentError
from .tree import register as register_pytree_node
from .tree_paths import GetAttrKey, register_pytree_with_keys


def register_pytree_node_class(cls: type) -> type:
    """Make `cls` a pytree node through its method `tree_flatten() -> (children, aux)` and its
    classmethod `tree_unflatten(aux, children)`; a class decorator.

    >>> import fluxion.tree_util as tu
    >>> @tu.register_pytree_node_class
    ... class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    ...     def tree_flatten(self): return (self.a, self.b), None
    ...     @classmethod
    ...     def tree_unflatten(cls, aux, children): return cls(*children)
    >>> tu.tree_leaves(Pair(1, [2, 3]))
    [1, 2, 3]
    """
    return register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)


def register_dataclass(nodetype: type, data_fields: Sequence[str] | None = None,
                       meta_fields: Sequence[str] | None = None, drop_fields: Sequence[str] = ()) -> type:
    """Make `nodetype` a pytree node whose children are its `data_fields` and whose `meta_fields`
    are static (part of its structure, so hashable); it is rebuilt by calling `nodetype` with
    them as keywords. For a dataclass, both may be left out: fields marked
    `field(metadata={"static": True})` are meta, the other fields of `__init__` data; else every
    field of `__init__` must be data, meta, or in `drop_fields`. (An unregistered dataclass is a
    node of all its fields in fluxion.)

    >>> import dataclasses, fluxion.tree_util as tu
    >>> @dataclasses.dataclass
    ... class Layer:
    ...     w: float
    ...     name: str = dataclasses.field(default="dense", metadata={"static": True})
    >>> tu.tree_leaves(tu.register_dataclass(Layer)(1.0))
    [1.0]
    """
    if (data_fields is None) != (meta_fields is None):
        raise InvalidArgumentError("register_dataclass: pass both data_fields and meta_fields, or neither "
                                   "(then they come from the dataclass's fields)")
    init = [f for f in dataclasses.fields(nodetype) if f.init] if dataclasses.is_dataclass(nodetype) else None
    if data_fields is None:
        if init is None:
            raise InvalidArgumentError(f"register_dataclass: {nodetype.__name__} is not a dataclass; fix: decorate it "
                                       "with @dataclasses.dataclass, or pass data_fields and meta_fields")
        data_fields = [f.name for f in init if not f.metadata.get("static", False)]
        meta_fields = [f.name for f in init if f.metadata.get("static", False)]
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    if init is not None:
        names = {f.name for f in init}
        missing = sorted(names - {*data_fields, *meta_fields, *drop_fields})
        extra = sorted({*data_fields, *meta_fields} - names)
        if missing or extra:
            raise InvalidArgumentError(
                f"register_dataclass: data_fields and meta_fields must name the fields of {nodetype.__name__}.__init__ "
                f"and only them (missing {missing}, not in __init__ {extra}); fix: add the missing ones to "
                "data_fields, meta_fields or drop_fields, and leave out the others")

    keys = [GetAttrKey(n) for n in data_fields]  # (key paths show the fields: `.w`)

    def flatten(x):
        return [(k, getattr(x, n)) for k, n in zip(keys, data_fields)], tuple(getattr(x, n) for n in meta_fields)

    def unflatten(meta, children):
        return nodetype(**dict(zip(data_fields, children)), **dict(zip(meta_fields, meta)))

    return register_pytree_with_keys(nodetype, flatten, unflatten)


def register_static(cls: type) -> type:
    """Make `cls` a pytree node with no children: its instances are part of a tree's structure
    (so must be hashable), never leaves that transformations trace."""
    return register_pytree_node(cls, lambda x: ((), x), lambda x, _: x)


class Partial(functools.partial):
    """`functools.partial` as a pytree: its arguments are children, its function is structure, so
    a Partial passes through `jit` and `vmap` as an argument.

    >>> import fluxion as fx, fluxion.numpy as fnp, fluxion.tree_util as tu
    >>> add = tu.Partial(fnp.add, fnp.asarray(1.0))
    >>> float(fx.jit(lambda f, x: f(x))(add, 2.0))
    3.0

    A `functools.partial` (or Partial) given as the function stays whole, as structure: its
    arguments are not children (functools.partial would merge them into this one's).
    """

    def __new__(cls, func, *args, **kwargs):
        return super().__new__(cls, _Whole(func) if isinstance(func, functools.partial) else func, *args, **kwargs)


class _Whole:
    """A partial kept whole as a Partial's function, equal and hashed as it."""

    __slots__ = ("partial",)

    def __init__(self, partial: functools.partial):
        self.partial = partial

    def __call__(self, *args, **kwargs):
        return self.partial(*args, **kwargs)

    def __eq__(self, other):
        return type(other) is _Whole and self.partial == other.partial

    def __hash__(self):
        return hash(self.partial)


register_pytree_node(Partial, lambda p: ((p.args, p.keywords), p.func),
                     lambda func, children: Partial(func, *children[0], **children[1]))
