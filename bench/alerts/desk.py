"""The desk's run: the flags sweep commits the events, a real Celery worker plans and sends every delivery."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import psutil
from django.db import connection, transaction
from django.db.models import Count, Max, Sum

from bench.alerts import log
from bench.fetch.cpu import CpuSample
from claims.alerts.models import Delivery, DeliveryStatus, WebhookEndpoint
from claims.flags import flags_sweep
from claims.models import Event, EventType
from harness.celery_worker import ThrowawayRedis, Worker

POLL_EVERY = 0.5  # seconds between two looks at the deliveries' rows


@dataclass
class DeskRun:
    """What the worker did with one sweep's events: when it committed, how long the deliveries took, what it cost."""

    events: int = 0
    expected: int = 0  # deliveries: events × endpoints
    sweep_seconds: float = 0.0  # the sweep's transaction, until its commit
    committed_at: float = 0.0  # time.time() at the commit
    elapsed: float = 0.0  # from the commit until the bench saw no delivery pending
    statuses: Counter[str] = field(default_factory=Counter)
    attempts: dict[str, int] = field(default_factory=dict)  # per endpoint description, Delivery.attempts summed
    most_attempts: dict[str, int] = field(default_factory=dict)  # per endpoint description, one delivery's most
    processes: int = 0
    cpu: CpuSample = field(default_factory=CpuSample)
    worker_errors: list[str] = field(default_factory=list)
    timed_out: bool = False


def desk_run(
    *,
    redis: ThrowawayRedis,
    receiver_pid: int,
    concurrency: int,
    worker_env: dict[str, str],
    timeout: float,
) -> DeskRun:
    """Start the worker, sweep (which commits the events and, on commit, asks for their planning) and wait until
    no delivery is pending."""
    run = DeskRun()
    endpoints = WebhookEndpoint.objects.count()
    log(f"desk: starting a prefork worker of {concurrency} processes on the alerts queue")
    worker = Worker(
        redis.url, concurrency=concurrency, prefork=True, queues=["alerts"], ready_timeout=120, **worker_env
    )
    try:
        time.sleep(1.0)
        run.processes = 1 + len(psutil.Process(worker.process.pid).children(recursive=True))
        before = CpuSample.take(worker_pid=worker.process.pid, server_pid=receiver_pid, redis_pids=[redis.process.pid])
        run.events, run.sweep_seconds, run.committed_at = _sweep_commit()
        run.expected = run.events * endpoints
        log(f"  the sweep committed {run.events} flag.raised events in {run.sweep_seconds:.1f} s")
        _deliveries_wait(run, worker, timeout)
        run.cpu = (
            CpuSample.take(worker_pid=worker.process.pid, server_pid=receiver_pid, redis_pids=[redis.process.pid])
            - before
        )
        run.worker_errors = [line for line in worker.output().splitlines() if " ERROR" in line or "Traceback" in line][
            :5
        ]
    finally:
        worker.stop()
    connection.close()
    per_endpoint = Delivery.objects.values("endpoint__description").annotate(n=Sum("attempts"), most=Max("attempts"))
    run.attempts = {row["endpoint__description"]: row["n"] for row in per_endpoint}
    run.most_attempts = {row["endpoint__description"]: row["most"] for row in per_endpoint}
    return run


def _sweep_commit() -> tuple[int, float, float]:
    """The flags sweep in a transaction of its own, as beat runs it: its events, its duration, its commit's time.

    The commit's time is taken by a callback registered before the sweep's own: it runs first, right after the
    commit, and the sweep's then sends events_plan_task to the broker (the throwaway Redis, REDIS_URL).
    """
    committed: list[float] = []
    started = time.monotonic()
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.time()))
        flags_sweep()
    duration = time.monotonic() - started
    events = Event.objects.filter(type=EventType.FLAG_RAISED).count()
    return events, duration, committed[0]


def _status_counts() -> Counter[str]:
    return Counter(dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")))


def _deliveries_wait(run: DeskRun, worker: Worker, timeout: float) -> None:
    """Until every delivery was planned and none is pending, or `timeout` seconds after the commit."""
    next_report = time.monotonic() + 30
    while True:
        statuses = _status_counts()
        now = time.time()
        if sum(statuses.values()) >= run.expected and not statuses[DeliveryStatus.PENDING]:
            break
        if now - run.committed_at >= timeout:
            run.timed_out = True
            log(f"TIMEOUT after {timeout:.0f} s: {dict(statuses)}")
            break
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker died:\n{worker.output()[-3000:]}")
        if time.monotonic() >= next_report:
            log(f"  {now - run.committed_at:.0f} s: {dict(statuses)}")
            next_report = time.monotonic() + 30
        time.sleep(POLL_EVERY)
    run.elapsed = time.time() - run.committed_at
    run.statuses = statuses
