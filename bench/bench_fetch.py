"""`make bench-fetch`: source checks per second end to end, against the ideal and LinkChecker; CPU per check; the
flags sweep over 100,000 and 1,000,000 claims. Writes its section of docs/benchmarks.md.

Everything it talks to is on 127.0.0.0/8: 20 page hosts 127.0.0.2 … 127.0.0.21 (bench/pages.py), a throwaway
redis-server on 127.0.0.1, PostgreSQL at DATABASE_URL (refused unless it resolves to loopback), and a real Celery
worker started with the test settings, whose fetcher only allows 127.0.0.0/8.

Run with DJANGO_SETTINGS_MODULE=factcheck.settings.test and DATABASE_URL pointing at a database of its own
(created if missing, migrated, emptied after use). `--quick` runs a small version for trying the script out.

The parts are in bench/fetch/: the page server, the data set, the end-to-end run with a real worker, LinkChecker,
the in-process CPU breakdown, the sweeps (run.py runs them in that order), and the report.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file (python bench/bench_fetch.py) as well as a module
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    code_version,
    database_from_env,
    django_migrate,
    fetch_networks_check,
    require_loopback,
    section_publish,
)
from bench.fetch import log  # noqa: E402
from bench.fetch.pageserver import PageServer  # noqa: E402
from harness.celery_worker import ThrowawayRedis  # noqa: E402

# The files whose code the run measures: their hashes name it in the report, with the commit.
MEASURED_FILES = [
    "claims/sources/fetching.py",
    "claims/sources/extract.py",
    "claims/sources/pagetext.py",
    "claims/sources/dispatch.py",
    "claims/sources/check.py",
    "claims/sources/quotes.py",
    "claims/sources/tasks.py",
    "claims/flags.py",
]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=100, help="pages per host")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--extra-global", type=int, default=32, help="the information run's global limit (0: none)")
    parser.add_argument("--extra-sources", type=int, default=1000, help="sources checked in the information run")
    parser.add_argument("--sweep-timeout", type=int, default=120, help="statement timeout of a sweep, in seconds")
    parser.add_argument("--sweep-sizes", default="100000,1000000")
    parser.add_argument("--breakdown", type=int, default=100, help="sources for the in-process CPU breakdown (0: none)")
    parser.add_argument("--skip-linkchecker", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing docs/")
    parser.add_argument("--quick", action="store_true", help="a small run to try the script: 4 hosts × 10 pages")
    args = parser.parse_args()
    if args.quick:
        args.hosts, args.pages, args.breakdown, args.sweep_sizes = 4, 10, 10, "2000,20000"
    if not 1 <= args.hosts <= 200:
        raise SystemExit("--hosts must be 1 … 200 (127.0.0.2 … 127.0.0.201)")
    return args


def main() -> int:
    args = arguments()
    began = time.monotonic()
    code = code_version(MEASURED_FILES)
    name = database_from_env("bench-fetch", log=log)
    with ExitStack() as cleanup:
        redis = ThrowawayRedis()
        cleanup.callback(redis.stop)
        require_loopback(redis.url, "REDIS_URL")
        # Anything the bench process sends by accident goes to the throwaway redis too (the settings read it).
        os.environ["REDIS_URL"] = redis.url
        django_migrate(name, log=log)
        # Imported once Django is set up: the parts of the run import the models.
        from bench.fetch.report import render
        from bench.fetch.run import measure

        fetch_networks_check()
        log(f"starting {args.hosts} page hosts")
        server = PageServer(args.hosts, args.pages, args.latency)
        cleanup.callback(server.stop)
        # The fetcher's port rules hold on loopback too: the page server's port is the one the run allows, here and
        # in the worker (harness's Worker passes this process's allowed ports on).
        from django.conf import settings

        settings.FACTCHECK_FETCH_ALLOWED_PORTS = [server.port]
        ctx = measure(args, server, redis, code=code, argv=sys.argv[1:])
        ctx.total = time.monotonic() - began
        section_publish("bench-fetch", render(ctx), write=not args.no_write, log=log)
    log(f"done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
