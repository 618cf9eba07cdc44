"""The benchmark's web: realistic French article pages, served by 20 slow hosts on 127.0.0.2 … 127.0.0.21.

`python -m bench.pages serve --hosts 20 --pages 100 --latency 0.1` runs the servers in one asyncio process (started
by bench_fetch.py in its own process, so that its CPU is measured apart from the workers'). It prints one line,
`READY <port>`, once every host listens. Loopback only: every address is checked to be in 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import ipaddress
import random
import re
import signal
import socket
import time
from email.utils import formatdate

from bench.common import LOOPBACK
from harness import SEED_ARTICLE

# 127.0.0.1 is left to everything else on the machine; the hosts start at .2.
FIRST_HOST = 2
PORTS = range(18080, 18180)

SECTIONS = ["International", "Économie", "Tech", "Sciences", "Politique", "Culture", "Société", "Environnement"]
TOPICS = [
    "l’intelligence artificielle",
    "les semi-conducteurs",
    "la régulation européenne",
    "les marchés financiers",
    "la souveraineté numérique",
    "les données d’entraînement",
    "la propriété intellectuelle",
    "la Silicon Valley",
]
NAMES = ["Claire Dubois", "Marc Lefèvre", "Sophie Martin", "Julien Moreau", "Nadia Benali", "Thomas Girard"]


def host_address(index: int) -> str:
    """The address of host `index` (0-based): 127.0.0.2 for the first."""
    address = ipaddress.IPv4Address(f"127.0.0.{FIRST_HOST + index}")
    if address not in LOOPBACK:  # pragma: no cover - the safety rule of the benchmark
        raise ValueError(f"{address} is not a loopback address")
    return str(address)


def page_path(host: int, page: int) -> str:
    return f"/{SECTIONS[(host + page) % len(SECTIONS)].lower().replace('é', 'e')}/article-{host:02d}-{page:03d}.html"


def page_url(host: int, page: int, port: int) -> str:
    return f"http://{host_address(host)}:{port}{page_path(host, page)}"


def _sentences() -> list[str]:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")) if len(s.strip()) > 20]


_SENTENCES = _sentences()


def page_quote(host: int, page: int) -> str:
    """A passage only this page contains; the benchmark's evidence quotes it (typed with straight apostrophes)."""
    return (
        f"Selon le document n° {host:02d}-{page:03d} consulté par notre rédaction, l'enquête sur "
        f"{TOPICS[(host * 7 + page) % len(TOPICS)]} n'a pas encore abouti"
    )


def page_html(host: int, page: int) -> bytes:
    """A French news article of 10 to 30 KB: head, navigation, paragraphs, aside and footer; text differs per page."""
    rng = random.Random(host * 1000 + page)
    section = SECTIONS[(host + page) % len(SECTIONS)]
    topic = TOPICS[(host * 7 + page) % len(TOPICS)]
    author = NAMES[rng.randrange(len(NAMES))]
    target = rng.randint(10_000, 30_000)
    title = f"{section} : Deepseek, {topic} et la contre-attaque américaine ({host:02d}-{page:03d})"
    nav = "".join(f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in SECTIONS)
    head = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{_SENTENCES[page % len(_SENTENCES)][:150]}">'
        f'<meta property="og:title" content="{title}"><meta name="author" content="{author}">'
        '<link rel="stylesheet" href="/static/site.css">'
        "<style>body{font-family:Georgia,serif;margin:0}nav ul{display:flex;list-style:none}"
        ".ad{background:#eee;padding:1em}article p{line-height:1.6}</style>"
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>"
        "</head><body>"
        f'<header class="site"><a href="/" class="logo">Le Quotidien numérique</a><nav><ul>{nav}</ul></nav></header>'
        f"<main><article><h1>{title}</h1>"
        f'<p class="byline">Par {author}, publié le {1 + page % 28} janvier 2025 '
        f"à {8 + host % 12} h {page % 60:02d}</p>"
    )
    aside = (
        '<aside class="related"><h2>À lire aussi</h2><ul>'
        + "".join(f'<li><a href="{page_path(host, (page + k) % 100)}">Article lié {k}</a></li>' for k in range(1, 6))
        + '</ul><div class="ad">Publicité</div></aside>'
    )
    foot = (
        "</article></main><footer><p>© 2025 Le Quotidien numérique. Tous droits réservés.</p>"
        '<ul><li><a href="/mentions-legales">Mentions légales</a></li><li><a href="/contact">Contact</a></li></ul>'
        "</footer></body></html>"
    )
    paragraphs: list[str] = []
    size = len(head) + len(aside) + len(foot)
    offset = rng.randrange(len(_SENTENCES))
    n = 0
    while size < target:
        k = rng.randint(3, 6)
        chosen = [_SENTENCES[(offset + n + i) % len(_SENTENCES)] for i in range(k)]
        n += k
        # Per-page variation so that no two texts are the same.
        chosen.insert(
            rng.randrange(len(chosen) + 1),
            f"Le point {len(paragraphs) + 1} de ce dossier ({host:02d}-{page:03d}) "
            f"concerne {TOPICS[rng.randrange(len(TOPICS))]}, selon {NAMES[rng.randrange(len(NAMES))]}.",
        )
        paragraph = f"<p>{' '.join(chosen)}</p>"
        if len(paragraphs) == 2:
            paragraph = f"<p>{page_quote(host, page).replace(chr(39), '’')}, a-t-on appris mercredi.</p>" + paragraph
        if len(paragraphs) % 4 == 3:
            paragraph = f"<h2>{TOPICS[rng.randrange(len(TOPICS))].capitalize()}</h2>" + paragraph
        paragraphs.append(paragraph)
        size += len(paragraph.encode())
    return (head + "".join(paragraphs) + aside + foot).encode("utf-8")


# --- The server ------------------------------------------------------------------------------------------------


class Site:
    def __init__(self, hosts: int, pages: int, latency: float) -> None:
        self.latency = latency
        self.pages: dict[tuple[str, str], bytes] = {}
        self.etags: dict[tuple[str, str], str] = {}
        for host in range(hosts):
            for page in range(pages):
                key = (host_address(host), page_path(host, page))
                body = page_html(host, page)
                self.pages[key] = body
                self.etags[key] = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self.last_modified = formatdate(time.time() - 86400, usegmt=True)
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        local = writer.get_extra_info("sockname")[0]
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
                except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                method, target = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                # The page's latency: the time a real site takes before its first byte.
                await asyncio.sleep(self.latency)
                self.requests += 1
                key = (local, target.split("?", 1)[0])
                body = self.pages.get(key)
                close = headers.get("connection", "").lower() == "close"
                if body is None:
                    status, body, extra = "404 Not Found", b"not here", "Content-Type: text/plain\r\n"
                elif headers.get("if-none-match") == self.etags[key]:
                    status, body, extra = "304 Not Modified", b"", f"ETag: {self.etags[key]}\r\n"
                else:
                    status = "200 OK"
                    extra = (
                        "Content-Type: text/html; charset=utf-8\r\n"
                        f"ETag: {self.etags[key]}\r\nLast-Modified: {self.last_modified}\r\n"
                    )
                # `LinkChecker:` lets LinkChecker use a maxrequestspersecond above 10 on this host (its documented
                # opt-in for servers); our fetcher ignores it.
                response = (
                    f"HTTP/1.1 {status}\r\nServer: bench-pages\r\nLinkChecker: allow\r\n{extra}"
                    f"Content-Length: {len(body)}\r\n{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n"
                ).encode("latin-1")
                if method == "HEAD":
                    body = b""
                writer.write(response + body)
                await writer.drain()
                if close:
                    return
        except ConnectionError:
            return
        finally:
            writer.close()


async def serve(hosts: int, pages: int, latency: float) -> None:
    site = Site(hosts, pages, latency)
    servers = []
    for port in PORTS:
        try:
            for host in range(hosts):
                address = host_address(host)
                servers.append(await asyncio.start_server(site.handle, address, port, backlog=1024, reuse_address=True))
            break
        except OSError:
            for server in servers:
                server.close()
            servers = []
    if not servers:
        raise SystemExit("no port of 18080-18179 is free on every address 127.0.0.2 … ")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY {port} {len(site.pages)}", flush=True)
    await stop.wait()
    for server in servers:
        server.close()
    print(f"SERVED {site.requests}", flush=True)


# --- A load test of the server (its capacity must be far above the rate asked of it) ----------------------------


async def _load(urls: list[tuple[str, int, str]], concurrency: int, seconds: float) -> tuple[int, float]:
    done = 0
    end = time.monotonic() + seconds
    started = time.monotonic()

    async def client(k: int) -> None:
        nonlocal done
        i = k
        while time.monotonic() < end:
            host, port, path = urls[i % len(urls)]
            i += concurrency
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            await reader.read()  # until the server closes
            writer.close()
            done += 1

    await asyncio.gather(*(client(k) for k in range(concurrency)))
    return done, time.monotonic() - started


def load_test(port: int, hosts: int, pages: int, concurrency: int, seconds: float) -> tuple[int, float]:
    """Requests completed and elapsed seconds with `concurrency` clients, a new connection per request."""
    urls = [(host_address(h), port, page_path(h, p)) for p in range(pages) for h in range(hosts)]
    return asyncio.run(asyncio.wait_for(_load(urls, concurrency, seconds), timeout=seconds + 30))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    # Only loopback: refuse to start otherwise.
    for host in range(args.hosts):
        assert ipaddress.ip_address(host_address(host)) in LOOPBACK
    socket.setdefaulttimeout(30)
    asyncio.run(serve(args.hosts, args.pages, args.latency))


if __name__ == "__main__":
    main()
