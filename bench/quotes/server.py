"""The page set's web server, on 127.0.0.1 only: `python -m bench.quotes.server DIR` serves the files that
pageset.write put in DIR, each with its own Content-Type header, and prints `READY <port>` once it listens."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType


class Pages(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, tuple[str, bytes]]


class Handler(BaseHTTPRequestHandler):
    server: Pages
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path.split("?", 1)[0])
        status, content_type, body = (200, *route) if route else (404, "text/plain", b"not here")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    manifest = json.loads((args.directory / "manifest.json").read_text(encoding="utf-8"))
    server = Pages(("127.0.0.1", 0), Handler)
    server.routes = {
        path: (entry["content_type"], (args.directory / entry["file"]).read_bytes()) for path, entry in manifest.items()
    }

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"READY {server.server_address[1]} {len(server.routes)}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
