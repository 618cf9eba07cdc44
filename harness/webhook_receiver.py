"""A real webhook receiver on 127.0.0.1, scripted per path: for the alerts' tests and their benchmark."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    """How one path answers: `statuses` in turn (then `then`), after `delay` seconds; `hold` makes it wait until
    released (a receiver the sender dies waiting for). `fail_every` n > 0: once `statuses` are used up, every n-th
    answer of the path is `fail_status` instead of `then` (2: half of them, alternately; the benchmark's flaky
    receiver)."""

    statuses: list[int] = field(default_factory=list)
    then: int = 200
    delay: float = 0.0
    hold: threading.Event | None = None
    fail_every: int = 0
    fail_status: int = 500
    # Answers given after `statuses`, for `fail_every`.
    answered: int = 0


@dataclass(frozen=True)
class Received:
    path: str
    # Header names lowercased.
    headers: dict[str, str]
    body: bytes
    status: int
    # When the request had been read (time.time(), so that another process can compare it with its own clock).
    received_at: float = 0.0


class WebhookReceiver:
    """A threaded HTTP server that takes POSTs, answers as scripted and keeps everything it was sent."""

    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.receiver = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def script(self, path: str, **how: object) -> str:
        """Answer POSTs to `path` as described (see Script); returns its URL."""
        self.scripts[path] = Script(**how)  # type: ignore[arg-type]
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [seen for seen in self.received if seen.path == path]

    def webhook_ids(self, path: str) -> list[str]:
        """The `webhook-id`s the path took (answered 2xx), once per delivery."""
        return [seen.headers.get("webhook-id", "") for seen in self.at(path) if 200 <= seen.status < 300]

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        for script in self.scripts.values():
            if script.hold is not None:
                script.hold.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _answer(self, path: str) -> tuple[Script, int]:
        with self._lock:
            script = self.scripts.get(path) or Script(then=404)
            if script.statuses:
                return script, script.statuses.pop(0)
            script.answered += 1
            if script.fail_every > 0 and script.answered % script.fail_every == 0:
                return script, script.fail_status
            return script, script.then

    def _record(self, seen: Received) -> None:
        with self._lock:
            self.received.append(seen)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    receiver: WebhookReceiver


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        received_at = time.time()
        script, status = receiver._answer(self.path)
        if script.hold is not None:
            script.hold.wait(60)
        if script.delay:
            time.sleep(script.delay)
        headers = {name.lower(): value for name, value in self.headers.items()}
        receiver._record(Received(self.path, headers, body, status, received_at))
        answer = b'{"ok": true}' if 200 <= status < 300 else b'{"error": "scripted"}'
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass
