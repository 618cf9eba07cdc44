"""A real HTTP server on 127.0.0.1 for the fetcher's tests, scripted per path."""

from __future__ import annotations

import gzip
import ssl
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers on one path."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # Seconds to wait before the status line.
    delay: float = 0.0
    # Seconds between body bytes, sent one at a time; 0 sends the body at once.
    trickle: float = 0.0
    # Read the request and never answer.
    hang: bool = False
    # False: no Content-Length, the body ends when the connection closes.
    content_length: bool = True


@dataclass(frozen=True)
class SeenRequest:
    path: str
    # Header names lowercased.
    headers: dict[str, str]
    method: str = "GET"
    body: bytes = b""


class LocalHTTPServer:
    """A threaded server on a random port of 127.0.0.1; tests add routes, then read what it was asked."""

    def __init__(self, *, certificate: str | None = None, key: str | None = None) -> None:
        """Plain HTTP, or HTTPS with `certificate` and `key` (PEM files)."""
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        # Names clients asked for in the TLS handshake (SNI).
        self.server_names: list[str | None] = []
        # Set on stop, so that hanging and trickling handlers end with the test instead of lingering.
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.site = self
        self.scheme = "http"
        if certificate is not None:
            self.scheme = "https"
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate, key)
            context.sni_callback = lambda _socket, name, _context: self.server_names.append(name)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, **answer: object) -> str:
        """Answer `path` as described (see Route); returns its URL."""
        self.routes[path] = Route(**answer)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, *, status: int = 302, headers: list[tuple[str, str]] | None = None) -> str:
        return self.route(path, status=status, headers=[("Location", to), *(headers or [])])

    def gzip_route(self, path: str, body: bytes, **answer: object) -> str:
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
        return self.route(path, headers=headers, body=gzip.compress(body), **answer)

    def paths_requested(self) -> list[str]:
        return [request.path for request in self.requests]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: LocalHTTPServer

    def handle_error(self, request: object, client_address: object) -> None:
        # The fetcher hangs up mid-conversation on purpose (caps, timeouts, bodies it will not read).
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(method="POST", body=self.rfile.read(length))

    def _serve(self, *, method: str = "GET", body: bytes = b"") -> None:
        site = self.server.site
        sent = {name.lower(): value for name, value in self.headers.items()}
        site.requests.append(SeenRequest(self.path, sent, method=method, body=body))
        # A route for a path without its query string answers whatever the query.
        route = site.routes.get(self.path) or site.routes.get(self.path.split("?", 1)[0])
        route = route or Route(status=404, body=b"not here")
        if route.hang:
            site.stopping.wait(60)
            self.close_connection = True
            return
        if route.delay and site.stopping.wait(route.delay):
            return
        headers = dict((name.lower(), value) for name, value in route.headers)
        if self._unchanged(headers):
            self._answer(Route(status=304, headers=[(n, v) for n, v in route.headers if n.lower() != "content-type"]))
            return
        self._answer(route)

    def _unchanged(self, headers: dict[str, str]) -> bool:
        """Like a real server: the validators the client sent still match the page."""
        if "etag" in headers and self.headers.get("If-None-Match") == headers["etag"]:
            return True
        return "last-modified" in headers and self.headers.get("If-Modified-Since") == headers["last-modified"]

    def _answer(self, route: Route) -> None:
        site = self.server.site
        self.send_response(route.status)
        for name, value in route.headers:
            self.send_header(name, value)
        if route.status == 304:
            pass  # no body, so no length either
        elif route.content_length:
            self.send_header("Content-Length", str(len(route.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if route.status == 304:
            return
        try:
            if not route.trickle:
                self.wfile.write(route.body)
                return
            for i in range(len(route.body)):
                if site.stopping.wait(route.trickle):
                    return
                self.wfile.write(route.body[i : i + 1])
        except (BrokenPipeError, ConnectionResetError):
            # The fetcher hung up on purpose (cap, timeout); nothing to report.
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass
