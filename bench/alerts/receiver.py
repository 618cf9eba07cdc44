"""The receivers of the run in a process of their own (their CPU is measured apart): three endpoints per phase.

`python -m bench.alerts.receiver --dump FILE` serves POSTs on 127.0.0.1 at /<phase>/<endpoint>, for each phase
(`desk`: the worker's deliveries, `direct`: the baseline's, `probe`: the bare round trips) and each endpoint (`fast`
answers at once, `slow` after `--slow` seconds, `flaky` answers 500 to every `--fail-every`-th request). On SIGTERM it
writes what it received to FILE as JSON and exits. ReceiverProcess starts it, stops it and reads that file.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bench.common import ServerProcess
from harness.webhook_receiver import WebhookReceiver

PHASES = ("desk", "direct", "probe")
ENDPOINTS = ("fast", "slow", "flaky")


@dataclass(frozen=True)
class Receipt:
    """One request a receiver took: where, how it answered, when (time.time()) and what identified it."""

    path: str
    status: int
    received_at: float
    webhook_id: str
    timestamp: str
    signature: str
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def scripts(*, slow: float, fail_every: int) -> dict[str, dict[str, object]]:
    """How each endpoint answers (harness.webhook_receiver.Script's arguments)."""
    return {"fast": {}, "slow": {"delay": slow}, "flaky": {"fail_every": fail_every, "fail_status": 500}}


def serve(*, slow: float, fail_every: int, dump: Path) -> None:
    receiver = WebhookReceiver()
    for phase in PHASES:
        for name, how in scripts(slow=slow, fail_every=fail_every).items():
            receiver.script(f"/{phase}/{name}", **how)
    receiver.start()
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on 127.0.0.1:{receiver.port}", flush=True)
    while not stopping.wait(0.5):
        pass
    receiver.stop()
    rows = [
        [
            seen.path,
            seen.status,
            seen.received_at,
            seen.headers.get("webhook-id", ""),
            seen.headers.get("webhook-timestamp", ""),
            seen.headers.get("webhook-signature", ""),
            seen.body.decode("utf-8", "replace"),
        ]
        for seen in receiver.received
    ]
    draft = dump.with_suffix(".tmp")
    draft.write_text(json.dumps(rows), encoding="utf-8")
    draft.replace(dump)


class ReceiverProcess:
    """The receiver process: its port, its pid, and once stopped, every request it took."""

    def __init__(self, *, slow: float, fail_every: int) -> None:
        self.slow, self.fail_every = slow, fail_every
        handle, name = tempfile.mkstemp(prefix="bench-alerts-receipts-", suffix=".json")
        os.close(handle)
        self.dump = Path(name)
        self.dump.unlink()
        self.server = ServerProcess(
            "bench.alerts.receiver",
            "--slow",
            str(slow),
            "--fail-every",
            str(fail_every),
            "--dump",
            str(self.dump),
            name="bench-alerts-receiver",
            ready=r"listening on 127\.0\.0\.1:(\d+)",
        )
        self.port = int(self.server.ready[0])
        self.pid = self.server.process.pid
        self.receipts: list[Receipt] = []

    def url(self, phase: str, endpoint: str) -> str:
        return f"http://127.0.0.1:{self.port}/{phase}/{endpoint}"

    def stop(self) -> list[Receipt]:
        """Stop it (once) and read what it received."""
        if self.server.process.poll() is None:
            self.server.stop()
            if self.dump.exists():
                rows = json.loads(self.dump.read_text(encoding="utf-8"))
                self.dump.unlink()
                self.receipts = [Receipt(*row) for row in rows]
        return self.receipts

    def at(self, phase: str, endpoint: str) -> list[Receipt]:
        path = f"/{phase}/{endpoint}"
        return [receipt for receipt in self.receipts if receipt.path == path]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--slow", type=float, required=True)
    parser.add_argument("--fail-every", type=int, required=True)
    parser.add_argument("--dump", type=Path, required=True)
    args = parser.parse_args()
    serve(slow=args.slow, fail_every=args.fail_every, dump=args.dump)


if __name__ == "__main__":
    main()
