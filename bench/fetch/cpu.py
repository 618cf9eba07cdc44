"""CPU seconds spent during a run: by a process and its children, by PostgreSQL, by the whole machine."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil


def process_cpu(proc: psutil.Process) -> float:
    """User+system seconds of a process and of its children that exited; 0 if it is gone."""
    try:
        t = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return float(t.user + t.system + t.children_user + t.children_system)


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


def postgres_cpu() -> float:
    """All PostgreSQL processes of the machine (live ones, plus the backends that exited, via the postmaster)."""
    return sum(
        process_cpu(proc) for proc in psutil.process_iter(["name"]) if proc.info["name"] in ("postgres", "postmaster")
    )


def machine_busy() -> float:
    """CPU seconds the machine spent on anything but idling (or waiting for I/O) since it booted."""
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds so far of each party to an end-to-end run; two samples make what the run cost each. The server is
    the other end: the page server (bench-fetch), the webhook receivers (bench-alerts)."""

    worker: float = 0.0
    postgres: float = 0.0
    server: float = 0.0
    redis: float = 0.0
    bench: float = 0.0
    machine: float = 0.0

    @classmethod
    def take(cls, *, worker_pid: int | None, server_pid: int, redis_pids: list[int]) -> CpuSample:
        return cls(
            worker=cpu_seconds([worker_pid]) if worker_pid else 0.0,
            postgres=postgres_cpu(),
            server=cpu_seconds([server_pid]),
            redis=cpu_seconds(redis_pids),
            bench=time.process_time(),
            machine=machine_busy(),
        )

    def __sub__(self, before: CpuSample) -> CpuSample:
        return CpuSample(
            worker=self.worker - before.worker,
            postgres=self.postgres - before.postgres,
            server=self.server - before.server,
            redis=self.redis - before.redis,
            bench=self.bench - before.bench,
            machine=self.machine - before.machine,
        )

    @property
    def others(self) -> float:
        """What the machine spent outside these processes (never below 0: the measures are not simultaneous)."""
        return max(0.0, self.machine - self.worker - self.postgres - self.server - self.redis - self.bench)
