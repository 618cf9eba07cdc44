"""Where a check's CPU goes by library: cProfile, timed in CPU, over the task's work for a first check of some sources
and an unchanged re-check of the same, each function's own time given to the library it belongs to.

The timers of breakdown.py say which step costs what; this says what inside the steps costs it: the ORM building
and compiling queries, the database driver, trafilatura, lxml, the desk's own code. cProfile adds a cost to every
Python call, so that code made of many small calls (the ORM) weighs more under it than code in C (lxml, zlib): the
shares are of the profiled run, and the report says so.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

# Where a function's file lies, and the library it is counted to; the first that matches.
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Django's ORM: building and compiling queries, making rows", ("/django/db/models/",)),
    ("the database driver and Django's cursor", ("/psycopg/", "/django/db/backends/", "/django/db/transaction")),
    ("trafilatura (the main text)", ("/trafilatura/", "/courlan/", "/htmldate/", "/justext/")),
    ("lxml (parsing, the visible text)", ("/lxml/",)),
    ("the desk's text normalization and fingerprint", ("/claims/sources/pagetext.py", "/numpy/")),
    (
        "the fetcher (HTTP, addresses, TLS)",
        ("/claims/sources/fetching.py", "/httpx/", "/httpcore/", "/h11/", "/charset_normalizer/"),
    ),
    ("the rest of the desk's code", ("/claims/",)),
    ("the bench's own code and its CPU meters", ("/bench/", "/psutil/")),
    ("the rest of Django (with asgiref's locals, where it keeps its connections)", ("/django/", "/asgiref/")),
)
OTHER = "other libraries"
STDLIB = "/lib/python3"
# A function as pstats names it (file, line, name), and what it holds of it (calls, primitive calls, own time,
# cumulative time, callers).
Function = tuple[str, int, str]
Entry = tuple[int, int, float, float, dict[Function, tuple[int, int, float, float]]]
ORDER = (*(label for label, _ in AREAS), OTHER)


@dataclass
class Profile:
    """Each library's share of a pass's CPU, as cProfile saw it."""

    shares: dict[str, float] = field(default_factory=dict)


def profiled(run: Callable[[], object]) -> Profile:
    """Run `run` under cProfile timed in CPU: each library's share of it."""
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(run)
    return _shares(pstats.Stats(profiler))


def _area(filename: str) -> str:
    for label, parts in AREAS:
        if any(part in filename for part in parts):
            return label
    return OTHER


def _shares(stats: pstats.Stats) -> Profile:
    """Each function's own time to its library; the standard library's and the built-ins' (copy, re, zlib, hashlib,
    sockets) to the library that called them, in proportion to what each caller spent in them."""
    entries: dict[Function, Entry] = stats.stats  # type: ignore[attr-defined]
    resolved: dict[Function, dict[str, float]] = {}

    def owners(function: Function, seen: frozenset[Function]) -> dict[str, float]:
        """The libraries a function's time goes to, and how much of it to each."""
        if function in resolved:
            return resolved[function]
        filename = function[0]
        if not _lent(filename):
            return {_area(filename): 1.0}
        callers = {
            caller: timing[3] for caller, timing in entries[function][4].items() if caller not in seen | {function}
        }
        total = sum(callers.values())
        if not callers:
            return {_area(filename) if filename != "~" else OTHER: 1.0}
        shares: dict[str, float] = defaultdict(float)
        for caller, spent in callers.items():
            weight = spent / total if total else 1 / len(callers)
            for area, share in owners(caller, seen | {function}).items():
                shares[area] += weight * share
        resolved[function] = dict(shares)
        return resolved[function]

    seconds: dict[str, float] = defaultdict(float)
    for function, (_, _, own, _, _) in entries.items():
        for area, share in owners(function, frozenset()).items():
            seconds[area] += own * share
    whole = sum(seconds.values())
    return Profile({label: seconds[label] / whole for label in ORDER if seconds[label]} if whole else {})


def _lent(filename: str) -> bool:
    """Time spent here is counted to the caller's library: built-ins, the standard library (frozen modules too) and
    code made at run time (dataclasses' methods)."""
    return (
        filename in ("~", "<string>")
        or filename.startswith("<frozen")
        or (STDLIB in filename and "site-packages" not in filename)
    )
