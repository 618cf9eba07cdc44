"""The bench's web in a process of its own (bench/pages.py): started, waited for, measured, stopped."""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import pages
from bench.common import ROOT

# Clients of the capacity test, each opening a new connection per request: far more than any run asks at once.
LOAD_CONCURRENCY = 96
LOAD_SECONDS = 3.0


@dataclass(frozen=True)
class PageSet:
    """The pages the run checks: `pages` on each of `hosts` hosts, each answer held `latency` seconds."""

    hosts: int
    pages: int
    latency: float
    port: int

    @property
    def count(self) -> int:
        return self.hosts * self.pages

    def sizes_kb(self) -> tuple[float, float, float]:
        """The smallest, largest and mean page, in KB."""
        sizes = [len(pages.page_html(h, p)) / 1024 for h in range(self.hosts) for p in range(self.pages)]
        return min(sizes), max(sizes), statistics.mean(sizes)


class PageServer:
    """`python -m bench.pages serve` in its own process (its CPU is measured apart from the worker's)."""

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
        try:
            self.port, self.count = self._wait_ready()
        except BaseException:
            # Nobody will stop a server that never became ours.
            self.stop()
            raise
        self.page_set = PageSet(hosts, pages_per_host, latency, self.port)

    def _wait_ready(self) -> tuple[int, int]:
        """The port and the number of pages, once the server says it listens on every host."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"READY (\d+) (\d+)", Path(self.out.name).read_text())
            if match:
                return int(match.group(1)), int(match.group(2))
            if self.process.poll() is not None:
                raise RuntimeError(f"the page server exited: {Path(self.out.name).read_text()}")
            time.sleep(0.1)
        raise RuntimeError("the page server did not start within 60 s")

    def capacity(self) -> float:
        """Requests per second it answers with LOAD_CONCURRENCY clients and a new connection per request."""
        served, seconds = pages.load_test(
            self.port, self.page_set.hosts, self.page_set.pages, LOAD_CONCURRENCY, LOAD_SECONDS
        )
        return served / seconds

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
