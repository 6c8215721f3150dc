"""einsum on primitives: subscripts become per-axis labels; repeated labels take diagonals,
labels no one else needs are summed, then operands are contracted two at a time with
`dot_general`, always the pair whose result is smallest (greedy)."""
from __future__ import annotations

import functools
import math
import string

from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..ops import reduce as R
from ..ops import shape as S
from ..ops.linalg import dot_general_p
from ._contract import diagonal, operands, preferred
from ._convert import convert
from ._elementwise_base import no_out

_LETTERS = string.ascii_letters


def _error(problem: str, fix: str = "see the subscripts grammar: 'ij,jk->ik', '...ij->...ji'") -> ShapeError:
    return op_error(ShapeError, "einsum", problem, fix)


def _expand(term: str, ndim: int, i: int) -> list[str]:
    """The labels of an operand's axes; '...' stands for the axes the letters do not name,
    labelled by their position from the end so that ellipses broadcast right-aligned."""
    head, dots, tail = term.partition("...")
    if any(c not in _LETTERS for c in head + tail):
        raise _error(f"subscripts '{term}' of operand {i} may hold only letters and one '...'")
    named = len(head) + len(tail)
    if (not dots and named != ndim) or named > ndim:
        raise _error(f"operand {i} has {ndim} dimensions but its subscripts '{term}' name {named}",
                     "give one letter per axis, or '...' for the leading axes")
    ellipsis = [f".{k}" for k in range(ndim - named, 0, -1)] if dots else []
    return list(head) + ellipsis + list(tail)


def _parse(subscripts: str, ndims: list[int]) -> tuple[list[list[str]], list[str]]:
    s = subscripts.replace(" ", "")
    lhs, arrow, out = s.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise _error(f"subscripts '{subscripts}' name {len(terms)} operands but {len(ndims)} were passed")
    labels = [_expand(t, n, i) for i, (t, n) in enumerate(zip(terms, ndims))]
    ell = sorted({lab for ls in labels for lab in ls if lab[0] == "."}, key=lambda lab: -int(lab[1:]))
    if not arrow:  # implicit output: the ellipsis, then letters used once, in order of their codes
        counts = [lab for ls in labels for lab in ls]
        return labels, ell + sorted(lab for lab in set(counts) if lab[0] != "." and counts.count(lab) == 1)
    head, dots, tail = out.partition("...")
    if any(c not in _LETTERS for c in head + tail):
        raise _error(f"output subscripts '{out}' may hold only letters and one '...'")
    result = list(head) + (ell if dots else []) + list(tail)
    known = {lab for ls in labels for lab in ls}
    for lab in result:
        if lab not in known:
            raise _error(f"output label '{lab}' names no input axis", "use only letters that appear in the inputs")
    if len(set(result)) != len(result):
        raise _error(f"output subscripts '{out}' repeat a label", "name each output axis once")
    return labels, result


def _sizes(shapes: tuple, labels: list[list[str]]) -> dict[str, int]:
    """The size of each label; a size-1 axis broadcasts against any size, as NumPy."""
    sizes: dict[str, int] = {}
    for i, (shape, ls) in enumerate(zip(shapes, labels)):
        mine: dict[str, int] = {}
        for lab, n in zip(ls, shape):
            if mine.setdefault(lab, n) != n:
                raise _error(f"label '{_show(lab)}' repeats in operand {i} over axes of sizes {mine[lab]} and {n}",
                             "a repeated label takes a diagonal, so its axes must have equal sizes")
            if sizes.get(lab, 1) not in (1, n) and n != 1:
                raise _error(f"label '{_show(lab)}' has size {sizes[lab]} in one operand and {n} in operand {i}",
                             "give the axes of one label equal sizes (or size 1 to broadcast)")
            if n != 1 or lab not in sizes:
                sizes[lab] = n
    return sizes


def _show(lab: str) -> str:
    return "..." if lab[0] == "." else lab


def _prepare(shape: tuple, ls: list[str], sizes: dict[str, int]) -> tuple[list, tuple, list[str]]:
    """The diagonals to take (pairs of axes) for repeated labels, then the broadcast (size-1)
    axes to drop, and the labels left."""
    diagonals, shape = [], list(shape)
    while len(set(ls)) != len(ls):
        lab = next(lab for lab in ls if ls.count(lab) > 1)
        i = ls.index(lab)
        j = ls.index(lab, i + 1)
        diagonals.append((i, j))
        ls = [m for k, m in enumerate(ls) if k not in (i, j)] + [lab]
        shape = [n for k, n in enumerate(shape) if k not in (i, j)] + [shape[i]]
    ones = tuple(d for d, lab in enumerate(ls) if shape[d] == 1 and sizes[lab] != 1)
    return diagonals, ones, [lab for d, lab in enumerate(ls) if d not in ones]


def _needed(terms: list, i: int, j: int, out: list[str]) -> set[str]:
    """Labels wanted after contracting terms i and j: the output's and the other operands'."""
    return set(out).union(*(ls for k, ls in enumerate(terms) if k not in (i, j)))


def _result_size(terms: list, i: int, j: int, out: list[str], sizes: dict[str, int]) -> int:
    needed = _needed(terms, i, j, out)
    la, lb = set(terms[i]), set(terms[j])
    return math.prod(sizes[lab] for lab in la | lb if lab in needed or lab not in la & lb)


def _contraction(la: list[str], lb: list[str], needed: set[str]) -> tuple[tuple, list[str]]:
    """The dimension numbers of `dot_general` for operands labelled `la`, `lb`, and its result's labels."""
    shared = [lab for lab in la if lab in lb]
    batch = [lab for lab in shared if lab in needed]
    summed = [lab for lab in shared if lab not in needed]
    dn = ((tuple(map(la.index, summed)), tuple(map(lb.index, summed))),
          (tuple(map(la.index, batch)), tuple(map(lb.index, batch))))
    return dn, batch + [lab for lab in la if lab not in shared] + [lab for lab in lb if lab not in shared]


@functools.lru_cache(maxsize=256)
def _plan(subscripts: str, shapes: tuple) -> tuple[list, list, tuple | None]:
    """What einsum does to operands of `shapes`, which depends on nothing else (so it is kept):
    per operand its diagonals, dropped axes and summed axes, then the contractions (i, j,
    dimension numbers) and the final permutation (None if there is none)."""
    labels, out = _parse(subscripts, [len(s) for s in shapes])
    sizes = _sizes(shapes, labels)
    prepared = [_prepare(s, ls, sizes) for s, ls in zip(shapes, labels)]
    terms = [ls for _, _, ls in prepared]
    summed = [tuple(d for d, lab in enumerate(ls) if lab not in _needed(terms, i, i, out)) for i, ls in enumerate(terms)]
    terms = [[lab for d, lab in enumerate(ls) if d not in axes] for ls, axes in zip(terms, summed)]
    steps = []
    while len(terms) > 1:
        pairs = [(i, j) for i in range(len(terms)) for j in range(i + 1, len(terms))]
        i, j = min(pairs, key=lambda p: _result_size(terms, *p, out, sizes))
        dn, ls = _contraction(terms[i], terms[j], _needed(terms, i, j, out))
        steps.append((i, j, dn))
        terms = [t for k, t in enumerate(terms) if k not in (i, j)] + [ls]
    prepared = [(diagonals, ones, axes) for (diagonals, ones, _), axes in zip(prepared, summed)]
    permutation = tuple(map(terms[0].index, out))
    return prepared, steps, None if permutation == tuple(range(len(out))) else permutation


def _from_sublists(args: tuple) -> tuple[str, tuple]:
    """NumPy's interleaved form `einsum(x, [0, 1], y, [1, 2], [0, 2])` as a subscripts string."""
    def label(s):
        if s is Ellipsis:
            return "..."
        if not 0 <= s < len(_LETTERS):
            raise _error(f"sublist label {s!r} is not an int in [0, {len(_LETTERS)}) or Ellipsis",
                         f"number the axes 0..{len(_LETTERS) - 1}")
        return _LETTERS[s]

    def term(sub):
        return "".join(map(label, sub))
    xs, subs = args[0::2], [term(s) for s in args[1::2]]
    if len(args) % 2:
        return ",".join(subs[:len(xs) - 1]) + "->" + term(args[-1]), xs[:-1]
    return ",".join(subs), xs


def einsum(subscripts, /, *operands_, out=None, optimize="greedy", dtype=None, precision=None,
           preferred_element_type=None) -> Array:
    """Einstein summation, e.g. `einsum("bij,bjk->bik", x, y)`; '...' broadcasts.

    Without '->' the output is the ellipsis axes, then the letters used once in alphabetical
    order. Operands are contracted pairwise, smallest intermediate first; `optimize` is
    accepted for NumPy compatibility and does not change that order. `dtype` converts the
    operands before the products (NumPy's forced calculation dtype), and so does jax's
    `preferred_element_type`; `precision` is accepted for jax compatibility (contractions run
    at full precision).

    >>> import fluxion.numpy as fnp
    >>> fnp.einsum("ii", fnp.asarray([[1, 2], [3, 4]])).item()
    5
    >>> fnp.einsum("ij,jk", fnp.ones((2, 3)), fnp.ones((3, 4))).shape
    (2, 4)
    """
    no_out("einsum", out)
    if not isinstance(subscripts, str):
        subscripts, operands_ = _from_sublists((subscripts,) + operands_)
    if not operands_:
        raise _error("needs at least one operand", "pass the arrays after the subscripts")
    if dtype is not None:
        operands_ = tuple(convert(x, dtypes.canonicalize(dtype)) for x in operands_)
    operands_ = preferred("einsum", operands_, preferred_element_type)
    xs, back = operands("einsum", *operands_)
    prepared, steps, permutation = _plan(subscripts, tuple(x.shape for x in xs))
    terms = []
    for x, (diagonals, ones, summed) in zip(xs, prepared):
        for i, j in diagonals:
            x = diagonal(x, 0, i, j)
        x = S.squeeze(x, ones) if ones else x
        terms.append(R.reduce_sum(x, summed) if summed else x)
    for i, j, dn in steps:
        out = dot_general_p.bind(terms[i], terms[j], dimension_numbers=dn, preferred_element_type=None)
        terms = [t for k, t in enumerate(terms) if k not in (i, j)] + [out]
    return back(terms[0] if permutation is None else S.transpose(terms[0], permutation))
