"""A throwaway Redis and real Celery worker processes, on loopback only: for the integration tests and benchmarks."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from claims.sources.dispatch import Lease

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ThrowawayRedis:
    """A redis-server of our own on a free loopback port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="factcheck-redis-")
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the throwaway redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def database_url() -> str:
    """The database this process is using (the test database, or the benchmark's), for the worker to use too."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def enqueue_into(broker_url: str) -> Callable[[Lease], None]:
    """What sources_dispatch calls to enqueue a check, sending it to the given broker (a throwaway redis)."""

    def enqueue(lease: Lease) -> None:
        send_into(broker_url, "claims.sources.tasks.source_check_task", lease.source_id, str(lease.token))

    return enqueue


def send_into(broker_url: str, task_name: str, *args: object) -> None:
    """Send a task by name to the given broker (a throwaway redis), as beat or a committed change would."""
    from factcheck.celery import app

    with app.connection_for_write(broker_url) as conn, conn.Producer() as producer:
        app.tasks[task_name].apply_async(args, producer=producer)


class Worker:
    """`celery -A factcheck worker` in its own process, with this process's database, the given broker and settings.

    `concurrency`: threads of a thread pool, as most tests run it; with `prefork`, processes of the production
    pool; None for the prefork pool with the settings' default concurrency, as the benchmark runs it.
    `queues`: the queues it consumes (-Q); by default all the declared ones, as `make run`'s worker does.
    `env` overrides the environment: DJANGO_SETTINGS_MODULE and DATABASE_URL too (the local run's test does). The
    fetcher's allowed ports are this process's (the tests add their servers' ports).
    """

    def __init__(
        self,
        broker_url: str,
        *,
        concurrency: int | None = 4,
        prefork: bool = False,
        queues: Sequence[str] = (),
        ready_timeout: float = 60,
        **env: str,
    ) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="factcheck-worker-", suffix=".log", delete=False)  # noqa: SIM115
        if prefork or concurrency is None:
            options = ["--pool=prefork", *([f"--concurrency={concurrency}"] if concurrency is not None else [])]
        else:
            options = ["--pool=threads", f"--concurrency={concurrency}"]
        if queues:
            options.append(f"--queues={','.join(queues)}")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                *options,
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={
                # The pool's size comes from `concurrency` or the settings, never from the caller's environment.
                **{name: value for name, value in os.environ.items() if name != "CELERY_WORKER_CONCURRENCY"},
                "DJANGO_SETTINGS_MODULE": "factcheck.settings.test",
                "DATABASE_URL": database_url(),
                "REDIS_URL": broker_url,
                "FACTCHECK_FETCH_ALLOWED_PORTS": ",".join(str(port) for port in settings.FACTCHECK_FETCH_ALLOWED_PORTS),
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_for("ready.", ready_timeout)
        except BaseException:
            # Nobody will stop a worker that never became ours.
            self.stop()
            raise

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def queues(self) -> set[str]:
        """The queues this worker consumes, as its start-up banner lists them."""
        return set(re.findall(r"^\s*\.> (\S+)\s+exchange=", self.output(), re.MULTILINE))

    def _wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.output()}")
            time.sleep(0.1)
        raise RuntimeError(f"the worker did not get ready:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL, the whole process group: no warm shutdown, no acknowledgement, nothing cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
        os.unlink(self.log.name)


def wait_until(condition: Callable[[], object], timeout: float = 60, interval: float = 0.2) -> bool:
    """Whether `condition` comes true within `timeout` seconds, asked every `interval`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
