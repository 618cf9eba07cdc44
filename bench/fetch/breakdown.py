"""Where a check's CPU goes: the task's work for some sources, one after the other in this process, timed by step."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.fetch.cpu import postgres_cpu
from bench.fetch.dataset import sources_seed
from bench.fetch.pageserver import PageSet
from bench.fetch.profile import Profile, profiled
from claims.flags import flags_sweep_checked
from claims.models import Source
from claims.sources import check, dispatch, extract, fetching, pagetext

# The steps, as the report lists them: the three the task runs, and inside source_check the functions timed.
CHECK = "source_check (all)"
FETCH = "fetch (all)"
SSL_CONTEXT = "SSL context (per fetch)"
ARTICLE = "trafilatura article"
FINGERPRINT = "fingerprint"
VISIBLE_TEXT = "visible text"
QUOTE_MATCHING = "quote matching"
SWEEP = "flags_sweep_checked (its share per check)"
DISPATCH = "sources_dispatch"
TASK_STEPS = (CHECK, SWEEP, DISPATCH)
# Inside source_check, each on its own (the SSL context is inside the fetch).
CHECK_PARTS = (FETCH, ARTICLE, FINGERPRINT, VISIBLE_TEXT, QUOTE_MATCHING)
REPORT_ORDER = (CHECK, FETCH, SSL_CONTEXT, ARTICLE, FINGERPRINT, VISIBLE_TEXT, QUOTE_MATCHING, SWEEP, DISPATCH)
# The functions timed: where each is looked up when it is called.
TIMED: list[tuple[ModuleType, str, str]] = [
    (check, "fetch", FETCH),
    (fetching, "_ssl_context", SSL_CONTEXT),
    (extract, "html_main_text", ARTICLE),
    (pagetext, "fingerprint", FINGERPRINT),
    (extract, "html_visible_text", VISIBLE_TEXT),
    (pagetext, "quote_found", QUOTE_MATCHING),
]
CONNECT_ROUNDS = 30


@dataclass(frozen=True)
class PassCost:
    """One pass over the sources: this process's CPU and PostgreSQL's (the whole server) per check, and queries."""

    worker_ms: float
    postgres_ms: float
    queries: float

    @property
    def total_ms(self) -> float:
        return self.worker_ms + self.postgres_ms


@dataclass
class Breakdown:
    checks_per_sweep: int
    n: int = 0
    # The first check of each source, and a second one of the same unchanged pages (the same bytes again).
    first: PassCost | None = None
    recheck: PassCost | None = None
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per step, per check
    queries: dict[str, float] = field(default_factory=dict)  # per step, per check
    connect_client_ms: float = 0.0
    connect_postgres_ms: float = 0.0
    connect_wall_ms: float = 0.0
    # Each library's share of the CPU of a first check and of an unchanged re-check (other sources, profiled).
    first_profile: Profile | None = None
    recheck_profile: Profile | None = None


def breakdown_run(n: int, *, page_set: PageSet, checks_per_sweep: int) -> Breakdown:
    """The task's work (check, dispatch, and a sweep after every `checks_per_sweep` checks, as the end-to-end run
    had them) for `n` sources one after the other in this process, timed by step.

    The timers wrap module attributes in this process only; no file changes. CPU is this process's (the client
    side), PostgreSQL's is measured apart."""
    sources_seed(page_set)
    cpu: dict[str, float] = defaultdict(float)
    queries: dict[str, int] = defaultdict(int)
    ids = list(Source.objects.order_by("id").values_list("id", flat=True)[:n])
    result = Breakdown(n=len(ids), checks_per_sweep=checks_per_sweep)
    with _timers(cpu):
        result.first = _pass(ids, checks_per_sweep, cpu=cpu, queries=queries)
    result.cpu_ms = {label: seconds / len(ids) * 1000 for label, seconds in cpu.items()}
    result.queries = {label: count / len(ids) for label, count in queries.items()}
    # The same sources again: their pages have not changed since (most re-checks of a newsroom's sources).
    result.recheck = _pass(ids, checks_per_sweep, cpu=defaultdict(float), queries=defaultdict(int))
    # The same two passes over as many other sources, under the profiler.
    others = list(Source.objects.order_by("id").values_list("id", flat=True)[len(ids) : 2 * len(ids)])

    def profiled_pass() -> Profile:
        return profiled(lambda: _pass(others, checks_per_sweep, cpu=defaultdict(float), queries=defaultdict(int)))

    result.first_profile = profiled_pass()
    result.recheck_profile = profiled_pass()
    _connection_cost(result)
    return result


def _pass(ids: list[int], checks_per_sweep: int, *, cpu: dict[str, float], queries: dict[str, int]) -> PassCost:
    """Each source's task steps, one after the other: what the pass cost per check."""
    pg0, t0, q0 = postgres_cpu(), time.process_time(), sum(queries.values())
    for i, source_id in enumerate(ids, start=1):
        _task_steps_run(source_id, ids, sweep=i % checks_per_sweep == 0 or i == len(ids), cpu=cpu, queries=queries)
    per_check = 1000 / len(ids)
    return PassCost(
        worker_ms=(time.process_time() - t0) * per_check,
        postgres_ms=(postgres_cpu() - pg0) * per_check,
        queries=(sum(queries.values()) - q0) / len(ids),
    )


@contextmanager
def _timers(cpu: dict[str, float]) -> Iterator[None]:
    """Every function of TIMED adds the CPU it takes to `cpu[label]`, until the block ends."""
    originals = [(module, name, getattr(module, name)) for module, name, _ in TIMED]
    for (module, name, original), (_, _, label) in zip(originals, TIMED, strict=True):
        setattr(module, name, _timed(original, label, cpu))
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def _timed(original: Callable[..., object], label: str, cpu: dict[str, float]) -> Callable[..., object]:
    def wrapper(*args: object, **kwargs: object) -> object:
        t = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            cpu[label] += time.process_time() - t

    return wrapper


def _task_steps_run(
    source_id: int, ids: list[int], *, sweep: bool, cpu: dict[str, float], queries: dict[str, int]
) -> None:
    """One source's check, the dispatch that follows it and, every so often, the sweep: CPU and queries per step."""
    token = uuid.uuid4()
    Source.objects.filter(pk=source_id).update(lease_token=token, fetching=True)
    steps: list[tuple[str, Callable[[], object]]] = [
        (CHECK, lambda: check.source_check(source_id=source_id, token=token)),
        (DISPATCH, lambda: dispatch.sources_dispatch(enqueue=lambda lease: None)),
    ]
    if sweep:
        steps.append((SWEEP, flags_sweep_checked))
    for label, call in steps:
        with CaptureQueriesContext(connection) as captured:
            t = time.process_time()
            call()
            cpu[label] += time.process_time() - t
        queries[label] += len(captured.captured_queries)
    # Give back what the no-op dispatch claimed, so that it keeps finding work: the bench's bookkeeping, in plain SQL
    # so that it adds as little as it can to the CPU measured (a tenth of what the ORM's UPDATE cost).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Source._meta.db_table} SET lease_token = NULL "  # noqa: S608 - the name is ours
            "WHERE lease_token IS NOT NULL AND NOT (id = ANY(%s))",
            [ids],
        )


def _connection_cost(result: Breakdown) -> None:
    """What CONN_MAX_AGE=0 costs each Celery task: a new PostgreSQL connection (and backend process)."""
    pg0, t0, w0 = postgres_cpu(), time.process_time(), time.monotonic()
    for _ in range(CONNECT_ROUNDS):
        connection.close()
        connection.ensure_connection()
    result.connect_client_ms = (time.process_time() - t0) / CONNECT_ROUNDS * 1000
    result.connect_wall_ms = (time.monotonic() - w0) / CONNECT_ROUNDS * 1000
    connection.close()
    time.sleep(0.5)  # the exited backends are reaped and counted in the postmaster's children
    result.connect_postgres_ms = (postgres_cpu() - pg0) / CONNECT_ROUNDS * 1000
