"""What the benchmarks share: a log line, loopback only, a database of their own, their sections of the docs."""

from __future__ import annotations

import ipaddress
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The desk's own database and the test suite's: a benchmark empties its database, so never one of these.
FORBIDDEN_DATABASES = {"factcheck", "test_factcheck"}
DEFAULT_SETTINGS = "factcheck.settings.test"

Log = Callable[[str], None]


def logger(bench: str) -> Log:
    """A function that prints a progress line of this benchmark, with the time."""

    def log(message: str) -> None:
        print(f"[{bench} {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)

    return log


def require_loopback(url: str, what: str) -> None:
    """Refuse to go on unless every address the URL's host resolves to is on loopback: benchmarks reach nothing else."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise SystemExit(f"{what}: cannot resolve {host!r}: {exc}") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if ip not in LOOPBACK and ip != ipaddress.ip_address("::1"):
            raise SystemExit(f"{what} ({url}) is not on loopback ({address}); the benchmark only talks to 127.0.0.0/8.")


def fetch_networks_check() -> None:
    """Refuse settings that would let the fetcher (here or in the bench's workers) reach past loopback."""
    from django.conf import settings

    for network in settings.FACTCHECK_FETCH_ALLOW_NETWORKS:
        allowed = ipaddress.ip_network(network, strict=False)
        if not isinstance(allowed, ipaddress.IPv4Network) or not allowed.subnet_of(LOOPBACK):
            raise SystemExit(f"FACTCHECK_FETCH_ALLOW_NETWORKS allows {network}: the bench only allows loopback")


def database_ensure(url: str, *, log: Log) -> str:
    """The benchmark's own database on loopback, created if missing: its name.

    Refuses the desk's and the test suite's databases (FORBIDDEN_DATABASES), so a benchmark never empties them.
    """
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in LOOPBACK_HOSTS:
        raise SystemExit(f"DATABASE_URL must be on loopback, not {parts.hostname!r}")
    require_loopback(url, "DATABASE_URL")
    if not name or name in FORBIDDEN_DATABASES:
        raise SystemExit(f"refusing database {name!r}: use a database of the benchmark's own")
    admin = f"host={parts.hostname} port={parts.port or 5432} user={parts.username or 'postgres'} dbname=postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return name
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"created database {name}")
    return name


def database_from_env(target: str, *, log: Log) -> str:
    """The database named by DATABASE_URL (the Makefile `target` sets it), created if missing: its name.

    Also picks the test settings unless DJANGO_SETTINGS_MODULE says otherwise; Django is not set up yet, so that the
    caller can still change the environment the settings read.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit(f"set DATABASE_URL to the benchmark's database (see the Makefile's {target} target)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    return database_ensure(url, log=log)


def django_migrate(name: str, *, log: Log) -> None:
    """Set Django up on the benchmark's database `name` and bring its tables up to date."""
    import django
    from django.core.management import call_command

    django.setup()
    log(f"migrating {name}")
    call_command("migrate", verbosity=0, interactive=False)


def database_settle(*, log: Log) -> None:
    """VACUUM ANALYZE, as autovacuum leaves tables soon after bulk inserts: without it, every search reads the GIN
    indexes' pending lists of the 100,000 rows just written (a search then took three times as long), which is not
    the state a newsroom's database is in."""
    from django.db import connection

    log("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def section_write(name: str, section: str, *, log: Log) -> None:
    """Replace the section `name` of docs/benchmarks.md (appended the first time), leaving the others as they are."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    # Read right before writing: the other benchmarks write their own sections of the same file.
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}{end}"
    if start in current and end in current and current.index(start) < current.index(end):
        before, rest = current.split(start, 1)
        updated = before + block + rest.split(end, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    draft = DOC.with_suffix(f".md.tmp-{name}")
    draft.write_text(updated, encoding="utf-8")
    draft.replace(DOC)
    log(f"wrote the {name} section of {DOC.relative_to(ROOT)}")


def section_publish(name: str, section: str, *, write: bool, log: Log) -> None:
    """Write the section into docs/benchmarks.md, or print it (`--no-write`)."""
    if write:
        section_write(name, section, log=log)
    else:
        print(section)


def code_version(files: list[str]) -> str:
    """The commit, and the working tree's state of the files a benchmark exercises, as its run starts."""
    import hashlib
    import subprocess

    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout.strip()
            or "unknown"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    digests = []
    for name in files:
        path = ROOT / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "missing"
        digests.append(f"`{name}` {digest}")
    return f"commit {commit} plus the working tree at the start of the run (sha256: {', '.join(digests)})"


class ServerProcess:
    """`python -m <module> <args>` in a process of its own (its CPU is measured apart), its output in a temporary
    file: started, waited for until it prints a line matching `ready`, stopped."""

    def __init__(self, module: str, *args: str, name: str, ready: str, timeout: float = 60) -> None:
        self.module = module
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # What the ready line's groups say (a port, a count).
            self.ready = self._wait_ready(re.compile(ready), timeout)
        except BaseException:
            # Nobody will stop a server that never became ours.
            self.stop()
            raise

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def _wait_ready(self, ready: re.Pattern[str], timeout: float) -> tuple[str, ...]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = ready.search(self.output())
            if match:
                return match.groups()
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.module} exited: {self.output()}")
            time.sleep(0.1)
        raise RuntimeError(f"{self.module} did not start within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        os.unlink(self.log.name)
