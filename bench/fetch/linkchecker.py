"""LinkChecker, the baseline: the same URLs, checked by a well-known link checker with the same limits."""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import require_loopback


@dataclass
class LinkCheckerRun:
    version: str = ""
    error: str = ""
    wall: float = 0.0
    startup: float = 0.0  # its fixed cost: interpreter, imports, thread start and stop
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

    @property
    def cpu_per_check_ms(self) -> float:
        return self.cpu / max(self.checked, 1) * 1000


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


def linkchecker_run(urls: list[str], *, threads: int, per_second: float, latency: float) -> LinkCheckerRun:
    """LinkChecker over `urls` with `threads` at once and at most `per_second` requests per host: time and CPU."""
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
    for path in (config, url_file):
        path.touch()
        os.chmod(path, 0o644)
    args = [str(binary), "-f", str(config), "-t", str(threads), "-r0", "--no-robots", "--no-status", "-v"]
    args += ["-o", "csv", "--stdin"]
    run.command = f"linkchecker -f linkcheckerrc -t {threads} -r0 --no-robots --no-status -v -o csv --stdin < urls.txt"
    try:
        run.version = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=60
        ).stdout.split("\n")[0]
        # Its fixed cost with one URL, to report the rate without it.
        url_file.write_text(urls[0] + "\n")
        wall1, _, _, _ = _linkchecker_once(args, url_file)
        run.startup = max(0.0, wall1 - latency)
        url_file.write_text("\n".join(urls) + "\n")
        run.wall, run.cpu, out, err = _linkchecker_once(args, url_file)
        _csv_read(run, out, err)
    except (OSError, subprocess.SubprocessError) as exc:
        run.error = f"{type(exc).__name__}: {exc}"
    return run


def _linkchecker_once(args: list[str], url_file: Path) -> tuple[float, float, str, str]:
    """One LinkChecker run over the URLs of `url_file`: its wall time, its CPU, its output and its errors."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with open(url_file) as stdin:
        done = subprocess.run(args, stdin=stdin, capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout, done.stderr


def _csv_read(run: LinkCheckerRun, out: str, err: str) -> None:
    """URLs checked and found valid, from LinkChecker's CSV output (its `#` lines are comments)."""
    lines = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(lines), delimiter=";"))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    if "valid" in header:
        i = header.index("valid")
        run.checked = len(body)
        run.valid = sum(1 for row in body if len(row) > i and row[i] == "True")
    else:
        run.error = f"unexpected output: {out[:300]!r} {err[-500:]!r}"
