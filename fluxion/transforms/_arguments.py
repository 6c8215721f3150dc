"""A function's arguments as staging sees them: which are static, and their names for messages."""
from __future__ import annotations

import dataclasses
import inspect
from typing import Callable, Sequence

from ..core.errors import op_error

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


class Arguments:
    """The parameters of `f` (when Python can tell them) for naming arguments and static ones."""

    def __init__(self, f: Callable):
        try:
            params = list(inspect.signature(f).parameters.values())
        except (TypeError, ValueError):  # some builtins have no signature
            params = None
        self.known = params is not None
        params = params or []
        self.positional = [p.name for p in params if p.kind in _POSITIONAL]
        self.by_keyword = {p.name for p in params if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                                inspect.Parameter.KEYWORD_ONLY)}
        self.any_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        self.varargs = next((p.name for p in params if p.kind is inspect.Parameter.VAR_POSITIONAL), None)

    def resolve_static(self, static_argnums, static_argnames, kind: str = "static") -> tuple[frozenset, tuple[str, ...]]:
        """The static positions and keyword names (or those of `kind`, "donate"); a parameter
        named by one is static by the other too."""
        nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums or ())
        names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames or ())
        k = len(self.positional)
        self.check_positions(f"{kind}_argnums", nums)
        for n in names:
            if not isinstance(n, str):
                raise op_error(TypeError, "jit", f"{kind}_argnames must hold strings, got {n!r}",
                               f"pass parameter names, e.g. {kind}_argnames=('axis',)")
            if self.known and n not in self.by_keyword and n not in self.positional and not self.any_keyword:
                known = ", ".join(dict.fromkeys(self.positional + sorted(self.by_keyword)))
                raise op_error(ValueError, "jit", f"{kind}_argnames names `{n}`, which is not a parameter of "
                               "the function", f"use one of its parameters: {known}")
        names += tuple(self.positional[i] for i in nums if -k <= i < k and self.positional[i] in self.by_keyword)
        nums += tuple(self.positional.index(n) for n in names if n in self.positional)
        return frozenset(nums), tuple(dict.fromkeys(names))

    def check_positions(self, kind: str, nums: Sequence) -> None:
        """The error for an entry of `static_argnums` / `donate_argnums` (`kind`) that is not a position of `f`."""
        k = len(self.positional)
        for i in nums:
            if not isinstance(i, int) or isinstance(i, bool):
                raise op_error(TypeError, "jit", f"{kind} must hold ints, got {i!r}",
                               f"pass positions, e.g. {kind}=(1,)")
            if self.known and not self.varargs and not -k <= i < k:
                positions = ", ".join(f"{j} ({p})" for j, p in enumerate(self.positional))
                raise op_error(ValueError, "jit", f"{kind} names position {i}, but the function takes "
                               f"{k} positional argument{'s' if k != 1 else ''}",
                               f"pass one of its positions: {positions}" if k else f"drop {kind}")

    @staticmethod
    def positions(nums: frozenset, nargs: int) -> frozenset:
        """The static positions of a call with `nargs` positional arguments (negative ones count from the end)."""
        return frozenset(i + nargs if i < 0 else i for i in nums if -nargs <= i < nargs)

    def positional_name(self, i: int) -> str:
        if i < len(self.positional):
            return self.positional[i]
        return f"{self.varargs}[{i - len(self.positional)}]" if self.varargs else f"args[{i}]"

    def leaves(self, in_tree, nargs: int, static_nums: Sequence[int]) -> list[tuple[str, tuple[str, object]]]:
        """For each leaf of `(dynamic args, dynamic kwargs)`: its name (`x`, `params['w']`), and how to
        make it static."""
        args_def, kwargs_def = in_tree.subtrees
        out = []
        dynamic = [i for i in range(nargs) if i not in static_nums]
        for i, child in zip(dynamic, args_def.subtrees):
            out += [(p, ("static_argnums", i)) for p in _paths(child, self.positional_name(i))]
        for k, child in zip(kwargs_def.aux, kwargs_def.subtrees):
            out += [(p, ("static_argnames", k)) for p in _paths(child, k)]
        return out

    def name(self, ref: tuple[str, object]) -> str:
        """The argument a `leaves` reference points to."""
        kind, which = ref
        return self.positional_name(which) if kind == "static_argnums" else which

    @staticmethod
    def hint(refs: Sequence[tuple[str, object]]) -> str:
        """`static_argnums=(0,)` / `static_argnames=('k',)` for the arguments `refs` point to."""
        parts = []
        for kind in ("static_argnums", "static_argnames"):
            which = tuple(dict.fromkeys(w for k, w in refs if k == kind))
            if which:
                parts.append(f"{kind}={which!r}")
        return " and ".join(parts)


def not_array_fix(name: str, fix: str) -> str:
    """`fix` for a leaf `name` that is not an array, with the way to make a field of a dataclass static."""
    if "." not in name:
        return fix
    return f"{fix}; for a field of a dataclass, register the class with fx.tree_util.register_dataclass, with " \
           f"`{name.rpartition('.')[2]}` in its meta_fields (or the field marked metadata={{'static': True}})"


def _paths(td, prefix: str) -> list[str]:
    """The names of the leaves of a tree whose root is called `prefix`."""
    if td.is_leaf:
        return [prefix]
    node = td.node
    if node is dict:
        steps = [f"[{k!r}]" for k in td.aux]
    elif isinstance(node, type) and issubclass(node, tuple) and hasattr(node, "_fields"):
        steps = [f".{f}" for f in node._fields]
    elif isinstance(node, type) and dataclasses.is_dataclass(node):
        steps = [f".{f}" for f in td.aux]
    else:
        steps = [f"[{i}]" for i in range(len(td.subtrees))]
    return [p for step, child in zip(steps, td.subtrees) for p in _paths(child, prefix + step)]


def joined(dynamic: tuple, statics: tuple) -> tuple[tuple, dict]:
    """A call's arguments from its traced ones, `dynamic` = (positional, keywords), and its static
    ones as `Jitted._split` gives them, ((position, type, value), ...) and ((name, type, value), ...)."""
    (dyn_args, dyn_kwargs), (static_args, static_kwargs) = dynamic, statics
    full = list(dyn_args)
    for i, _, a in static_args:
        full.insert(i, a)
    return tuple(full), {**dyn_kwargs, **{k: v for k, _, v in static_kwargs}}
