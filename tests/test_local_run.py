"""`make run` on SQLite: a real worker checking sources and sweeping flags while an editor writes, nothing lost.

Everything runs as `make run` runs it, in processes of their own on `factcheck.settings.local` with a SQLite file:
the worker with its prefork pool of two, an editor's process writing through the services, and this test playing
beat (it sends the dispatch and the sweep of every claim, as beat does every minute, several times a second).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.celery import app
from harness.celery_worker import ROOT, ThrowawayRedis, Worker, wait_until
from tests.http_server import LocalHTTPServer
from tests.pages import HTML, WITH_QUOTE, WITHOUT_QUOTE

pytestmark = pytest.mark.local_run

PAGES = 24
EDITING_SECONDS = 8


@pytest.fixture
def redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    yield server
    server.stop()


@pytest.fixture
def pages() -> Iterator[LocalHTTPServer]:
    """Cited pages: every other one still holds the quote; and the pages the editor will cite while at work."""
    server = LocalHTTPServer()
    for n in range(PAGES):
        server.route(f"/page/{n}", headers=HTML, body=WITH_QUOTE if n % 2 == 0 else WITHOUT_QUOTE)
    for n in range(5000):
        server.route(f"/new/{n}", headers=HTML, body=WITH_QUOTE)
    server.start()
    yield server
    server.stop()


def desk(env: dict[str, str], *args: str) -> str:
    """Run tests/local_desk.py with `make run`'s settings; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.local_desk", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Beat(threading.Thread):
    """Beat's two schedules, sent far more often than every minute and every ten minutes, until stopped."""

    def __init__(self, broker_url: str) -> None:
        super().__init__(daemon=True)
        self.broker_url = broker_url
        self.stopping = threading.Event()

    def run(self) -> None:
        with app.connection_for_write(self.broker_url) as connection:
            while not self.stopping.wait(0.3):
                app.send_task("claims.sources.tasks.sources_dispatch_task", connection=connection)
                app.send_task("claims.sources.tasks.flags_sweep_task", connection=connection)

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=10)


def test_the_worker_and_an_editor_write_to_sqlite_at_once_and_nothing_is_lost(
    tmp_path: Path, redis: ThrowawayRedis, pages: LocalHTTPServer
) -> None:
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": redis.url,
        # The pages are on this machine; the worker may fetch them and nothing wider.
        "FACTCHECK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "FACTCHECK_FETCH_ALLOWED_PORTS": str(pages.port),
        # All the pages are on one host here, where a desk cites many: as many checks at once as the worker runs.
        "FACTCHECK_PER_HOST_CONCURRENCY": "8",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=60
    )
    desk(env, "setup", *(pages.url(f"/page/{n}") for n in range(PAGES)))

    # As scripts/run-local.sh starts it: the prefork pool of two, every queue.
    worker = Worker(
        redis.url,
        concurrency=2,
        prefork=True,
        DJANGO_SETTINGS_MODULE=env["DJANGO_SETTINGS_MODULE"],
        DATABASE_URL=env["DATABASE_URL"],
        FACTCHECK_FETCH_ALLOW_NETWORKS=env["FACTCHECK_FETCH_ALLOW_NETWORKS"],
        FACTCHECK_FETCH_ALLOWED_PORTS=env["FACTCHECK_FETCH_ALLOWED_PORTS"],
        FACTCHECK_PER_HOST_CONCURRENCY=env["FACTCHECK_PER_HOST_CONCURRENCY"],
    )
    beat = Beat(redis.url)
    try:
        assert worker.queues() == {"checks", "sweeps", "alerts", "matching"}, worker.output()
        beat.start()
        edited = json.loads(desk(env, "edit", str(EDITING_SECONDS), pages.url("")))
        beat.stop()

        def settled() -> bool:
            sources = json.loads(desk(env, "report"))["sources"]
            return all(s["checks"] and not s["leased"] and not s["sweep_pending"] for s in sources)

        # The editor's last evidence is checked, and the claims citing it swept, within seconds.
        assert wait_until(settled, timeout=30, interval=1), worker.output()
        report = json.loads(desk(env, "report"))
    finally:
        log = worker.output()
        worker.stop()
        beat.stop()

    # Nothing lost to a locked database: no task of the worker failed or retried, no write of the editor failed.
    locked = Counter(re.findall(r"Task (claims\.sources\.tasks\.\w+)\[[-0-9a-f]+\] [^\n]*database is locked", log))
    failed = Counter(edited["failed"])
    assert {"worker": dict(locked), "editor": dict(failed)} == {"worker": {}, "editor": {}}, (
        f"{edited['writes']} writes by the editor, {log.count(' succeeded in ')} tasks done by the worker"
    )
    assert "database is locked" not in log, log
    assert " raised unexpected" not in log, log
    # Every write of the editor landed.
    assert edited["writes"] > 100
    assert {pk: report["summaries"][pk] for pk in edited["summaries"]} == edited["summaries"]
    assert set(edited["cited"]) <= set(report["cited"])
    # Every write of the worker landed: each source checked and alive, the quotes verified, the flags raised.
    assert {s["state"] for s in report["sources"]} == {"alive"}
    assert len(report["sources"]) == PAGES + len(edited["cited"])
    assert len(report["quote_missing"]) == PAGES // 2
    assert report["flags"] == sorted([pk, "quote_missing"] for pk in report["quote_missing"])


def test_the_zero_setup_run_starts_without_redis(tmp_path: Path) -> None:
    # `make run` on a machine without Redis: the worker's broker is kombu's filesystem transport.
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "CELERY_", "REDIS_"))},
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    for command in (["migrate", "--no-input", "-v", "0"], ["check"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
