"""The bench's web in a process of its own (bench/pages.py): started, waited for, measured, stopped."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bench import pages
from bench.common import ServerProcess

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


class PageServer(ServerProcess):
    """`python -m bench.pages serve` in its own process (its CPU is measured apart from the worker's)."""

    def __init__(self, hosts: int, pages_per_host: int, latency: float) -> None:
        args = ["serve", "--hosts", str(hosts), "--pages", str(pages_per_host), "--latency", str(latency)]
        # It says READY with its port and the number of pages once it listens on every host.
        super().__init__("bench.pages", *args, name="bench-pages", ready=r"READY (\d+) (\d+)")
        self.port, self.count = (int(group) for group in self.ready)
        self.page_set = PageSet(hosts, pages_per_host, latency, self.port)

    def capacity(self) -> float:
        """Requests per second it answers with LOAD_CONCURRENCY clients and a new connection per request."""
        served, seconds = pages.load_test(
            self.port, self.page_set.hosts, self.page_set.pages, LOAD_CONCURRENCY, LOAD_SECONDS
        )
        return served / seconds
