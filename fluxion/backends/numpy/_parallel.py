"""Large eager kernels on every core.

NumPy's ufuncs, reductions and BLAS calls release the GIL while they loop, so a kernel whose
work is large runs on several threads at once: each thread computes one part of the output, a
slice along an axis that no operation reduces, into one array made beforehand. Every element
is then computed by the same loop as in one call (the parts' boundaries fall on whole SIMD
blocks, `GRANULE` elements apart, where a part is a flat range), so the result is the same bit
for bit, and nothing is joined afterwards.

The threads (one fewer than the cores) start at the first large call and wait on a queue. A
call makes up to two parts per core; the calling thread computes the first itself and then
takes back every part that no thread has started, so a call never waits on a busy pool
(several threads may call at once), a worker that wakes late costs little, and one that loses
its core to another process holds up no more than its part.

Below `LARGE` units of work (an addition of two elements is one unit; a kernel counts its
own elements at their cost in additions), on one core, or inside a part (whose kernels may be
ones that split), a kernel runs as one call: handing a part to another thread and waiting for
it costs some 5-10 us (measured on two cores), which only larger kernels win back.

The cost of an element varies too much between ufuncs and dtypes to be written down: SciPy's
special functions take 10 to 1,000 additions, float64 `sin` 30 where float32 `sin` takes 4,
complex `exp` 60 to 300. So the kernel of such a ufunc (`costly`) times its first call of
`PROBE` elements or more with given operand dtypes, on one core, and splits its later calls
from `SPLIT_NS` of that time.
"""
from __future__ import annotations

import _thread
import math
import os
import queue
import threading
import time
from typing import Callable

import numpy as np

CPUS = os.cpu_count() or 1
LARGE = 1 << 21  # units of work from which a kernel splits: some 300 us on one core (measured on two cores:
# below it, and for memory-bound kernels such as additions, the parts gain less than their hand-off)
GRANULE = 256  # elements between the boundaries of flat parts: whole blocks of every unrolled SIMD loop
PROBE = 1 << 14  # elements from which a `costly` kernel's first call is timed
SPLIT_NS = 300_000  # nanoseconds of one core's time from which a `costly` call splits (as `LARGE` additions)

_jobs: queue.SimpleQueue = queue.SimpleQueue()
_workers: list[threading.Thread] = []
_starting = threading.Lock()
_inside = threading.local()  # `part` is set while the thread runs a part


class _Part:
    """One part of a split call, run by whichever thread claims it first."""
    __slots__ = ("job", "rows", "claim", "done", "error")

    def __init__(self, job: Callable[[slice], None], rows: slice):
        self.job, self.rows, self.error = job, rows, None
        self.claim, self.done = _thread.allocate_lock(), _thread.allocate_lock()
        self.done.acquire()

    def run(self) -> None:
        if self.claim.acquire(False):
            try:
                _as_part(self.job, self.rows)
            except BaseException as e:  # (raised again in the calling thread)
                self.error = e
            finally:
                self.done.release()

    def wait(self) -> BaseException | None:
        """Wait for the part to be done, and return its error."""
        self.done.acquire()
        return self.error


def _as_part(job: Callable[[slice], None], rows: slice) -> None:
    _inside.part = True
    try:
        job(rows)
    finally:
        _inside.part = False


def _work() -> None:
    while True:
        _jobs.get().run()


def _start(n: int) -> None:
    with _starting:
        while len(_workers) < n:
            worker = threading.Thread(target=_work, name="fluxion-kernel", daemon=True)
            worker.start()
            _workers.append(worker)


def _forget_workers() -> None:
    """A forked child has none of its parent's threads: it starts its own."""
    global _jobs, _starting
    _jobs, _starting = queue.SimpleQueue(), threading.Lock()
    _workers.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def count(n: int, work: int) -> int:
    """The number of parts for `n` rows holding `work` units of work in all (1: one call): one or
    two a core for as many cores as have half of `LARGE` to do."""
    if work < LARGE or n < 2 or CPUS < 2:
        return 1
    most = min(n, work // (LARGE // 2))
    cores = min(CPUS, most)
    return 2 * cores if most >= 2 * cores else cores


def run(job: Callable[[slice], None], n: int, work: int, granule: int = 1) -> None:
    """`job(rows)` for consecutive slices `rows` that cover range(n) and start at multiples of
    `granule`: one part per core where the `work` in all is large, else one call `job(slice(0, n))`."""
    parts = count(n // granule, work)
    if parts < 2 or getattr(_inside, "part", False):
        job(slice(0, n))
        return
    cuts = [granule * (i * (n // granule) // parts) for i in range(parts)] + [n]
    others = [_Part(job, slice(cuts[i], cuts[i + 1])) for i in range(1, parts)]
    if len(_workers) < min(parts, CPUS) - 1:
        _start(min(parts, CPUS) - 1)
    for p in others:
        _jobs.put(p)
    try:
        _as_part(job, slice(0, cuts[1]))
    finally:  # (the parts write into the caller's arrays: all are done before it goes on)
        for p in others:
            p.run()
        errors = [p.wait() for p in others]
    for e in errors:
        if e is not None:
            raise e


_TRAILING = [[tuple(range(k, n)) for k in range(n + 1)] for n in range(65)]  # the last n - k of n axes


def rows_of(v: np.ndarray, axes: tuple[int, ...]) -> np.ndarray | None:
    """`v` as a 2-d array with one row per element of its reduction over `axes` (its last axes,
    `v` C-contiguous), where that reduction is large enough to split; None otherwise."""
    kept = v.ndim - len(axes)
    if v.size < LARGE or CPUS < 2 or kept < 1 or not v.flags.c_contiguous or axes != _TRAILING[v.ndim][kept]:
        return None
    n = math.prod(v.shape[:kept])
    return v.reshape(n, v.size // n) if n > 1 else None


def reduce_rows(reduce: Callable[[np.ndarray, np.ndarray], object], rows: np.ndarray, dtype,
                cost: int = 1) -> np.ndarray:
    """The flat result of `reduce(rows[s], out[s])` (each row to one element, at `cost` units of
    work an element of `rows`) over parts `s` of `rows` that are whole multiples of `GRANULE`
    rows (so that BLAS blocks them as in one call)."""
    out = np.empty(rows.shape[0], dtype)
    run(lambda s: reduce(rows[s], out[s]), rows.shape[0], rows.size * cost, GRANULE)
    return out


_NATIVE = frozenset(np.dtype(c) for c in "?bBhHiIlLqQefdgFDG")  # (dtypes whose loops NumPy resolves itself)
SPLIT_FROM: dict = {}  # (ufunc, operand dtypes) -> the size from which a `costly` call splits, measured


def costly(fn: np.ufunc) -> Callable[..., np.ndarray]:
    """The kernel `fn(*xs)` of a ufunc whose elements cost more than additions, on NumPy arrays of
    one shape or 0-d: by parts (`ufunc`) where one call would take `SPLIT_NS` or more on one core,
    as measured on the first call with the same operand dtypes of `PROBE` elements or more."""
    if not isinstance(fn, np.ufunc) or fn.nout != 1:  # (SciPy's zeta is a function around its ufuncs)
        return fn

    def kernel(*xs: np.ndarray) -> np.ndarray:
        size = max([x.size for x in xs])
        if size < PROBE:
            return fn(*xs)
        key = (fn, *[x.dtype for x in xs])
        start = SPLIT_FROM.get(key)
        if start is None:
            if any(x.size not in (1, size) for x in xs):  # (operands that broadcast: one call)
                return fn(*xs)
            start = SPLIT_FROM[key] = _split_from(fn, xs)
        return fn(*xs) if size < start else ufunc(fn, *xs, cost=LARGE / start)

    def unary(x: np.ndarray) -> np.ndarray:  # (the same, kept fast on small arrays)
        return fn(x) if x.size < PROBE else kernel(x)

    def binary(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return fn(x, y) if x.size < PROBE and y.size < PROBE else kernel(x, y)
    out = unary if fn.nin == 1 else binary if fn.nin == 2 else kernel
    out.ufunc = fn
    out.__name__ = fn.__name__
    return out


def _split_from(fn: np.ufunc, xs: tuple) -> int:
    """The size from which calls of `fn` split, from its time on the first `PROBE` elements of
    operands `xs` (of one size, or 0-d) on one core."""
    began = time.perf_counter_ns()
    fn(*[x.reshape(-1)[:PROBE] if x.size > 1 else x for x in xs])
    return max(PROBE, SPLIT_NS * PROBE // max(time.perf_counter_ns() - began, 1))


def ufunc(fn: np.ufunc, *xs: np.ndarray, cost: float = 1) -> np.ndarray:
    """`fn(*xs)` (at `cost` units of work an element), by parts of its output where that is
    large and every operand is a C-contiguous array of one of NumPy's own dtypes; one call
    otherwise (other layouts may take other loops)."""
    shape = xs[0].shape
    if any(x.shape != shape for x in xs):
        shape = np.broadcast_shapes(*(x.shape for x in xs))
    size = math.prod(shape)
    work = int(size * cost)
    if work < LARGE or CPUS < 2 or not all(x.flags.c_contiguous and x.dtype in _NATIVE for x in xs):
        return fn(*xs)
    out = np.empty(shape, fn.resolve_dtypes(tuple(x.dtype for x in xs) + (None,))[-1])
    if all(x.shape == shape or x.size == 1 for x in xs):  # flat parts (NumPy's loop runs over all)
        flat, whole = [x.reshape(-1) for x in xs], out.reshape(-1)
        run(lambda s: fn(*[x if x.size == 1 else x[s] for x in flat], out=whole[s]), size, work, GRANULE)
        return out
    # parts of the first axis longer than 1: an operand that broadcasts over a longer axis, but not
    # over all, keeps NumPy from merging that axis with its neighbours, so that its loop runs
    # within a part, as it would in one call, wherever the part starts
    n = len(shape)
    xs = [x.reshape((1,) * (n - x.ndim) + x.shape) for x in xs]
    axis = next(d for d in range(n) if shape[d] > 1)
    lead = (slice(None),) * axis

    def part(s: slice) -> None:
        rows = lead + (s,)
        fn(*[x[rows] if x.shape[axis] > 1 else x for x in xs], out=out[rows])
    run(part, shape[axis], work)
    return out
