"""`make bench-fetch`: source checks per second end to end, against the ideal and LinkChecker; CPU per check; the
flags sweep over 100,000 and 1,000,000 claims. Writes its section of docs/benchmarks.md.

Everything it talks to is on 127.0.0.0/8: 20 page hosts 127.0.0.2 … 127.0.0.21 (bench/pages.py), a throwaway
redis-server on 127.0.0.1, PostgreSQL at DATABASE_URL (refused unless it resolves to loopback), and a real Celery
worker started with the test settings, whose fetcher only allows 127.0.0.0/8.

Run with DJANGO_SETTINGS_MODULE=factcheck.settings.test and DATABASE_URL pointing at a database of its own
(created if missing, migrated, emptied after use). `--quick` runs a small version for trying the script out.
"""

from __future__ import annotations

import argparse
import csv
import io
import ipaddress
import os
import platform
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402
from bench.common import database_ensure, logger, section_write  # noqa: E402

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
HINTED_WORK_MEM = "256MB"  # the diagnostic sweep's work_mem (the server's default is 4MB)
BEAT_EVERY = 5.0  # seconds: the bench process plays beat this often during a run


log = logger("bench-fetch")


# --- Safety: loopback only ------------------------------------------------------------------------------------


def require_loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise SystemExit(f"{what}: cannot resolve {host!r}: {exc}") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if ip not in LOOPBACK and ip != ipaddress.ip_address("::1"):
            raise SystemExit(f"{what} ({url}) is not on loopback ({address}); the benchmark only talks to 127.0.0.0/8.")


# --- Processes ------------------------------------------------------------------------------------------------


def cpu_seconds(pids: list[int], *, tree: bool = True) -> float:
    """User+system seconds of these processes, their live descendants and their reaped children."""
    total = 0.0
    seen: set[int] = set()
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs = [root, *(root.children(recursive=True) if tree else [])]
        except psutil.Error:
            continue
        for proc in procs:
            if proc.pid not in seen:
                seen.add(proc.pid)
                total += process_cpu(proc)
    return total


def process_cpu(proc: psutil.Process) -> float:
    """User+system seconds of a process and of its children that exited; 0 if it is gone."""
    try:
        t = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return t.user + t.system + t.children_user + t.children_system


def postgres_cpu() -> float:
    """All PostgreSQL processes of the machine (live ones, plus the backends that exited, via the postmaster)."""
    return sum(
        process_cpu(proc) for proc in psutil.process_iter(["name"]) if proc.info["name"] in ("postgres", "postmaster")
    )


def machine_busy() -> float:
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


class PageServer:
    def __init__(self, hosts: int, pages_per_host: int, latency: float) -> None:
        self.out = tempfile.NamedTemporaryFile(prefix="bench-pages-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.pages",
                "serve",
                "--hosts",
                str(hosts),
                "--pages",
                str(pages_per_host),
                "--latency",
                str(latency),
            ],
            cwd=ROOT,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"READY (\d+) (\d+)", Path(self.out.name).read_text())
            if match:
                self.port, self.count = int(match.group(1)), int(match.group(2))
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the page server exited: {Path(self.out.name).read_text()}")
            time.sleep(0.1)
        raise RuntimeError("the page server did not start within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.out.close()
        os.unlink(self.out.name)


# --- Data -----------------------------------------------------------------------------------------------------


def claim_tables() -> list[str]:
    from claims.models import Check, Claim, Evidence, Flag, Snapshot, Source

    return [m._meta.db_table for m in (Flag, Check, Evidence, Snapshot, Source, Claim)]


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(claim_tables())} RESTART IDENTITY CASCADE")


def page_order(n_hosts: int, n_pages: int) -> list[tuple[int, int]]:
    """Every (host, page), in the shuffled (fixed) order in which the sources are due and LinkChecker gets them."""
    order = [(h, p) for h in range(n_hosts) for p in range(n_pages)]
    random.Random(4).shuffle(order)
    return order


def seed_sources(n_hosts: int, n_pages: int, port: int, limit: int | None = None) -> list[str]:
    """One claim, one source and one quoted `supports` evidence per page (the first `limit` pages of the order)."""
    from django.utils import timezone

    from claims.models import Claim, ClaimStatus, Evidence, Source, Stance

    empty_tables()
    order = page_order(n_hosts, n_pages)[:limit]
    now = timezone.now()
    due = now - timedelta(minutes=1)
    sources = Source.objects.bulk_create(
        [
            Source(url=pages.page_url(h, p, port), host=pages.host_address(h), next_check_at=due, created_at=due)
            for h, p in order
        ],
        batch_size=1000,
    )
    claims = Claim.objects.bulk_create(
        [
            Claim(
                text=f"Deepseek aurait siphonné le savoir de ChatGPT (affirmation {h:02d}-{p:03d}).",
                claimant="OpenAI",
                status=ClaimStatus.RESEARCHING,
                created_at=now - timedelta(days=1),
            )
            for h, p in order
        ],
        batch_size=1000,
    )
    Evidence.objects.bulk_create(
        [
            Evidence(claim=c, source=s, stance=Stance.SUPPORTS, quote=pages.page_quote(h, p), added_at=due)
            for c, s, (h, p) in zip(claims, sources, order, strict=True)
        ],
        batch_size=1000,
    )
    return [s.url for s in sources]


# --- End to end -----------------------------------------------------------------------------------------------


@dataclass
class E2E:
    per_host: int
    global_limit: int
    effective: int
    ideal: float
    sources: int
    checked: int = 0
    elapsed: float = 0.0
    rate: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    p50: float = 0.0
    p95: float = 0.0
    in_flight: float = 0.0
    worker_cpu: float = 0.0
    processes: int = 0
    postgres_cpu: float = 0.0
    server_cpu: float = 0.0
    redis_cpu: float = 0.0
    bench_cpu: float = 0.0
    machine_busy: float = 0.0
    others_cpu: float = 0.0
    beat_leases: int = 0
    beat_calls: int = 0
    duplicates: int = 0
    snapshots: int = 0
    quotes: Counter = field(default_factory=Counter)
    flags_open: int = 0
    sweeps: int = 0  # flags sweeps after checks the worker ran
    worker_errors: list[str] = field(default_factory=list)
    timed_out: bool = False


def checked_sources() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT source_id) FROM claims_check")
        return cursor.fetchone()[0]


def run_e2e(
    *,
    per_host: int,
    global_limit: int,
    n_hosts: int,
    n_pages: int,
    latency: float,
    server: PageServer,
    redis_pids: list[int],
    redis_url: str,
    timeout: float,
    limit: int | None = None,
) -> E2E:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from claims.models import Check, Evidence, Flag, Snapshot
    from claims.sources.dispatch import sources_dispatch
    from harness.celery_worker import Worker, enqueue_into

    effective = min(global_limit, n_hosts * per_host)
    result = E2E(
        per_host, global_limit, effective, effective / latency, min(limit or n_hosts * n_pages, n_hosts * n_pages)
    )
    seed_sources(n_hosts, n_pages, server.port, limit)
    env = {
        "FACTCHECK_PER_HOST_CONCURRENCY": str(per_host),
        "FACTCHECK_GLOBAL_CONCURRENCY": str(global_limit),
        # As in production: a worker process keeps its database connection from one check to the next.
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log(f"end to end: per host {per_host}, global {global_limit}; starting the worker")
    # The production pool: prefork, CELERY_WORKER_CONCURRENCY left to its default (the global limit and half again).
    worker = Worker(redis_url, concurrency=None, ready_timeout=120, **env)
    try:
        time.sleep(1.0)
        result.processes = 1 + len(psutil.Process(worker.process.pid).children(recursive=True))
        enqueue = enqueue_into(redis_url)
        with override_settings(FACTCHECK_PER_HOST_CONCURRENCY=per_host, FACTCHECK_GLOBAL_CONCURRENCY=global_limit):
            cpu0 = (
                cpu_seconds([worker.process.pid]),
                postgres_cpu(),
                cpu_seconds([server.process.pid]),
                cpu_seconds(redis_pids),
                time.process_time(),
                machine_busy(),
            )
            started = time.monotonic()
            sources_dispatch(enqueue=enqueue)
            next_beat = started + BEAT_EVERY
            deadline = started + timeout
            while True:
                done = checked_sources()
                if done >= result.sources:
                    break
                now = time.monotonic()
                if now >= deadline:
                    result.timed_out = True
                    log(f"TIMEOUT after {timeout:.0f} s with {done} sources checked")
                    break
                if now >= next_beat:
                    result.beat_calls += 1
                    result.beat_leases += len(sources_dispatch(enqueue=enqueue))
                    next_beat = now + BEAT_EVERY
                if worker.process.poll() is not None:
                    raise RuntimeError(f"the worker died:\n{worker.output()[-3000:]}")
                time.sleep(0.1)
            result.elapsed = time.monotonic() - started
            cpu1 = (
                cpu_seconds([worker.process.pid]),
                postgres_cpu(),
                cpu_seconds([server.process.pid]),
                cpu_seconds(redis_pids),
                time.process_time(),
                machine_busy(),
            )
        (result.worker_cpu, result.postgres_cpu, result.server_cpu, result.redis_cpu, result.bench_cpu, busy) = (
            b - a for a, b in zip(cpu0, cpu1, strict=True)
        )
        result.machine_busy = busy / (result.elapsed * (os.cpu_count() or 1))
        result.others_cpu = max(
            0.0,
            busy - result.worker_cpu - result.postgres_cpu - result.server_cpu - result.redis_cpu - result.bench_cpu,
        )
        # Let the sweeps the last checks asked for run and commit before reading the outcome.
        time.sleep(settings.FACTCHECK_SWEEP_DELAY + 1.5)
        output = worker.output()
        result.worker_errors = [line for line in output.splitlines() if " ERROR" in line or "Traceback" in line][:5]
        result.sweeps = len(re.findall(r"flags_sweep_checked_task\[[-0-9a-f]+\] succeeded", output))
    finally:
        worker.stop()
    connection.close()
    checked = min(checked_sources(), result.sources)
    result.checked = checked
    result.rate = checked / result.elapsed
    durations = sorted(Check.objects.values_list("duration_ms", flat=True))
    result.outcomes = Counter(Check.objects.values_list("outcome", flat=True))
    result.duplicates = Check.objects.count() - checked
    result.p50 = durations[len(durations) // 2] if durations else 0
    result.p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))] if durations else 0
    result.in_flight = sum(durations) / 1000 / result.elapsed
    result.snapshots = Snapshot.objects.count()
    result.quotes = Counter(Evidence.objects.values_list("quote_status", flat=True))
    result.flags_open = Flag.objects.filter(cleared_at__isnull=True).count()
    log(
        f"  {checked} sources in {result.elapsed:.1f} s: {result.rate:.1f} checks/s ({result.rate / result.ideal:.0%} of "
        f"{result.ideal:.0f}); worker CPU {result.worker_cpu / max(checked, 1) * 1000:.1f} ms/check; "
        f"machine busy {result.machine_busy:.0%}; outcomes {dict(result.outcomes)}"
    )
    return result


# --- LinkChecker ----------------------------------------------------------------------------------------------


@dataclass
class LinkCheckerRun:
    version: str = ""
    error: str = ""
    wall: float = 0.0
    startup: float = 0.0
    checked: int = 0
    valid: int = 0
    cpu: float = 0.0
    config: str = ""
    command: str = ""

    @property
    def rate(self) -> float:
        return self.checked / self.wall if self.wall else 0.0

    @property
    def rate_without_startup(self) -> float:
        return self.checked / max(self.wall - self.startup, 1e-9) if self.wall else 0.0


def linkchecker_config(threads: int, per_second: float) -> str:
    return (
        "[checking]\n"
        f"threads={threads}\n"
        f"maxrequestspersecond={per_second:g}\n"
        "recursionlevel=0\n"
        "robotstxt=0\n"
        "timeout=20\n"
        "[output]\n"
        "status=0\n"
    )


def run_linkchecker(urls: list[str], *, threads: int, per_second: float, latency: float) -> LinkCheckerRun:
    run = LinkCheckerRun()
    binary = Path(sys.executable).parent / "linkchecker"
    if not binary.exists():
        run.error = f"{binary} not found (pip install -r bench/requirements.txt failed?)"
        return run
    for url in urls:
        require_loopback(url, "LinkChecker URL")
    workdir = Path(tempfile.mkdtemp(prefix="bench-linkchecker-"))
    os.chmod(workdir, 0o755)  # LinkChecker drops root privileges to `nobody`
    config = workdir / "linkcheckerrc"
    run.config = linkchecker_config(threads, per_second)
    config.write_text(run.config)
    url_file = workdir / "urls.txt"
    url_file.write_text("\n".join(urls) + "\n")
    for path in (config, url_file):
        os.chmod(path, 0o644)
    args = [
        str(binary),
        "-f",
        str(config),
        "-t",
        str(threads),
        "-r0",
        "--no-robots",
        "--no-status",
        "-v",
        "-o",
        "csv",
        "--stdin",
    ]
    run.command = f"linkchecker -f linkcheckerrc -t {threads} -r0 --no-robots --no-status -v -o csv --stdin < urls.txt"
    try:
        run.version = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=60
        ).stdout.split("\n")[0]

        def one() -> tuple[float, float, str, str]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            with open(url_file) as stdin:
                done = subprocess.run(args, stdin=stdin, capture_output=True, text=True, timeout=600)
            wall = time.monotonic() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return wall, cpu, done.stdout, done.stderr

        # Its fixed cost (interpreter, imports, thread start and stop) with one URL, to report the rate without it.
        url_file.write_text(urls[0] + "\n")
        wall1, _, _, _ = one()
        run.startup = max(0.0, wall1 - latency)
        url_file.write_text("\n".join(urls) + "\n")
        run.wall, run.cpu, out, err = one()
        rows = [
            row
            for row in csv.reader(
                io.StringIO("\n".join(l for l in out.splitlines() if not l.startswith("#"))), delimiter=";"
            )
        ]
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        if "valid" in header:
            i = header.index("valid")
            run.checked = len(body)
            run.valid = sum(1 for row in body if len(row) > i and row[i] == "True")
        else:
            run.error = f"unexpected output: {out[:300]!r} {err[-500:]!r}"
    except (OSError, subprocess.SubprocessError) as exc:
        run.error = f"{type(exc).__name__}: {exc}"
    return run


# --- In-process CPU breakdown ---------------------------------------------------------------------------------

SWEEP_STEP = "flags_sweep_checked (its share per check)"


@dataclass
class Breakdown:
    checks_per_sweep: int
    n: int = 0
    cpu_ms: dict[str, float] = field(default_factory=dict)
    queries: dict[str, float] = field(default_factory=dict)
    connect_client_ms: float = 0.0
    connect_postgres_ms: float = 0.0
    connect_wall_ms: float = 0.0


def run_breakdown(n: int, *, n_hosts: int, n_pages: int, port: int, checks_per_sweep: int) -> Breakdown:
    """The task's work (check, dispatch, and a sweep after every `checks_per_sweep` checks, as the end-to-end run
    had them) for `n` sources one after the other in this process, timed by phase.

    The timers wrap module attributes in this process only; no file changes. CPU is this process's (the client
    side), PostgreSQL's is measured apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.flags import flags_sweep_checked
    from claims.models import Source
    from claims.sources import check, dispatch, extract, fetching, pagetext

    seed_sources(n_hosts, n_pages, port)
    acc: dict[str, float] = defaultdict(float)
    patched: list[tuple[object, str, object]] = []

    def timed(module: object, name: str, label: str) -> None:
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            t = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                acc[label] += time.process_time() - t

        patched.append((module, name, original))
        setattr(module, name, wrapper)

    timed(check, "fetch", "fetch (all)")
    timed(fetching, "_ssl_context", "SSL context (per fetch)")
    timed(extract, "main_text", "trafilatura article")
    timed(pagetext, "fingerprint", "fingerprint")
    timed(extract, "visible_text", "visible text")
    timed(pagetext, "quote_found", "quote matching")
    queries: dict[str, int] = defaultdict(int)
    ids = list(Source.objects.order_by("id").values_list("id", flat=True)[:n])
    try:
        for i, source_id in enumerate(ids, start=1):
            token = uuid.uuid4()
            Source.objects.filter(pk=source_id).update(lease_token=token, fetching=True)
            steps = [
                ("source_check (all)", lambda: check.source_check(source_id=source_id, token=token)),
                ("sources_dispatch", lambda: dispatch.sources_dispatch(enqueue=lambda lease: None)),
            ]
            if i % checks_per_sweep == 0 or i == len(ids):
                steps.append((SWEEP_STEP, flags_sweep_checked))
            for label, call in steps:
                with CaptureQueriesContext(connection) as captured:
                    t = time.process_time()
                    call()
                    acc[label] += time.process_time() - t
                queries[label] += len(captured.captured_queries)
            # Give back what the no-op dispatch claimed, so that it keeps finding work.
            Source.objects.filter(lease_token__isnull=False).exclude(pk__in=ids).update(lease_token=None)
    finally:
        for module, name, original in patched:
            setattr(module, name, original)
    result = Breakdown(n=len(ids), checks_per_sweep=checks_per_sweep)
    result.cpu_ms = {label: seconds / len(ids) * 1000 for label, seconds in acc.items()}
    result.queries = {label: count / len(ids) for label, count in queries.items()}
    # What CONN_MAX_AGE=0 costs each Celery task: a new PostgreSQL connection (and backend process).
    rounds = 30
    pg0, t0, w0 = postgres_cpu(), time.process_time(), time.monotonic()
    for _ in range(rounds):
        connection.close()
        connection.ensure_connection()
    result.connect_client_ms = (time.process_time() - t0) / rounds * 1000
    result.connect_wall_ms = (time.monotonic() - w0) / rounds * 1000
    connection.close()
    time.sleep(0.5)  # the exited backends are reaped and counted in the postmaster's children
    result.connect_postgres_ms = (postgres_cpu() - pg0) / rounds * 1000
    return result


# --- Flags sweep ----------------------------------------------------------------------------------------------


@dataclass
class SweepRun:
    claims: int
    evidence: int = 0
    sources: int = 0
    seed_seconds: float = 0.0
    cold_seconds: float = 0.0
    cold_queries: int = 0
    cold_result: dict = field(default_factory=dict)
    warm_seconds: float = 0.0
    warm_queries: int = 0
    warm_result: dict = field(default_factory=dict)
    flags_by_kind: dict = field(default_factory=dict)
    statements: str = ""
    plans: str = ""
    cold_timed_out: str = ""
    warm_timed_out: str = ""
    hinted_seconds: float = 0.0
    hinted_queries: int = 0
    hinted_result: dict = field(default_factory=dict)
    hinted_timed_out: str = ""


def seed_sweep(total_claims: int) -> tuple[int, int, int]:
    """Grow the sweep data set to `total_claims` claims (INSERT … SELECT generate_series), with 1 or 2 evidence each.

    The mix: 5% rejected, 10% published; created 0 to 239 hours ago (70% past FACTCHECK_UNPROVEN_AFTER's 72 h);
    one claim in 8 cites only context; sources 85% alive, 5% dead, 5% failing, 5% pending; 70% of evidence quoted,
    of which 8% missing and 12% unverified; 5% of evidence on a page that changed since cited. The sources' URLs are
    loopback addresses and they are not due for a year: nothing here is ever fetched.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FROM claims_claim")
        last_claim, have = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM claims_source")
        last_source = cursor.fetchone()[0]
        want_sources = total_claims // 4
        cursor.execute(
            """
            INSERT INTO claims_source (url, host, state, final_url, title, content_type, etag, last_modified,
                raw_sha256, text_sha256, fingerprint, next_check_at, consecutive_failures, last_error, created_at,
                fetching, sweep_pending)
            SELECT 'http://127.0.0.' || (2 + g %% 20) || ':9/sweep/' || g, '127.0.0.' || (2 + g %% 20),
                CASE g %% 20 WHEN 0 THEN 'dead' WHEN 1 THEN 'failing' WHEN 2 THEN 'pending' ELSE 'alive' END,
                '', '', 'text/html', '', '', '', '', '', now() + interval '365 days', 0, '', now(), false, false
            FROM generate_series(%s, %s) AS g
            """,
            [last_source + 1, want_sources],
        )
        cursor.execute(
            """
            INSERT INTO claims_claim (text, claimant, appearance_url, language, status, summary, created_at,
                updated_at, version, published_at, first_published_at)
            SELECT 'Affirmation de synthèse n° ' || g, 'Personnalité ' || (g %% 997), '',
                CASE WHEN g %% 5 = 0 THEN 'en' ELSE 'fr' END,
                CASE WHEN g %% 20 = 0 THEN 'rejected' WHEN g %% 10 = 1 THEN 'published'
                     WHEN g %% 3 = 0 THEN 'draft' ELSE 'researching' END,
                '', now() - (g %% 240) * interval '1 hour', now(), 1,
                CASE WHEN g %% 10 = 1 THEN now() END, CASE WHEN g %% 10 = 1 THEN now() END
            FROM generate_series(%s, %s) AS g
            """,
            [have + 1, total_claims],
        )
        cursor.execute(
            """
            INSERT INTO claims_evidence (claim_id, source_id, stance, quote, note, added_at, quote_status,
                quote_override_reason, page_changed)
            SELECT c.id, 1 + ((c.id * 7919 + k * 104729) %% %s),
                CASE WHEN c.id %% 8 = 0 THEN 'context' WHEN (c.id + k) %% 20 < 8 THEN 'supports'
                     WHEN (c.id + k) %% 20 < 13 THEN 'refutes' ELSE 'context' END,
                CASE WHEN (c.id * k) %% 10 < 7 THEN 'citation ' || c.id ELSE '' END, '', now(),
                CASE WHEN (c.id * k) %% 10 >= 7 THEN 'unverified'
                     WHEN (c.id + 3 * k) %% 25 < 2 THEN 'missing'
                     WHEN (c.id + 3 * k) %% 25 < 5 THEN 'unverified' ELSE 'found' END,
                '', (c.id + k) %% 20 = 0
            FROM claims_claim AS c CROSS JOIN LATERAL generate_series(1, 1 + c.id %% 2) AS k
            WHERE c.id > %s
            """,
            [want_sources, last_claim],
        )
        cursor.execute("ANALYZE claims_claim, claims_evidence, claims_source, claims_flag")
        cursor.execute(
            "SELECT (SELECT count(*) FROM claims_claim), (SELECT count(*) FROM claims_evidence), "
            "(SELECT count(*) FROM claims_source)"
        )
        return cursor.fetchone()


def explain_sweep() -> str:
    """The plans PostgreSQL picks for the statements `flags_sweep()` sends now: each is EXPLAINed instead of run."""
    from django.db import connection

    from claims.flags import flags_sweep
    from claims.models import FlagKind

    notes: list[str] = []

    def explain_instead(execute, sql, params, many, context):
        verb = sql.split(None, 1)[0].upper()
        if verb not in ("INSERT", "UPDATE", "DELETE"):
            return execute(sql, params, many, context)
        cursor = context["cursor"]
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        kind = next((p for p in (params or []) if isinstance(p, str) and p in FlagKind.values), "")
        if not kind:
            kind = next((k for k in FlagKind.values if f"'{k}'" in sql), "?")
        found = []
        if (
            verb == "INSERT"
            and "Nested Loop Anti Join" in plan
            and re.search(r"Seq Scan on claims_flag|flag_open_kind_idx", plan)
        ):
            found.append(
                "nested loop anti join reading claims_flag (all of it, or all open flags of the kind) for every row"
            )
        elif "Nested Loop Anti Join" in plan:
            found.append("nested loop anti join")
        for join in ("Hash Anti Join", "Merge Anti Join", "Hash Join", "Merge Join"):
            if join in plan:
                found.append(join.lower())
        if re.search(r"NOT \(SubPlan", plan):
            found.append("NOT IN as a plain SubPlan (not hashed: rescanned for every row)")
        elif "hashed SubPlan" in plan:
            found.append("hashed NOT IN")
        notes.append(f"{verb} `{kind}`: {', '.join(found) or 'no join'}")
        return None

    with connection.execute_wrapper(explain_instead):
        try:
            flags_sweep()
        except Exception as exc:  # noqa: BLE001 - a diagnosis only
            notes.append(f"(EXPLAIN failed: {type(exc).__name__}: {exc})")
    return " · ".join(notes)


def run_sweeps(sizes: list[int], timeout: int) -> list[SweepRun]:
    from django.db import OperationalError, connection
    from django.test.utils import CaptureQueriesContext

    from claims.flags import flags_sweep
    from claims.models import Flag

    empty_tables()
    runs = []
    for size in sizes:
        run = SweepRun(size)
        log(f"flags sweep: seeding up to {size:,} claims")
        t = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE claims_flag RESTART IDENTITY")
        run.claims, run.evidence, run.sources = seed_sweep(size)
        run.seed_seconds = time.monotonic() - t
        run.plans = explain_sweep()
        # cold: the first sweep, planner left alone; hinted: the same from no flags again, with the session told
        # to avoid nested loops and given work_mem for a hashed NOT IN (a diagnosis of the plans, not a fix);
        # warm: the sweep again, planner left alone, with the flags the hinted sweep raised.
        for phase in ("cold", "hinted", "warm"):
            with connection.cursor() as cursor:
                if phase == "hinted":
                    cursor.execute("TRUNCATE claims_flag RESTART IDENTITY")
                    cursor.execute("SET enable_nestloop = off")
                    cursor.execute(f"SET work_mem = '{HINTED_WORK_MEM}'")
                # Bounded: a statement running longer than this is cancelled (and the sweep rolled back).
                cursor.execute(f"SET statement_timeout = '{int(timeout)}s'")
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                try:
                    outcome = flags_sweep()
                except OperationalError:
                    outcome = {}
                    sent = [q["sql"] for q in captured.captured_queries if q["sql"].strip().upper() != "ROLLBACK"]
                    what = re.sub(r"\s+", " ", sent[-1] if sent else "")[:80]
                    setattr(
                        run,
                        f"{phase}_timed_out",
                        f"cancelled after {timeout} s in its statement {len(sent)} (`{what}…`)",
                    )
                    log(f"  {phase}: {getattr(run, f'{phase}_timed_out')}")
                seconds = time.perf_counter() - t
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
                cursor.execute("RESET enable_nestloop")
                cursor.execute("RESET work_mem")
            setattr(run, f"{phase}_seconds", seconds)
            setattr(run, f"{phase}_queries", len(captured.captured_queries))
            setattr(run, f"{phase}_result", outcome)
            if outcome:
                kinds = Counter(
                    q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries if q["sql"].strip()
                )
                run.statements = ", ".join(f"{k} × {v}" for k, v in kinds.items())
            log(f"  {phase}: {seconds:.2f} s, {len(captured.captured_queries)} queries, {outcome}")
        run.flags_by_kind = dict(Counter(Flag.objects.filter(cleared_at__isnull=True).values_list("kind", flat=True)))
        runs.append(run)
    empty_tables()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return runs


# --- Report ---------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def render(ctx: dict) -> str:  # noqa: C901, PLR0912, PLR0915 - one page of Markdown
    e2e: list[E2E] = ctx["e2e"]
    base = e2e[0] if e2e else None
    lc: LinkCheckerRun | None = ctx.get("linkchecker")
    bd: Breakdown | None = ctx.get("breakdown")
    sweeps: list[SweepRun] = ctx.get("sweeps", [])
    w = []
    w.append("## Source checking throughput and the flags sweep (`make bench-fetch`)\n")
    w.append(
        f"- Command: `make bench-fetch` (`bench/bench_fetch.py{ctx['argv']}`), run {ctx['date']}, "
        f"{ctx['total']:.0f} s in all."
    )
    w.append(f"- Code measured: {ctx['code']}.")
    w.append(
        f"- Machine: {os.cpu_count()} CPUs (`os.cpu_count()`), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, PostgreSQL "
        f"{ctx['pg_version']}, Redis {ctx['redis_version']}; everything (pages, worker, PostgreSQL, Redis, "
        "LinkChecker) on the same machine."
    )
    w.append(
        f"- Pages: {ctx['n_sources']:,} French news pages from `bench/pages.py` ({ctx['page_kb'][0]:.0f}–"
        f"{ctx['page_kb'][1]:.0f} KB, mean {ctx['page_kb'][2]:.1f} KB: title, navigation, article paragraphs "
        f"built from `harness/data/seed-article.txt`, aside, footer), {ctx['n_pages']} on each of {ctx['n_hosts']} "
        f"hosts 127.0.0.2 … 127.0.0.{1 + ctx['n_hosts']} port {ctx['port']}, each answer held "
        f"{ctx['latency'] * 1000:.0f} ms before its first byte. One asyncio server process; its capacity, "
        f"measured first: {ctx['server_capacity']:.0f} requests/s with {ctx['load_concurrency']} clients and a "
        f"new connection per request (the most the end-to-end runs ask is {max((r.ideal for r in e2e), default=0):.0f}/s)."
    )
    w.append(
        "- Settings: `factcheck.settings.test` (`FACTCHECK_FETCH_ALLOW_NETWORKS=127.0.0.0/8`; the worker with "
        "`DJANGO_CONN_MAX_AGE=60` as in production), database `factcheck_bench_fetch`, a throwaway `redis-server` on 127.0.0.1; worker "
        "`python -m celery -A factcheck worker --loglevel=INFO` (prefork, `CELERY_WORKER_CONCURRENCY` left to "
        "its default, the global limit and half as many again). Each source has one claim and one quoted `supports` evidence; "
        "sources are due in a shuffled order."
    )
    w.append(
        "- Clock: from the first `sources_dispatch()` (called in the bench process, which also plays beat "
        f"every {BEAT_EVERY:g} s) until every source has a `Check` row. Ideal = effective concurrency / latency, "
        "effective concurrency = min(global, hosts × per host).\n"
    )

    if e2e:
        w.append("### End to end: dispatch, fetch, extraction, storage, quote check, flags sweep\n")
        head = [
            "",
            *[
                f"per host {r.per_host}, global {r.global_limit}, {r.sources:,} sources"
                + (" (default)" if i == 0 else " (information)")
                for i, r in enumerate(e2e)
            ],
            "target / baseline",
        ]
        w.append("| " + " | ".join(head) + " |")
        w.append("|" + "---|" * len(head))

        def row(label: str, values: list[str], target: str = "") -> None:
            w.append(f"| {label} | " + " | ".join(values) + f" | {target} |")

        lc_rate = lc.rate_without_startup if lc and not lc.error else 0
        row(
            "sources checked per second",
            [f"**{r.rate:.1f}**" for r in e2e],
            f"ideal {base.ideal:.0f}/s, target ≥ {0.8 * base.ideal:.0f}/s; LinkChecker {lc_rate:.1f}/s" if base else "",
        )
        row("share of the ideal", [f"{r.rate / r.ideal:.0%} of {r.ideal:.0f}/s" for r in e2e], "≥ 80%")
        row(
            "wall time for all sources",
            [f"{r.elapsed:.1f} s" for r in e2e],
            f"ideal {base.sources / base.ideal:.1f} s" if base else "",
        )
        row(
            "outcomes",
            [", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items())) or "none" for r in e2e],
            f"all ok ({base.sources:,})" if base else "",
        )
        row("sources checked twice", [str(r.duplicates) for r in e2e], "0")
        row(
            "quotes found / snapshots / open flags",
            [f"{r.quotes.get('found', 0)} / {r.snapshots} / {r.flags_open}" for r in e2e],
            "",
        )
        row(
            "Check.duration_ms p50 / p95",
            [f"{r.p50:.0f} / {r.p95:.0f} ms" for r in e2e],
            f"latency {ctx['latency'] * 1000:.0f} ms",
        )
        row(
            "fetches in flight on average (Σ duration / wall)",
            [f"{r.in_flight:.1f}" for r in e2e],
            "effective concurrency",
        )
        row(
            "worker CPU per check (parent + prefork children)",
            [f"**{r.worker_cpu / max(r.checked, 1) * 1000:.1f} ms**" for r in e2e],
            f"LinkChecker {lc.cpu / max(lc.checked, 1) * 1000:.1f} ms" if lc and not lc.error else "",
        )
        row(
            "PostgreSQL CPU per check (whole server)",
            [f"{r.postgres_cpu / max(r.checked, 1) * 1000:.1f} ms" for r in e2e],
            "",
        )
        row(
            "page server / Redis / bench process CPU per check",
            [
                f"{r.server_cpu / max(r.checked, 1) * 1000:.1f} / {r.redis_cpu / max(r.checked, 1) * 1000:.1f} / "
                f"{r.bench_cpu / max(r.checked, 1) * 1000:.1f} ms"
                for r in e2e
            ],
            "",
        )
        row("machine CPU busy during the run", [f"{r.machine_busy:.0%} of {os.cpu_count()} CPUs" for r in e2e], "")
        row(
            "CPU taken by other processes of the machine (not the bench's, not PostgreSQL)",
            [f"{r.others_cpu:.0f} s = {r.others_cpu / r.elapsed:.2f} CPU" for r in e2e],
            "0 on a quiet machine",
        )
        row("worker processes", [str(r.processes) for r in e2e], "")
        row("beat calls / slots beat filled", [f"{r.beat_calls} / {r.beat_leases}" for r in e2e], "")
        row(
            "flags sweeps after checks (checks per sweep)",
            [f"{r.sweeps} ({r.checked / r.sweeps:.0f})" if r.sweeps else "0" for r in e2e],
            "one per `FACTCHECK_SWEEP_DELAY_SECONDS` per worker process (the cache that spaces them is per process "
            "in these settings, Redis in production)",
        )
        for r in e2e:
            if r.timed_out:
                w.append(f"\nThe run at global {r.global_limit} timed out before every source was checked.")
            if r.worker_errors:
                w.append(f"\nWorker errors at global {r.global_limit}: `{r.worker_errors[0][:300]}`")
        w.append("")

    w.append("### LinkChecker on the same URL list, same run\n")
    if lc is None:
        w.append("Not run (`--skip-linkchecker`).\n")
    elif lc.error:
        w.append(f"LinkChecker could not be run: `{lc.error}`\n")
    else:
        w.append(
            f"{lc.version}, from PyPI (`bench/requirements.txt`), command `{lc.command}`, with this "
            "configuration file:\n"
        )
        w.append("```ini\n" + lc.config + "```\n")
        w.append(
            "LinkChecker has no per-host concurrency limit: its per-host limit is a rate, `maxrequestspersecond`, "
            "which spaces the starts of requests to one host by a random 1/rate … 6/rate seconds (so about a third "
            "of the rate on average). It is set to 20, the most our limit allows (2 at once × 1 / 100 ms); above 10 "
            "LinkChecker only honours it for servers that answer with a `LinkChecker` header, which the bench pages "
            "send. `threads` = 8 = our global limit. `--no-robots` because our checker does not read robots.txt; "
            "`-r0`: the 2,000 URLs are checked, not crawled. LinkChecker checks the status and reads the page; it "
            "extracts, stores and compares nothing, so it does less work per URL than our checks do. URLs in the "
            "same (shuffled) order as our sources are due.\n"
        )
        row_ = [
            ("URLs checked (valid)", f"{lc.checked:,} ({lc.valid:,})", f"{base.sources:,}" if base else ""),
            ("wall time", f"{lc.wall:.1f} s (startup {lc.startup:.1f} s)", f"{base.elapsed:.1f} s" if base else ""),
            (
                "checks per second",
                f"{lc.rate:.1f} ({lc.rate_without_startup:.1f} without its startup)",
                f"{base.rate:.1f}" if base else "",
            ),
            (
                "CPU per check",
                f"{lc.cpu / max(lc.checked, 1) * 1000:.1f} ms",
                f"{base.worker_cpu / max(base.checked, 1) * 1000:.1f} ms (worker)" if base else "",
            ),
        ]
        w.append("| | LinkChecker | ours at the default concurrency |")
        w.append("|---|---|---|")
        for label, theirs, ours in row_:
            w.append(f"| {label} | {theirs} | {ours} |")
        w.append("")

    if bd:
        w.append(
            f"### Where a check's CPU goes: the task's work for {bd.n} sources, one after the other, in one process\n"
        )
        w.append(
            "Timers around the functions (this process's CPU; PostgreSQL's own work is not included), with the "
            "queries each step sends:\n"
        )
        w.append("| step | CPU ms per check | queries per check |")
        w.append("|---|---|---|")
        order = [
            "source_check (all)",
            "fetch (all)",
            "SSL context (per fetch)",
            "trafilatura article",
            "fingerprint",
            "visible text",
            "quote matching",
            SWEEP_STEP,
            "sources_dispatch",
        ]
        for label in order:
            indent = "&nbsp;&nbsp;" if label not in ("source_check (all)", SWEEP_STEP, "sources_dispatch") else ""
            indent = indent + ("&nbsp;&nbsp;" if label == "SSL context (per fetch)" else "")
            q = bd.queries.get(label)
            w.append(f"| {indent}{label} | {bd.cpu_ms.get(label, 0):.1f} | {'' if q is None else f'{q:.1f}'} |")
        inside = sum(bd.cpu_ms.get(k, 0) for k in order[1:7] if k != "SSL context (per fetch)")
        w.append(
            f"| &nbsp;&nbsp;the rest of source_check (ORM, hashing, compression, storage) | "
            f"{bd.cpu_ms.get('source_check (all)', 0) - inside:.1f} | |"
        )
        total = sum(bd.cpu_ms.get(k, 0) for k in ("source_check (all)", SWEEP_STEP, "sources_dispatch"))
        w.append(f"| **total in-process** | **{total:.1f}** | **{sum(bd.queries.values()):.0f}** |")
        w.append(
            f"| what a new database connection costs (saved by `CONN_MAX_AGE`): client / PostgreSQL CPU, wall | "
            f"{bd.connect_client_ms:.1f} / {bd.connect_postgres_ms:.1f}, {bd.connect_wall_ms:.1f} ms wall | 1 |"
        )
        w.append("")

    if sweeps:
        w.append("### Flags sweep (`flags_sweep()`, the whole table)\n")
        w.append(
            "Data set grown with `INSERT … SELECT generate_series` and analysed: 5% rejected and 10% published "
            "claims, created 0–239 h ago (70% past the 72 h of `FACTCHECK_UNPROVEN_AFTER`), one claim in 8 with "
            "context evidence only, 1 or 2 evidence per claim, a source per 4 claims (85% alive, 5% dead, 5% "
            "failing, 5% pending), 70% of evidence quoted (8% missing, 12% unverified), 5% on pages changed "
            "since cited. Cold: the first sweep (no flags yet: it raises them all); warm: the same sweep again "
            "(nothing to change). Queries counted with `CaptureQueriesContext`.\n"
        )
        w.append(
            "| claims | evidence | seeding | cold sweep (queries) | warm sweep (queries) | flags raised | "
            f"diagnosis: cold with `enable_nestloop=off`, `work_mem={HINTED_WORK_MEM}` (queries) |"
        )
        w.append("|---|---|---|---|---|---|---|")

        def cell(s: SweepRun, phase: str) -> str:
            if getattr(s, f"{phase}_timed_out"):
                return f"> {getattr(s, f'{phase}_seconds'):.0f} s, **did not finish**"
            return f"{getattr(s, f'{phase}_seconds'):.2f} s ({getattr(s, f'{phase}_queries')})"

        for s in sweeps:
            raised = s.cold_result.get("raised") or s.hinted_result.get("raised")
            w.append(
                f"| {s.claims:,} | {s.evidence:,} | {s.seed_seconds:.0f} s | {cell(s, 'cold')} | {cell(s, 'warm')} | "
                f"{f'{raised:,}' if raised else '–'} | {cell(s, 'hinted')} |"
            )
        w.append(
            "\nThe warm sweep runs after the diagnostic one, on the flags it raised (the cold one's, when it "
            "finished, are the same set)."
        )
        for s in sweeps:
            for phase in ("cold", "hinted", "warm"):
                why = getattr(s, f"{phase}_timed_out")
                if why and not why.startswith("not run"):
                    w.append(f"\nAt {s.claims:,} claims the {phase} sweep was {why}.")
        w.append("\nPlans PostgreSQL chose for the cold sweep's statements (EXPLAIN, right after seeding):\n")
        for s in sweeps:
            w.append(f"- {s.claims:,} claims: {s.plans}")
        done = [s for s in sweeps if not s.cold_timed_out and not s.warm_timed_out and not s.hinted_timed_out]
        if len(done) >= 2 and len(done) == len(sweeps):
            a, b = sweeps[0], sweeps[-1]
            size_ratio = b.claims / a.claims
            w.append(
                f"\n{b.claims / a.claims:.0f}× the claims: cold {b.cold_seconds / a.cold_seconds:.1f}× the time, "
                f"warm {b.warm_seconds / a.warm_seconds:.1f}× (linear would be {size_ratio:.0f}×). Open flags at "
                f"{b.claims:,} claims: {', '.join(f'{k} {v:,}' for k, v in sorted(b.flags_by_kind.items()))}."
            )
        w.append("")

    w.append("### Verdicts\n")
    if base:
        share = base.rate / base.ideal
        w.append(
            f"- At least 80% of the ideal at the default concurrency: {verdict(share >= 0.8 and not base.timed_out)} "
            f"({base.rate:.1f} checks/s = {share:.0%} of {base.ideal:.0f}/s)."
        )
        if lc and not lc.error:
            w.append(
                f"- Faster than LinkChecker: {verdict(base.rate > lc.rate_without_startup)} ({base.rate:.1f} "
                f"against {lc.rate_without_startup:.1f} checks/s without its startup, {lc.rate:.1f} with it)."
            )
        else:
            w.append(f"- Faster than LinkChecker: not measured ({lc.error if lc else 'skipped'}).")
    if len(sweeps) >= 2:
        counts = {
            getattr(s, f"{ph}_queries")
            for s in sweeps
            for ph in ("cold", "hinted", "warm")
            if not getattr(s, f"{ph}_timed_out")
        }
        statements = next((s.statements for s in sweeps if s.statements), "")
        w.append(
            f"- Sweep query count constant: {verdict(len(counts) == 1)} "
            f"({', '.join(str(c) for c in sorted(counts))} queries in every sweep that finished, at every size: "
            f"{statements}"
            + "".join(
                f"; at {s.claims:,} claims the "
                + " and ".join(ph for ph in ("cold", "hinted", "warm") if getattr(s, f"{ph}_timed_out"))
                + " sweep did not finish"
                for s in sweeps
                if s.cold_timed_out or s.warm_timed_out or s.hinted_timed_out
            )
            + ")."
        )
        a, b = sweeps[0], sweeps[-1]
        ratio = b.claims / a.claims
        if b.cold_timed_out or b.warm_timed_out:
            slow = [ph for ph in ("cold", "warm") if getattr(b, f"{ph}_timed_out")]
            growth = ", ".join(
                f"{ph} over {getattr(b, f'{ph}_seconds') / getattr(a, f'{ph}_seconds'):.0f}×" for ph in slow
            )
            w.append(
                f"- Sweep time at worst linear in claims: **missed** (at {b.claims:,} claims the {' and '.join(slow)} "
                f"sweep did not finish within {ctx.get('sweep_timeout', 0)} s for one statement: {growth} the "
                f"time at {a.claims:,} for {ratio:.0f}× the claims; the diagnostic sweep, "
                f"{b.hinted_seconds / max(a.hinted_seconds, 1e-9):.1f}×"
                f"{'' if not b.hinted_timed_out else ' (did not finish either)'})."
            )
        else:
            worst = max(b.cold_seconds / a.cold_seconds, b.warm_seconds / a.warm_seconds)
            w.append(
                f"- Sweep time at worst linear in claims: {verdict(worst <= ratio * 1.25)} (worst growth "
                f"{worst:.1f}× for {ratio:.0f}× the claims; 25% tolerance for noise)."
            )
    if ctx.get("analysis"):
        w.append("\n" + ctx["analysis"])
    return "\n".join(w) + "\n"


def analysis(ctx: dict) -> str:
    e2e: list[E2E] = ctx["e2e"]
    bd: Breakdown | None = ctx.get("breakdown")
    if not e2e:
        return ""
    base = e2e[0]
    cpus = os.cpu_count() or 1
    per_check = (base.worker_cpu + base.postgres_cpu + base.server_cpu + base.redis_cpu + base.bench_cpu) / max(
        base.checked, 1
    )
    text = [
        f"**Where the time goes.** At the default concurrency the machine was {base.machine_busy:.0%} busy "
        f"({base.others_cpu / base.elapsed:.2f} CPU of it taken by other processes of the machine, outside the "
        "bench and PostgreSQL). "
        f"All processes together spent {per_check * 1000:.0f} ms of CPU per check (worker "
        f"{base.worker_cpu / max(base.checked, 1) * 1000:.0f}, PostgreSQL {base.postgres_cpu / max(base.checked, 1) * 1000:.0f}, "
        f"page server {base.server_cpu / max(base.checked, 1) * 1000:.0f}); with {cpus} CPUs to itself the desk would be "
        f"capped near {cpus / per_check:.0f} checks/s whatever the concurrency"
    ]
    if len(e2e) > 1:
        hi = e2e[1]
        text.append(f" (the run at global {hi.global_limit}: {hi.rate:.1f} checks/s, {hi.machine_busy:.0%} busy)")
    text.append(
        f"; 80% of the ideal ({0.8 * base.ideal:.0f}/s) would need {0.8 * base.ideal * per_check:.1f} CPUs, "
        f"or at most {cpus / (0.8 * base.ideal) * 1000:.0f} ms of CPU per check on {cpus}."
    )
    if bd:
        ssl = bd.cpu_ms.get("SSL context (per fetch)", 0)
        fetch_ms = bd.cpu_ms.get("fetch (all)", 0)
        ssl_note = (
            "`_ssl_context()`, which loads certifi's CA bundle again for every fetch, even of an http:// page"
            if ssl > 2
            else "`_ssl_context()`"
        )
        text.append(
            f" In the task itself, `fetch()` costs {fetch_ms:.1f} ms of CPU, {ssl:.1f} ms of which is "
            f"{ssl_note}; trafilatura {bd.cpu_ms.get('trafilatura article', 0):.1f} ms, the fingerprint "
            f"{bd.cpu_ms.get('fingerprint', 0):.1f} ms, the flags sweep after checks "
            f"{bd.cpu_ms.get(SWEEP_STEP, 0):.1f} ms a check (one sweep per {bd.checks_per_sweep} checks) "
            "and the dispatch "
            f"{bd.cpu_ms.get('sources_dispatch', 0):.1f} ms, with "
            f"{sum(bd.queries.values()):.0f} queries per check in all. A new PostgreSQL connection would cost "
            f"{bd.connect_postgres_ms:.1f} ms of PostgreSQL CPU and {bd.connect_wall_ms:.1f} ms of wall time; "
            "the worker keeps its connection (`DJANGO_CONN_MAX_AGE=60`, as in production)."
        )
    sweeps: list[SweepRun] = ctx.get("sweeps", [])
    if len(sweeps) >= 2:
        a, b = sweeps[0], sweeps[-1]

        def took(run: SweepRun, phase: str) -> str:
            if getattr(run, f"{phase}_timed_out"):
                return f"more than {getattr(run, f'{phase}_seconds'):.0f} s (cancelled)"
            return f"{getattr(run, f'{phase}_seconds'):.1f} s"

        text.append(
            f"\n\n**The sweep.** At {a.claims:,} claims the cold sweep took {took(a, 'cold')}, and {took(a, 'hinted')} "
            f"with nested loops off and work_mem {HINTED_WORK_MEM}; at {b.claims:,} claims {took(b, 'cold')} and "
            f"{took(b, 'hinted')}; the warm sweep {took(a, 'warm')} and {took(b, 'warm')}."
        )
        if b.cold_timed_out or b.warm_timed_out or b.cold_seconds > 2 * b.hinted_seconds:
            text.append(
                " The statements are set-based and fixed in number; what grows faster than the claims is "
                "the plans PostgreSQL picks for them (listed above)."
            )
    return "".join(text)


def code_version() -> str:
    """The commit, and the working tree's state of the files the benchmark exercises, as the run starts."""
    import hashlib

    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout.strip()
            or "unknown"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    files = [
        "claims/sources/fetching.py",
        "claims/sources/extract.py",
        "claims/sources/pagetext.py",
        "claims/sources/dispatch.py",
        "claims/sources/check.py",
        "claims/sources/quotes.py",
        "claims/sources/tasks.py",
        "claims/flags.py",
    ]
    digests = []
    for name in files:
        path = ROOT / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "missing"
        digests.append(f"`{name}` {digest}")
    return f"commit {commit} plus the working tree at the start of the run (sha256: {', '.join(digests)})"


# --- Main -----------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
    began = time.monotonic()
    code = code_version()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        raise SystemExit("set DATABASE_URL to the benchmark's database (see the Makefile's bench-fetch target)")
    require_loopback(database_url, "DATABASE_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.test")
    database_ensure(database_url, log=log)

    from harness.celery_worker import ThrowawayRedis

    with ExitStack() as cleanup:
        redis = ThrowawayRedis()
        cleanup.callback(redis.stop)
        require_loopback(redis.url, "REDIS_URL")
        # Anything the bench process sends by accident goes to the throwaway redis too.
        os.environ["REDIS_URL"] = redis.url

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        log("migrating the benchmark database")
        call_command("migrate", verbosity=0, interactive=False)
        for network in settings.FACTCHECK_FETCH_ALLOW_NETWORKS:
            if not ipaddress.ip_network(network, strict=False).subnet_of(LOOPBACK):
                raise SystemExit(f"FACTCHECK_FETCH_ALLOW_NETWORKS allows {network}: the bench only allows loopback")
        per_host, global_limit = settings.FACTCHECK_PER_HOST_CONCURRENCY, settings.FACTCHECK_GLOBAL_CONCURRENCY

        log(f"starting {args.hosts} page hosts")
        server = PageServer(args.hosts, args.pages, args.latency)
        cleanup.callback(server.stop)
        sizes = [len(pages.page_html(h, p)) / 1024 for h in range(args.hosts) for p in range(args.pages)]
        load_concurrency = 96
        served, seconds = pages.load_test(server.port, args.hosts, args.pages, load_concurrency, 3.0)
        log(f"page server capacity: {served / seconds:.0f} requests/s at {load_concurrency} connections")

        ctx: dict = {
            "code": code,
            "argv": (" " + " ".join(sys.argv[1:])) if sys.argv[1:] else "",
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "n_hosts": args.hosts,
            "n_pages": args.pages,
            "n_sources": args.hosts * args.pages,
            "latency": args.latency,
            "port": server.port,
            "page_kb": (min(sizes), max(sizes), statistics.mean(sizes)),
            "server_capacity": served / seconds,
            "load_concurrency": load_concurrency,
            "e2e": [],
        }
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            ctx["pg_version"] = cursor.fetchone()[0].split(" ")[0]
        ctx["redis_version"] = (
            subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=30)
            .stdout.split("v=")[-1]
            .split(" ")[0]
        )
        redis_pids = [redis.process.pid]
        n = args.hosts * args.pages
        runs = [(per_host, global_limit)]
        if args.extra_global and args.extra_global != global_limit:
            runs.append((per_host, args.extra_global))
        urls: list[str] = []
        for i, (ph, gl) in enumerate(runs):
            ideal = min(gl, args.hosts * ph) / args.latency
            limit = None if i == 0 else args.extra_sources
            timeout = max(480.0, 6 * (limit or n) / ideal)
            ctx["e2e"].append(
                run_e2e(
                    per_host=ph,
                    global_limit=gl,
                    n_hosts=args.hosts,
                    n_pages=args.pages,
                    latency=args.latency,
                    server=server,
                    redis_pids=redis_pids,
                    redis_url=redis.url,
                    timeout=timeout,
                    limit=limit,
                )
            )
        urls = [pages.page_url(h, p, server.port) for h, p in page_order(args.hosts, args.pages)]

        if not args.skip_linkchecker:
            log("LinkChecker on the same URLs")
            ctx["linkchecker"] = run_linkchecker(
                urls, threads=global_limit, per_second=per_host / args.latency, latency=args.latency
            )
            lc = ctx["linkchecker"]
            log(f"  {lc.error or f'{lc.checked} URLs ({lc.valid} valid) in {lc.wall:.1f} s: {lc.rate:.1f}/s'}")
        if args.breakdown:
            log(f"CPU breakdown over {args.breakdown} checks in-process")
            # As many checks per sweep as the default end-to-end run had.
            base = ctx["e2e"][0] if ctx["e2e"] else None
            checks_per_sweep = max(1, round(base.checked / base.sweeps)) if base and base.sweeps else 1
            ctx["breakdown"] = run_breakdown(
                args.breakdown,
                n_hosts=args.hosts,
                n_pages=args.pages,
                port=server.port,
                checks_per_sweep=checks_per_sweep,
            )
            log(f"  {ctx['breakdown'].cpu_ms}")
        sweep_sizes = [int(s) for s in args.sweep_sizes.split(",") if s.strip()]
        if sweep_sizes:
            ctx["sweeps"] = run_sweeps(sweep_sizes, args.sweep_timeout)
            ctx["sweep_timeout"] = args.sweep_timeout
        else:
            empty_tables()
        ctx["total"] = time.monotonic() - began
        ctx["analysis"] = analysis(ctx)
        section = render(ctx)
        if args.no_write:
            print(section)
        else:
            section_write("bench-fetch", section, log=log)
    log(f"done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
