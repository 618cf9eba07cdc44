"""The end-to-end run: a real Celery worker checks every source, dispatched as beat does; its speed and its cost."""

from __future__ import annotations

import functools
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import psutil
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from bench.fetch import log
from bench.fetch.cpu import CpuSample
from bench.fetch.dataset import sources_seed
from bench.fetch.pageserver import PageServer
from claims.models import Check, Evidence, Flag, Snapshot
from claims.sources.dispatch import Lease, sources_dispatch
from harness.celery_worker import ThrowawayRedis, Worker, enqueue_into

BEAT_EVERY = 5.0  # seconds: the bench process plays beat this often during a run


@dataclass
class EndToEndRun:
    """One run at given concurrency limits: how fast every source was checked, what came of it, what it cost."""

    per_host: int
    global_limit: int
    effective: int  # the concurrency the limits allow with this many hosts
    ideal: float  # checks per second at that concurrency, if a check took only the page's latency
    sources: int
    checked: int = 0
    elapsed: float = 0.0
    rate: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    p50: float = 0.0
    p95: float = 0.0
    in_flight: float = 0.0
    cpu: CpuSample = field(default_factory=CpuSample)  # what each party spent during the run
    machine_busy: float = 0.0  # share of the machine's CPUs
    processes: int = 0
    beat_leases: int = 0
    beat_calls: int = 0
    duplicates: int = 0
    snapshots: int = 0
    quotes: Counter[str] = field(default_factory=Counter)
    flags_open: int = 0
    sweeps: int = 0  # flags sweeps after checks the worker ran
    worker_errors: list[str] = field(default_factory=list)
    timed_out: bool = False

    def per_check_ms(self, seconds: float) -> float:
        """CPU seconds of the whole run as milliseconds per source checked."""
        return seconds / max(self.checked, 1) * 1000


def checked_sources() -> int:
    """Sources with at least one Check row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT source_id) FROM claims_check")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def end_to_end_run(
    *,
    per_host: int,
    global_limit: int,
    server: PageServer,
    redis: ThrowawayRedis,
    timeout: float,
    limit: int | None = None,
) -> EndToEndRun:
    """Seed the sources (the first `limit` pages, or all), start a worker with these limits and time the checks."""
    page_set = server.page_set
    effective = min(global_limit, page_set.hosts * per_host)
    run = EndToEndRun(
        per_host, global_limit, effective, effective / page_set.latency, min(limit or page_set.count, page_set.count)
    )
    sources_seed(page_set, limit)
    log(f"end to end: per host {per_host}, global {global_limit}; starting the worker")
    worker = _worker_start(redis.url, per_host=per_host, global_limit=global_limit)
    try:
        time.sleep(1.0)
        run.processes = 1 + len(psutil.Process(worker.process.pid).children(recursive=True))
        enqueue = enqueue_into(redis.url)
        sample = functools.partial(
            CpuSample.take, worker_pid=worker.process.pid, server_pid=server.process.pid, redis_pids=[redis.process.pid]
        )
        with override_settings(FACTCHECK_PER_HOST_CONCURRENCY=per_host, FACTCHECK_GLOBAL_CONCURRENCY=global_limit):
            before = sample()
            _checks_wait(run, worker, enqueue, timeout)
            run.cpu = sample() - before
        run.machine_busy = run.cpu.machine / (run.elapsed * (os.cpu_count() or 1))
        # Let the sweeps the last checks asked for run and commit before reading the outcome.
        time.sleep(settings.FACTCHECK_SWEEP_DELAY + 1.5)
        _worker_log_read(run, worker.output())
    finally:
        worker.stop()
    connection.close()
    _outcome_read(run)
    log(
        f"  {run.checked} sources in {run.elapsed:.1f} s: {run.rate:.1f} checks/s ({run.rate / run.ideal:.0%} of "
        f"{run.ideal:.0f}); worker CPU {run.per_check_ms(run.cpu.worker):.1f} ms/check; "
        f"machine busy {run.machine_busy:.0%}; outcomes {dict(run.outcomes)}"
    )
    return run


def _worker_start(redis_url: str, *, per_host: int, global_limit: int) -> Worker:
    """The production pool: prefork, CELERY_WORKER_CONCURRENCY left to its default (the global limit and half again)."""
    return Worker(
        redis_url,
        concurrency=None,
        ready_timeout=120,
        FACTCHECK_PER_HOST_CONCURRENCY=str(per_host),
        FACTCHECK_GLOBAL_CONCURRENCY=str(global_limit),
        # As in production: a worker process keeps its database connection from one check to the next, and the
        # cache is Redis, shared by the worker's processes (it spaces the flags sweeps after checks for all of them).
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_CACHE_URL=redis_url.rsplit("/", 1)[0] + "/1",
        DJANGO_LOG_LEVEL="WARNING",
    )


def _checks_wait(run: EndToEndRun, worker: Worker, enqueue: Callable[[Lease], None], timeout: float) -> None:
    """Dispatch, then play beat every BEAT_EVERY seconds, until every source has a check or `timeout` is over."""
    started = time.monotonic()
    sources_dispatch(enqueue=enqueue)
    next_beat = started + BEAT_EVERY
    deadline = started + timeout
    while True:
        done = checked_sources()
        if done >= run.sources:
            break
        now = time.monotonic()
        if now >= deadline:
            run.timed_out = True
            log(f"TIMEOUT after {timeout:.0f} s with {done} sources checked")
            break
        if now >= next_beat:
            run.beat_calls += 1
            run.beat_leases += len(sources_dispatch(enqueue=enqueue))
            next_beat = now + BEAT_EVERY
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker died:\n{worker.output()[-3000:]}")
        time.sleep(0.1)
    run.elapsed = time.monotonic() - started


def _worker_log_read(run: EndToEndRun, output: str) -> None:
    """The worker's first errors, and how many flags sweeps after checks it ran."""
    run.worker_errors = [line for line in output.splitlines() if " ERROR" in line or "Traceback" in line][:5]
    run.sweeps = len(re.findall(r"flags_sweep_checked_task\[[-0-9a-f]+\] succeeded", output))


def _outcome_read(run: EndToEndRun) -> None:
    """What the checks left in the database: outcomes, durations, snapshots, quotes and flags."""
    run.checked = min(checked_sources(), run.sources)
    run.rate = run.checked / run.elapsed
    durations = sorted(Check.objects.values_list("duration_ms", flat=True))
    run.outcomes = Counter(Check.objects.values_list("outcome", flat=True))
    run.duplicates = Check.objects.count() - run.checked
    run.p50 = durations[len(durations) // 2] if durations else 0
    run.p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))] if durations else 0
    run.in_flight = sum(durations) / 1000 / run.elapsed
    run.snapshots = Snapshot.objects.count()
    run.quotes = Counter(Evidence.objects.values_list("quote_status", flat=True))
    run.flags_open = Flag.objects.filter(cleared_at__isnull=True).count()
