"""The yardsticks measured in the same run: bare round trips to each endpoint, and the same signed POSTs sent
straight from this process (no Celery, no database) with the worker's concurrency."""

from __future__ import annotations

import http.client
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from bench.alerts import dataset, log
from bench.alerts.receiver import ENDPOINTS, ReceiverProcess
from bench.fetch.cpu import CpuSample
from claims.alerts import webhooks
from claims.alerts.models import WebhookEndpoint
from claims.sources import fetching

PROBES = 30  # bare round trips per endpoint
MAX_TRIES = 50  # a direct send gives up after this many failures (none should come near)


def round_trips(receiver: ReceiverProcess, body: bytes) -> dict[str, float]:
    """The median seconds of a bare POST to each endpoint, one after the other, a new connection each (as the
    desk's fetcher opens one per delivery), with http.client: what the receiver itself takes."""
    medians = {}
    for name in ENDPOINTS:
        times = []
        for _ in range(PROBES):
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
            try:
                conn.request("POST", f"/probe/{name}", body=body, headers={"Content-Type": "application/json"})
                conn.getresponse().read()
            finally:
                conn.close()
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    return medians


@dataclass
class DirectRun:
    """The baseline: every delivery POSTed straight to the receiver by a pool of threads, tried again at once."""

    started_at: float = 0.0  # time.time() when the first send started
    elapsed: float = 0.0
    posts: int = 0
    failures: int = 0  # answers other than 2xx (the flaky endpoint's), tried again at once
    gave_up: int = 0
    cpu: CpuSample = field(default_factory=CpuSample)


def direct_run(*, receiver: ReceiverProcess, redis_pid: int, concurrency: int) -> DirectRun:
    """Each (event, endpoint), in the planner's order, sent by `concurrency` threads of this process through the
    desk's own fetcher (`fetching.post`) and signing (`webhooks.signed_headers`), until answered 2xx."""
    events = dataset.bodies()
    secrets = {endpoint.description.split()[-1]: endpoint.secrets() for endpoint in WebhookEndpoint.objects.all()}
    urls = {name: receiver.url("direct", name) for name in ENDPOINTS}
    timeout = settings.FACTCHECK_WEBHOOK_TIMEOUT
    run = DirectRun()

    def send(job: tuple[str, bytes, str]) -> tuple[int, bool]:
        msg_id, body, name = job
        for tries in range(1, MAX_TRIES + 1):
            headers = webhooks.signed_headers(msg_id=msg_id, body=body, secrets_now=secrets[name], at=timezone.now())
            if fetching.post(urls[name], body=body, headers=headers, timeout=timeout).succeeded:
                return tries, True
        return MAX_TRIES, False

    jobs = [(msg_id, body, name) for msg_id, body in events for name in ENDPOINTS]
    log(f"direct: {len(jobs)} signed POSTs from {concurrency} threads of this process")
    before = CpuSample.take(worker_pid=None, server_pid=receiver.pid, redis_pids=[redis_pid])
    run.started_at = time.time()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(send, jobs))
    run.elapsed = time.time() - run.started_at
    run.cpu = CpuSample.take(worker_pid=None, server_pid=receiver.pid, redis_pids=[redis_pid]) - before
    run.posts = sum(tries for tries, _ in outcomes)
    run.gave_up = sum(1 for _, done in outcomes if not done)
    run.failures = run.posts - (len(jobs) - run.gave_up)
    return run
