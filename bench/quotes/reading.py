"""Reading one fetched page as a check reads it, in a child process of its own, measuring its time and memory.

The child is forked from the bench process once the desk's modules are loaded and warm, like a worker's process
after its first check; its peak RSS (VmHWM, reset when it starts) is the memory a worker would need to read that
page. What it measures: `extract.read(main=True)` (a page seen for the first time), `pagetext.normalize` of the
visible text, `quote_found` for every typed quote asked of the page, and `pagetext.fingerprint` of the main text:
what a check does with a new page's text, short of hashing and storing it.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from claims.sources import extract, pagetext

MB = 1024 * 1024


@dataclass(frozen=True)
class Cost:
    wall: float  # seconds, all of the steps
    cpu: float  # seconds of the child's CPU (user + system)
    read: float  # seconds (wall) of each step
    normalize: float
    match: float
    fingerprint: float
    rss_start: float  # MB: the process as forked, before reading
    peak_rss: float  # MB: its high-water mark while reading


@dataclass(frozen=True)
class Read:
    cost: Cost | None = None
    unread_because: str = ""
    title: str = ""
    visible_chars: int = 0
    text_chars: int = 0
    found: list[bool] = field(default_factory=list)
    # The visible text as normalize() gives it, when asked for (to say why a quote was missed).
    normalized: str = ""
    error: str = ""


def status_mb(name: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM...), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{name} not in /proc/self/status")


def measured(document: extract.Document, quotes: list[str], *, keep_text: bool, timeout: float) -> Read:
    """Read the page in a forked child; the child's figures, or why there are none (killed, crashed)."""
    out, into = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, report, leave without running the parent's cleanup
        os.close(out)
        try:
            payload = asdict(_read(document, quotes, keep_text=keep_text, timeout=timeout))
        except BaseException as exc:  # noqa: BLE001 - whatever happens is the measurement
            payload = asdict(Read(error=f"{type(exc).__name__}: {exc}"))
        with os.fdopen(into, "wb") as pipe:
            pipe.write(json.dumps(payload).encode())
        os._exit(0)
    os.close(into)
    data, deadline, killed = bytearray(), time.monotonic() + timeout + 10, False
    with os.fdopen(out, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if ready:
                chunk = pipe.read(1 << 20)
                if not chunk:
                    break
                data += chunk
    _, wait_status = os.waitpid(pid, 0)
    if killed:
        return Read(error=f"killed after {timeout + 10:.0f} s")
    if not data:
        return Read(error=f"the reading process died ({_died(wait_status)})")
    payload = json.loads(data)
    cost = payload.pop("cost")
    return Read(cost=Cost(**cost) if cost else None, **payload)


def _died(wait_status: int) -> str:
    if os.WIFSIGNALED(wait_status):
        return f"signal {signal.Signals(os.WTERMSIG(wait_status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(wait_status)}"


def _read(document: extract.Document, quotes: list[str], *, keep_text: bool, timeout: float) -> Read:
    # Limits of the child's own, so that a runaway page cannot take the machine with it: CPU time, address space.
    resource.setrlimit(resource.RLIMIT_CPU, (int(timeout), int(timeout) + 5))
    address_space = int(status_mb("VmSize") * MB) + 4 * 1024 * MB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    # Linux: "5" resets the peak RSS to the current RSS (proc(5), /proc/pid/clear_refs).
    Path("/proc/self/clear_refs").write_text("5")
    rss_start = status_mb("VmRSS")
    cpu_start = time.process_time()
    started = time.perf_counter()
    reading = extract.read(document, main=True)
    read_done = time.perf_counter()
    normalized = pagetext.normalize(reading.visible)
    normalized_done = time.perf_counter()
    found = [pagetext.quote_found(quote, normalized) for quote in quotes]
    matched = time.perf_counter()
    pagetext.fingerprint(reading.text)
    ended = time.perf_counter()
    cost = Cost(
        wall=ended - started,
        cpu=time.process_time() - cpu_start,
        read=read_done - started,
        normalize=normalized_done - read_done,
        match=matched - normalized_done,
        fingerprint=ended - matched,
        rss_start=rss_start,
        peak_rss=status_mb("VmHWM"),
    )
    return Read(
        cost=cost,
        unread_because=str(reading.unread_because),
        title=reading.title,
        visible_chars=len(reading.visible),
        text_chars=len(reading.text),
        found=found,
        normalized=normalized if keep_text else "",
    )
