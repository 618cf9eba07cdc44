"""What the benchmarks share: a log line, a database of their own, and a section each of docs/benchmarks.md."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The desk's own database and the test suite's: a benchmark empties its database, so never one of these.
FORBIDDEN_DATABASES = {"factcheck", "test_factcheck"}


def logger(bench: str) -> Callable[[str], None]:
    """A function that prints a progress line of this benchmark, with the time."""

    def log(message: str) -> None:
        print(f"[{bench} {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)

    return log


def database_ensure(url: str, *, log: Callable[[str], None]) -> str:
    """The benchmark's own database on loopback, created if missing: its name.

    Refuses the desk's and the test suite's databases (FORBIDDEN_DATABASES), so a benchmark never empties them.
    """
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in LOOPBACK_HOSTS:
        raise SystemExit(f"DATABASE_URL must be on loopback, not {parts.hostname!r}")
    if not name or name in FORBIDDEN_DATABASES:
        raise SystemExit(f"refusing database {name!r}: use a database of the benchmark's own")
    admin = f"host={parts.hostname} port={parts.port or 5432} user={parts.username or 'postgres'} dbname=postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return name
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"created database {name}")
    return name


def section_write(name: str, section: str, *, log: Callable[[str], None]) -> None:
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
