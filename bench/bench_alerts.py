"""`make bench-alerts`: 10,000 flag events to three webhook endpoints on loopback (one fast, one slow at 200 ms, one
failing half the time), delivered by a real Celery worker: deliveries per second, the delay from the commit to each
receipt, no `webhook-id` lost or duplicated; against the ideal that the receivers' latency and the worker's
concurrency allow, and against the same signed POSTs sent straight from this process. Writes its section of
docs/benchmarks.md.

Everything it talks to is on 127.0.0.0/8: the receivers (one process, bench/alerts/receiver.py), a throwaway
redis-server, PostgreSQL at DATABASE_URL (refused unless it resolves to loopback), and a worker started with the test
settings, whose fetcher only allows 127.0.0.0/8 and the receivers' port.

Run with DJANGO_SETTINGS_MODULE=factcheck.settings.test and DATABASE_URL pointing at a database of its own
(created if missing, migrated, emptied at the start). `--quick` runs a small version for trying the script out.
Exits 1 if a webhook-id was lost, duplicated or badly signed, or a delivery failed or was not made in time.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file (python bench/bench_alerts.py) as well as a module
    sys.path.insert(0, str(ROOT))

from bench.alerts import log  # noqa: E402
from bench.alerts.receiver import ENDPOINTS, ReceiverProcess  # noqa: E402
from bench.common import (  # noqa: E402
    code_version,
    database_from_env,
    django_migrate,
    fetch_networks_check,
    require_loopback,
    section_publish,
)
from harness.celery_worker import ThrowawayRedis  # noqa: E402

# The files whose code the run measures: their hashes name it in the report, with the commit.
MEASURED_FILES = [
    "claims/alerts/events.py",
    "claims/alerts/planning.py",
    "claims/alerts/webhooks.py",
    "claims/alerts/leases.py",
    "claims/alerts/tasks.py",
    "claims/alerts/models.py",
    "claims/sources/fetching.py",
    "claims/flags.py",
]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="flag events (each goes to the three endpoints)")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="the worker's prefork processes, and the baseline's threads"
    )
    parser.add_argument("--slow", type=float, default=0.2, help="seconds the slow endpoint takes to answer")
    parser.add_argument(
        "--fail-every", type=int, default=2, help="the flaky endpoint answers 500 to every n-th request"
    )
    parser.add_argument(
        "--retry-base", type=float, default=0.2, help="FACTCHECK_ALERT_RETRY_BASE_SECONDS of the worker"
    )
    parser.add_argument("--retry-max", type=float, default=2.0, help="FACTCHECK_ALERT_RETRY_MAX_SECONDS of the worker")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds the deliveries may take after the commit")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing docs/")
    parser.add_argument("--quick", action="store_true", help="a small run to try the script: 200 events")
    args = parser.parse_args()
    if args.quick:
        args.events = 200
    if args.events < 1 or args.concurrency < 1 or args.fail_every < 2:
        raise SystemExit("--events and --concurrency must be at least 1, --fail-every at least 2")
    return args


def command(argv: list[str]) -> str:
    """The command as it was typed through make (BENCH_ALERTS_ARGS carries the arguments)."""
    return "make bench-alerts" + (f" BENCH_ALERTS_ARGS={shlex.quote(' '.join(argv))}" if argv else "")


def main() -> int:
    args = arguments()
    began = time.monotonic()
    code = code_version(MEASURED_FILES)
    name = database_from_env("bench-alerts", log=log)
    with ExitStack() as cleanup:
        redis = ThrowawayRedis()
        cleanup.callback(redis.stop)
        require_loopback(redis.url, "REDIS_URL")
        # The sweep's on-commit message (events_plan_task) goes to the throwaway redis: the settings read it.
        os.environ["REDIS_URL"] = redis.url
        django_migrate(name, log=log)
        # Imported once Django is set up: the parts of the run import the models.
        from django.conf import settings

        from bench.alerts import dataset
        from bench.alerts.desk import desk_run
        from bench.alerts.direct import direct_run, round_trips
        from bench.alerts.report import Context, rate, render
        from bench.alerts.tally import percentile, tally
        from bench.fetch.run import postgres_version, redis_version

        fetch_networks_check()
        receiver = ReceiverProcess(slow=args.slow, fail_every=args.fail_every)
        cleanup.callback(receiver.stop)
        require_loopback(receiver.url("desk", "fast"), "the receivers")
        # The fetcher's port rules hold on loopback too: the receivers' port is the one allowed, here and in the
        # worker (harness's Worker passes this process's allowed ports on).
        settings.FACTCHECK_FETCH_ALLOWED_PORTS = [receiver.port]

        log(f"seeding {args.events} published fact-checks and three endpoints")
        dataset.tables_empty()
        dataset.claims_seed(args.events)
        endpoints = dataset.endpoints_create(
            {name: receiver.url("desk", name) for name in ENDPOINTS}, by=dataset.editor_get()
        )
        ctx = Context(
            command=command(sys.argv[1:]),
            date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            code=code,
            database=name,
            pg_version=postgres_version(),
            redis_version=redis_version(),
            events=args.events,
            concurrency=args.concurrency,
            slow=args.slow,
            fail_every=args.fail_every,
            retry_base=args.retry_base,
            retry_max=args.retry_max,
            lease=settings.FACTCHECK_ALERT_LEASE.total_seconds(),
            webhook_timeout=settings.FACTCHECK_WEBHOOK_TIMEOUT,
        )
        load_start = os.getloadavg()[0]
        ctx.desk = desk_run(
            redis=redis,
            receiver_pid=receiver.pid,
            concurrency=args.concurrency,
            worker_env={
                "FACTCHECK_ALERT_RETRY_BASE_SECONDS": str(args.retry_base),
                "FACTCHECK_ALERT_RETRY_MAX_SECONDS": str(args.retry_max),
                "FACTCHECK_ALERT_LEASE_SECONDS": str(ctx.lease),
                "FACTCHECK_WEBHOOK_TIMEOUT": str(ctx.webhook_timeout),
                "FACTCHECK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
                # As in production: a worker process keeps its database connection from one task to the next.
                "DJANGO_CONN_MAX_AGE": "60",
                "DJANGO_LOG_LEVEL": "WARNING",
            },
            timeout=args.timeout,
        )
        log(f"  the worker was done {ctx.desk.elapsed:.1f} s after the commit: {dict(ctx.desk.statuses)}")
        sample = dataset.bodies()[0][1]
        ctx.round_trips = round_trips(receiver, sample)
        log("  bare round trips: " + ", ".join(f"{n} {s * 1000:.1f} ms" for n, s in ctx.round_trips.items()))
        ctx.direct = direct_run(receiver=receiver, redis_pid=redis.process.pid, concurrency=args.concurrency)
        log(f"  the baseline took {ctx.direct.elapsed:.1f} s, {ctx.direct.posts} POSTs")
        ctx.load = (load_start, os.getloadavg()[0])

        receipts = receiver.stop()
        expected = {msg_id for msg_id, _ in dataset.bodies()}
        for name, endpoint in endpoints.items():
            secret = endpoint.secret
            ctx.desk_tallies[name] = tally(
                [r for r in receipts if r.path == f"/desk/{name}"],
                expected=expected,
                secret=secret,
                started=ctx.desk.committed_at,
            )
            ctx.direct_tallies[name] = tally(
                [r for r in receipts if r.path == f"/direct/{name}"],
                expected=expected,
                secret=secret,
                started=ctx.direct.started_at,
            )
        desk_delays = [d for t in ctx.desk_tallies.values() for d in t.delays]
        log(
            f"desk {rate(ctx.desk_tallies):.1f} deliveries/s, baseline {rate(ctx.direct_tallies):.1f}/s, ideal "
            f"{ctx.ideal:.1f}/s; p95 delay {percentile(desk_delays, 0.95):.1f} s; "
            + "; ".join(f"{n}: lost {t.lost}, duplicated {t.duplicated}" for n, t in ctx.desk_tallies.items())
        )
        ctx.total = time.monotonic() - began
        section_publish("bench-alerts", render(ctx), write=not args.no_write, log=log)
    for problem in ctx.problems:
        log(f"FAILED: {problem}")
    log(f"done in {time.monotonic() - began:.0f} s")
    return 1 if ctx.problems else 0


if __name__ == "__main__":
    sys.exit(main())
