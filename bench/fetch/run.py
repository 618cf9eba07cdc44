"""One bench-fetch run: every part in turn, at the limits of the settings, gathered into the report's context."""

from __future__ import annotations

import argparse
import subprocess
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection

from bench.fetch import log
from bench.fetch.breakdown import Breakdown, breakdown_run
from bench.fetch.dataset import page_urls, tables_empty
from bench.fetch.endtoend import EndToEndRun, end_to_end_run
from bench.fetch.linkchecker import LinkCheckerRun, linkchecker_run
from bench.fetch.pageserver import LOAD_CONCURRENCY, PageServer
from bench.fetch.report import Context
from bench.fetch.sweeps import sweeps_run
from harness.celery_worker import ThrowawayRedis


def measure(
    args: argparse.Namespace, server: PageServer, redis: ThrowawayRedis, *, code: str, argv: list[str]
) -> Context:
    """The page server's capacity, then end to end, LinkChecker, the CPU breakdown and the sweeps, as asked."""
    capacity = server.capacity()
    log(f"page server capacity: {capacity:.0f} requests/s at {LOAD_CONCURRENCY} connections")
    ctx = Context(
        code=code,
        argv=(" " + " ".join(argv)) if argv else "",
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        page_set=server.page_set,
        page_kb=server.page_set.sizes_kb(),
        server_capacity=capacity,
        pg_version=postgres_version(),
        redis_version=redis_version(),
    )
    per_host, global_limit = settings.FACTCHECK_PER_HOST_CONCURRENCY, settings.FACTCHECK_GLOBAL_CONCURRENCY
    ctx.e2e = end_to_end_runs(args, server, redis, per_host=per_host, global_limit=global_limit)
    if not args.skip_linkchecker:
        urls = page_urls(server.page_set)
        ctx.linkchecker = linkchecker_measure(urls, per_host=per_host, global_limit=global_limit, latency=args.latency)
    if args.breakdown:
        ctx.breakdown = breakdown_measure(args.breakdown, server, ctx.base)
    sweep_sizes = [int(s) for s in args.sweep_sizes.split(",") if s.strip()]
    if sweep_sizes:
        ctx.sweeps, ctx.sweep_timeout = sweeps_run(sweep_sizes, args.sweep_timeout), args.sweep_timeout
    else:
        tables_empty()
    return ctx


def end_to_end_runs(
    args: argparse.Namespace, server: PageServer, redis: ThrowawayRedis, *, per_host: int, global_limit: int
) -> list[EndToEndRun]:
    """At the settings' limits over every page, then (for information) at `--extra-global` over fewer pages."""
    limits = [(per_host, global_limit)]
    if args.extra_global and args.extra_global != global_limit:
        limits.append((per_host, args.extra_global))
    runs = []
    for i, (ph, gl) in enumerate(limits):
        ideal = min(gl, args.hosts * ph) / args.latency
        limit = None if i == 0 else args.extra_sources
        # Generous: only a run far slower than the ideal is cut short (and reported as timed out).
        timeout = max(480.0, 6 * (limit or server.page_set.count) / ideal)
        runs.append(
            end_to_end_run(per_host=ph, global_limit=gl, server=server, redis=redis, timeout=timeout, limit=limit)
        )
    return runs


def linkchecker_measure(urls: list[str], *, per_host: int, global_limit: int, latency: float) -> LinkCheckerRun:
    """LinkChecker with our limits: as many threads as our global limit, the per-host limit as a rate."""
    log("LinkChecker on the same URLs")
    run = linkchecker_run(urls, threads=global_limit, per_second=per_host / latency, latency=latency)
    log(f"  {run.error or f'{run.checked} URLs ({run.valid} valid) in {run.wall:.1f} s: {run.rate:.1f}/s'}")
    return run


def breakdown_measure(n: int, server: PageServer, base: EndToEndRun | None) -> Breakdown:
    log(f"CPU breakdown over {n} checks in-process")
    # As many checks per sweep as the default end-to-end run had.
    checks_per_sweep = max(1, round(base.checked / base.sweeps)) if base and base.sweeps else 1
    result = breakdown_run(n, page_set=server.page_set, checks_per_sweep=checks_per_sweep)
    log(f"  {result.cpu_ms}")
    return result


def postgres_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]).split(" ")[0] if row else "unknown"


def redis_version() -> str:
    done = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.split("v=")[-1].split(" ")[0]
