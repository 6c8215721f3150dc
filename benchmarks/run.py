"""Run fluxion's benchmarks side by side with its peers and print a table of ratios.

    python benchmarks/run.py            # every benchmark
    python benchmarks/run.py eager_add  # some of them

Each benchmark module defines `NAME` and `peers()`, a dict from peer name to a setup
function that returns the zero-argument callable to time. Peers that are not installed
are skipped. Times are the best of several repeats, per call; a module with
`ONE_SHOT = True` (a first call, which compiles) is timed once per peer and round instead,
and then also as a user meets it, in fresh processes: the median of five each.
A module with `CASES`, a dict from an operation to such a dict of peers, prints one row per
operation instead: the time of each peer, then fluxion / peer for each of the others; with
`FIRST_CALL = True` also a second table, of the first call of each fresh setup, timed once.
A module's `report`, if any, is then called with the times (by operation, for `CASES`).
"""
from __future__ import annotations

import importlib
import pathlib
import statistics
import subprocess
import sys
import time
import timeit

HERE = pathlib.Path(__file__).parent


def time_per_call(fn, repeat: int = 7, min_time: float = 0.2) -> float:
    """Best time per call in seconds."""
    # warm up (compilation, caches), then keep calling for a while: the calls right after a
    # process's imports and first compilation run slower, for a few tenths of a second
    fn()
    timer = timeit.Timer(fn)
    warm_until = time.perf_counter() + min_time
    while time.perf_counter() < warm_until:
        timer.timeit(16)
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= min_time / 5 or number >= 1 << 24:
            break
        number *= 4
    return min(timer.repeat(repeat, number)) / number


def time_once(fn) -> float:
    """Seconds taken by one call (no warm-up)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _fmt(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def _time_peers(peers: dict, one_shot: bool = False, first_calls: dict | None = None) -> dict[str, float]:
    """The time of each installed peer (the best of the rounds for a first call). Given a dict
    `first_calls`, each fresh setup's first call is also timed, once, into it by peer."""
    peers = list(peers.items())
    times: dict[str, float] = {}
    # a first call is timed with a fresh setup in four rounds, in alternating order, and each
    # peer keeps its best: whichever runs first in a process pays for warming it up, and one
    # compilation varies by a tenth from run to run
    for round_peers in (peers, peers[::-1]) * 2 if one_shot else (peers,):
        for peer, setup in round_peers:
            try:
                fn = setup()
            except ImportError:
                if peer == "fluxion":
                    raise
                continue
            if first_calls is not None:
                first_calls[peer] = time_once(fn)
            t = (time_once if one_shot else time_per_call)(fn)
            times[peer] = min(t, times.get(peer, t))
    return {peer: times[peer] for peer, _ in peers if peer in times}


def first_call(module_name: str, peer: str) -> float:
    """Seconds of `peer`'s first call in this process (run in a fresh one by `_fresh_processes`)."""
    return time_once(importlib.import_module(module_name).peers()[peer]())


def _fresh_processes(module_name: str, peers: list[str], runs: int = 5) -> dict[str, float]:
    """The median first-call time of each peer over `runs` fresh processes, the peers alternating."""
    times: dict[str, list[float]] = {peer: [] for peer in peers}
    for _ in range(runs):
        for peer in peers:
            code = (f"import sys; sys.path[:0] = {[str(HERE), str(HERE.parent)]!r}; import run; "
                    f"print(run.first_call({module_name!r}, {peer!r}))")
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            times[peer].append(float(done.stdout.split()[-1]))
    return {peer: statistics.median(ts) for peer, ts in times.items()}


def run_cases(mod) -> dict[str, dict[str, float]]:
    """One row per operation of `mod.CASES`: each peer's time, then fluxion / each other peer."""
    names = list(dict.fromkeys(peer for peers in mod.CASES.values() for peer in peers))
    others = [peer for peer in names if peer != "fluxion"]
    width = max(map(len, mod.CASES)) + 2
    print(f"\n{mod.NAME}")
    print(f"  {'operation':<{width}}" + "".join(f"{peer:>15}" for peer in names)
          + "".join(f"{'/ ' + peer:>17}" for peer in others))
    table, first = {}, {}
    for op, peers in mod.CASES.items():
        first[op] = {} if getattr(mod, "FIRST_CALL", False) else None
        table[op] = _time_peers(peers, first_calls=first[op])
        _print_row(op, width, names, others, table[op])
    if getattr(mod, "FIRST_CALL", False):
        print("  first call (trace + compile + run), once")
        for op, times in first.items():
            _print_row(op, width, names, others, times)
    if hasattr(mod, "report"):
        mod.report(table)
    return table


def _print_row(op: str, width: int, names: list[str], others: list[str], times: dict[str, float]) -> None:
    base = times.get("fluxion")
    cells = [_fmt(times[peer]) if peer in times else "-" for peer in names]
    ratios = [f"{base / times[peer]:.2f}" if base and peer in times else "-" for peer in others]
    print(f"  {op:<{width}}" + "".join(f"{c:>15}" for c in cells) + "".join(f"{r:>17}" for r in ratios), flush=True)


def run(module_name: str) -> list[tuple[str, float]]:
    mod = importlib.import_module(module_name)
    if hasattr(mod, "CASES"):
        return run_cases(mod)
    rows = list(_time_peers(mod.peers(), getattr(mod, "ONE_SHOT", False)).items())
    print(f"\n{mod.NAME}")
    base = dict(rows).get("fluxion")
    print(f"  {'peer':<28}{'time':>12}{'fluxion / peer':>16}")
    for peer, t in rows:
        ratio = f"{base / t:.2f}" if base else "-"
        print(f"  {peer:<28}{_fmt(t):>12}{ratio:>16}")
    if getattr(mod, "ONE_SHOT", False):
        fresh = _fresh_processes(module_name, [peer for peer, _ in rows])
        own = fresh.get("fluxion")
        print("  in fresh processes (median of 5): " + ", ".join(
            f"{peer} {_fmt(t)}" + (f" (fluxion / peer {own / t:.2f})" if own and peer != "fluxion" else "")
            for peer, t in fresh.items()))
    if hasattr(mod, "report"):
        mod.report(dict(rows))
    return rows


def main(names: list[str]) -> None:
    sys.path[:0] = [str(HERE), str(HERE.parent)]  # the benchmarks, and fluxion from this checkout
    names = names or sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in names:
        run(name if name.startswith("bench_") else f"bench_{name}")


if __name__ == "__main__":
    main(sys.argv[1:])
