"""Fetch an untrusted web address for source checking: public addresses only, bounded in time and size."""

from __future__ import annotations

import codecs
import dataclasses
import email.utils
import errno
import functools
import http
import ipaddress
import logging
import math
import re
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

import charset_normalizer
import httpcore
import httpx
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from claims.reasons import Params, Reason, address_kind_text

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

Outcome = Literal[
    "ok",
    "not_modified",  # 304 to a conditional request: alive and unchanged
    "restricted",  # 401, 402, 403
    "rate_limited",  # 429, or 503 with a Retry-After
    "http_error",  # any other 3xx, 4xx or 5xx final answer
    "network_error",  # unknown name, refused connection, TLS or protocol failure
    "timeout",
    "too_large",  # decoded body over FACTCHECK_FETCH_MAX_BYTES
    "unsupported",  # a content type (or compression) we do not read
    "redirects",  # a redirect loop, more redirects than allowed, or one to no valid address: readers cannot follow
    "blocked",  # refused by the safety rules: scheme, port, address
]

# Pages whose text we read; PDF is kept as bytes only: extracting its text is left to the caller for now.
TEXT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPE = "application/pdf"
# What fetch() takes unless its caller asks for other types (the web archive's API asks for JSON).
PAGE_TYPES = TEXT_TYPES | {PDF_TYPE}

DEFAULT_PORTS = frozenset({80, 443})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RESTRICTED_STATUSES = frozenset({401, 402, 403})
# One layer of gzip or deflate: what we ask for (not `br` or `zstd`), and what the cap can follow read by read.
ACCEPTED_CODINGS = frozenset({"gzip", "x-gzip", "deflate"})
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1"

# A server may not park a source for longer than this; the scheduler's own backoff takes over beyond it.
MAX_RETRY_AFTER = 30 * 24 * 3600.0
# Browsers look for a <meta charset> in the first 1024 bytes; a little more tolerates long <head> preambles.
SNIFF_BYTES = 4096
# Enough text for a reliable guess without spending seconds on a 5 MB page.
GUESS_BYTES = 64 * 1024

# Single-byte code pages for Latin scripts, as Python names them: what charset-normalizer may take a windows-1252
# page for.
LATIN_CODE_PAGES = frozenset(
    "cp437 cp775 cp850 cp852 cp858 cp1250 cp1252 cp1254 cp1257 cp1258 latin-1 iso8859-2 iso8859-3 iso8859-4 "
    "iso8859-9 iso8859-10 iso8859-13 iso8859-14 iso8859-15 iso8859-16".split()
)

CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")

META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.IGNORECASE)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True, kw_only=True)
class FetchResult:
    """What one fetch found. `reason` says why it ended as it did, when that is not plain success."""

    outcome: Outcome
    http_status: int | None = None
    # The last address tried: where redirects led, or the hop that was refused.
    final_url: str
    # Media type, lowercased, without parameters.
    content_type: str = ""
    # Decoded (decompressed) body of an `ok` fetch, at most FACTCHECK_FETCH_MAX_BYTES; empty otherwise.
    body: bytes = b""
    # The body as text for HTML and plain text; empty for PDF and for anything that is not `ok`.
    text: str = ""
    charset: str = ""
    # Validators for the next conditional request: the server's on `ok`, kept or refreshed on `not_modified`.
    etag: str = ""
    last_modified: str = ""
    # Seconds the server asked us to wait (`rate_limited`), if it said.
    retry_after: float | None = None
    reason: Reason | None = None
    duration_ms: int = 0
    # Bytes of the final body as they came over the wire, before decompression.
    bytes_received: int = 0

    @property
    def error(self) -> str:
        """The reason as a sentence in the active language, "" on success."""
        return str(self.reason) if self.reason is not None else ""


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: frozenset[str] = PAGE_TYPES,
    timeout: float | None = None,
) -> FetchResult:
    """Fetch `url` under the source-checking rules; every failure comes back as a FetchResult, never an exception.

    `accept`: the media types the caller reads (anything else is `unsupported`); `timeout`: seconds in all, when
    shorter than the fetcher's own limits.
    """
    rules = dataclasses.replace(_Rules.from_settings(), accept=accept)
    if timeout is not None:
        rules = dataclasses.replace(
            rules, connect_timeout=min(rules.connect_timeout, timeout), total_timeout=min(rules.total_timeout, timeout)
        )
    trace = _Trace(url=url, started=time.monotonic())
    deadline = trace.started + rules.total_timeout
    try:
        return _fetch(url, etag=etag, last_modified=last_modified, rules=rules, deadline=deadline, trace=trace)
    except SoftTimeLimitExceeded:
        raise  # the task's own limit: not the page's doing
    except Exception as exc:
        return trace.result(*_ended_by(exc, url=trace.url, total_timeout=rules.total_timeout))


def _ended_by(exc: Exception, *, url: str, total_timeout: float) -> tuple[Outcome, Reason]:
    """The outcome of a fetch or a post that ended with this exception, and why, in words a reader is given."""
    if isinstance(exc, _Failure):
        return exc.outcome, exc.reason
    if isinstance(exc, httpx.ConnectTimeout):
        return "timeout", Reason("connect_timeout", {"host": _host(url)})
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", Reason("total_timeout", {"seconds": total_timeout})
    if isinstance(exc, httpx.DecodingError):
        return "network_error", Reason("bad_compression")
    if isinstance(exc, httpx.ConnectError):
        return "network_error", _network_reason(exc, host=_host(url), fallback="connect_failed")
    if isinstance(exc, httpx.InvalidURL):
        return "blocked", Reason("invalid_address", {"url": url})
    if isinstance(exc, httpx.HTTPError):
        return "network_error", _network_reason(exc, host=_host(url), fallback="connection_failed")
    # A bug of ours, not the server's; the caller still gets a result it can store.
    logger.exception("Unexpected error while reaching %s", url)
    return "network_error", Reason("checker_error")


@dataclass(frozen=True)
class PostResult:
    """What one POST to a receiver (a webhook endpoint) got back: its status and the start of its answer."""

    http_status: int | None
    # The first bytes of the answer, as text, for the delivery log.
    excerpt: str = ""
    reason: Reason | None = None
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


# Bytes of a receiver's answer kept for the delivery log.
EXCERPT_BYTES = 1000


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
    """POST `body` to `url` under the fetcher's address and port rules, within `timeout` seconds in all.

    For machines the desk tells things to (webhooks): no redirect is followed (a receiver that moved says so with its
    status), and only the first EXCERPT_BYTES of the answer are read. Every failure comes back as a PostResult.
    """
    rules = dataclasses.replace(_Rules.from_settings(), connect_timeout=timeout, total_timeout=timeout)
    trace = _Trace(url=url, started=time.monotonic())
    deadline = trace.started + timeout

    def ended(reason: Reason | None = None, excerpt: str = "") -> PostResult:
        duration_ms = int((time.monotonic() - trace.started) * 1000)
        return PostResult(trace.http_status, excerpt=excerpt, reason=reason, duration_ms=duration_ms)

    try:
        with _GuardedTransport(_GuardedBackend(rules, deadline)) as transport:
            target = _checked_url(url)
            request = httpx.Request(
                "POST",
                target,
                headers={"User-Agent": rules.user_agent, **headers},
                content=body,
                extensions={"timeout": _timeouts(rules, deadline).as_dict()},
            )
            response = transport.handle_request(request)
            trace.http_status = response.status_code
            try:
                start = bytearray()
                for chunk in response.iter_raw():
                    start += chunk
                    if len(start) >= EXCERPT_BYTES or time.monotonic() >= deadline:
                        break
            finally:
                response.close()
            return ended(excerpt=bytes(start[:EXCERPT_BYTES]).decode("utf-8", "replace"))
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        return ended(_ended_by(exc, url=url, total_timeout=timeout)[1])


def target_refusal(url: str) -> Reason | None:
    """Why `url` may not be fetched or posted to, as far as the address itself tells (scheme, host, port, an IP
    literal); a host name is judged again by the addresses it resolves to, at connect time. None if it may."""
    rules = _Rules.from_settings()
    try:
        target = _checked_url(url)
    except _Failure as failure:
        return failure.reason
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        ip = ipaddress.ip_address(target.host)
    except ValueError:
        return rules.port_refusal(port)
    return rules.refusal(host=target.host, ip=ip, port=port)


@dataclass(frozen=True)
class NotPublic:
    """Why an address is not public: a kind of reasons.ADDRESS_KINDS, and the IPv4 address judged when it was hidden
    inside an IPv6 one."""

    kind: str
    embedded: str = ""

    def __str__(self) -> str:
        return address_kind_text(self.kind, self.embedded)


def address_refusal(address: str | IPAddress) -> NotPublic | None:
    """Why the fetcher refuses to connect to `address` (a private network address...), or None if it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_unspecified:
            return NotPublic("unspecified")
        if ip.is_loopback:
            return NotPublic("loopback")
        # The packets end up at the IPv4 address inside, so that is the one to judge.
        embedded = ip.ipv4_mapped or ip.sixtofour or (_last_32_bits(ip) if ip in NAT64 else None)
        if embedded is not None:
            inside = address_refusal(embedded)
            return NotPublic(inside.kind, str(embedded)) if inside is not None else None
        if ip in IPV4_COMPATIBLE:
            return NotPublic("ipv4_compatible")
        if ip.is_site_local:
            return NotPublic("site_local")
    for kind, applies in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link_local", ip.is_link_local),
        ("cgnat", isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        # Documentation, benchmarking and other special-purpose ranges the checks above do not name.
        ("not_global", not ip.is_global),
    ):
        if applies:
            return NotPublic(kind)
    return None


def _last_32_bits(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


class _Failure(Exception):
    """A fetch that ends early with an outcome and its reason."""

    def __init__(self, outcome: Outcome, reason: Reason) -> None:
        super().__init__(reason.code)
        self.outcome = outcome
        self.reason = reason


@dataclass(frozen=True)
class _Rules:
    """The settings of one fetch, read once so that a fetch is consistent from start to end."""

    allow_networks: tuple[IPNetwork, ...]
    allowed_ports: frozenset[int]
    max_redirects: int
    connect_timeout: float
    total_timeout: float
    max_bytes: int
    user_agent: str
    # Media types a fetch reads.
    accept: frozenset[str] = PAGE_TYPES

    @classmethod
    def from_settings(cls) -> _Rules:
        return cls(
            allow_networks=tuple(
                ipaddress.ip_network(network, strict=False) for network in settings.FACTCHECK_FETCH_ALLOW_NETWORKS
            ),
            allowed_ports=DEFAULT_PORTS | {int(port) for port in settings.FACTCHECK_FETCH_ALLOWED_PORTS},
            max_redirects=settings.FACTCHECK_FETCH_MAX_REDIRECTS,
            connect_timeout=settings.FACTCHECK_FETCH_CONNECT_TIMEOUT,
            total_timeout=settings.FACTCHECK_FETCH_TOTAL_TIMEOUT,
            max_bytes=settings.FACTCHECK_FETCH_MAX_BYTES,
            user_agent=settings.FACTCHECK_FETCH_USER_AGENT,
        )

    def port_refusal(self, port: int) -> Reason | None:
        if port in self.allowed_ports:
            return None
        return Reason(
            "port_not_allowed", {"port": port, "ports": ", ".join(str(p) for p in sorted(self.allowed_ports))}
        )

    def refusal(self, *, host: str, ip: IPAddress, port: int) -> Reason | None:
        """Why connecting to `ip`:`port` (found for `host`) is refused, or None."""
        # The port rules hold for every address, allowed networks included: an allowed network is a network of
        # machines whose web servers may be cited, not a door to their databases and caches.
        refused_port = self.port_refusal(port)
        if refused_port is not None:
            return refused_port
        if any(ip in network for network in self.allow_networks):
            return None
        why = address_refusal(ip)
        if why is None:
            return None
        params: dict[str, str | int | float] = {"ip": str(ip), "why": why.kind, "embedded": why.embedded}
        if host == str(ip):
            return Reason("ip_not_public", params)
        return Reason("address_not_public", {**params, "host": host})


@dataclass
class _Trace:
    """What is known so far about a fetch in progress, so that any ending can report it."""

    url: str
    started: float
    http_status: int | None = None
    content_type: str = ""
    bytes_received: int = 0

    def result(self, outcome: Outcome, reason: Reason | None = None, **fields: Any) -> FetchResult:
        return FetchResult(
            outcome=outcome,
            http_status=self.http_status,
            final_url=self.url,
            content_type=self.content_type,
            reason=reason,
            duration_ms=int((time.monotonic() - self.started) * 1000),
            bytes_received=self.bytes_received,
            **fields,
        )


def _fetch(url: str, *, etag: str, last_modified: str, rules: _Rules, deadline: float, trace: _Trace) -> FetchResult:
    accept = ACCEPT if rules.accept == PAGE_TYPES else ", ".join(sorted(rules.accept))
    headers = {"User-Agent": rules.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    # Validators come back from servers; one that cannot be sent again is better dropped than fatal.
    if etag and etag.isascii() and etag.isprintable():
        headers["If-None-Match"] = etag
    if last_modified and last_modified.isascii() and last_modified.isprintable():
        headers["If-Modified-Since"] = last_modified

    # The transport itself rather than an httpx.Client: no cookie jar to empty, no proxies or settings from the
    # environment, and no redirect handling of its own (a Client parses every Location, even when not following).
    # A fresh one per fetch, so that nothing carries over from one source to the next.
    with _GuardedTransport(_GuardedBackend(rules, deadline)) as transport:
        target = _checked_url(url)
        seen: set[str] = set()
        redirects = 0
        while True:
            trace.url = str(target)
            seen.add(str(target.copy_with(fragment=None)))
            request = httpx.Request(
                "GET", target, headers=headers, extensions={"timeout": _timeouts(rules, deadline).as_dict()}
            )
            response = transport.handle_request(request)
            response.request = request
            try:
                trace.http_status = response.status_code
                location = response.headers.get("location")
                if response.status_code not in REDIRECT_STATUSES or not location:
                    return _read(
                        response, etag=etag, last_modified=last_modified, rules=rules, deadline=deadline, trace=trace
                    )
                redirects += 1
                if redirects > rules.max_redirects:
                    raise _Failure("redirects", Reason("too_many_redirects", {"count": rules.max_redirects}))
                try:
                    next_url = target.join(location)
                except (httpx.InvalidURL, UnicodeError) as exc:
                    # An address no browser could follow either (invalid punycode, say): the page cannot be reached.
                    raise _Failure("redirects", Reason("redirect_invalid", {"url": location})) from exc
                trace.url = str(next_url)
                target = _checked_url(next_url, redirected=True)
                if str(target.copy_with(fragment=None)) in seen:
                    raise _Failure("redirects", Reason("redirect_loop", {"url": str(target)}))
            finally:
                response.close()


def _read(
    response: httpx.Response, *, etag: str, last_modified: str, rules: _Rules, deadline: float, trace: _Trace
) -> FetchResult:
    """Turn the final response into a result, reading the body only when it is one we want."""
    status = response.status_code
    headers = response.headers
    if status == 304:
        return trace.result(
            "not_modified", etag=headers.get("etag", etag), last_modified=headers.get("last-modified", last_modified)
        )
    answered: Params = {"status": _status_text(response)}
    if status in RESTRICTED_STATUSES:
        return trace.result("restricted", Reason("restricted", answered))
    retry_after = _retry_after(headers.get("retry-after"))
    if status == 429 or (status == 503 and retry_after is not None):
        if retry_after is None:
            return trace.result("rate_limited", Reason("rate_limited", answered))
        reason = Reason("rate_limited_for", {**answered, "seconds": retry_after})
        return trace.result("rate_limited", reason, retry_after=retry_after)
    if not 200 <= status < 300:
        return trace.result("http_error", Reason("http_error", answered))

    trace.content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not trace.content_type:
        return trace.result("unsupported", Reason("no_content_type"))
    if trace.content_type not in rules.accept:
        if rules.accept != PAGE_TYPES:
            expected = ", ".join(sorted(rules.accept))
            return trace.result(
                "unsupported", Reason("unexpected_type", {"type": trace.content_type, "expected": expected})
            )
        return trace.result("unsupported", Reason("unsupported_type", {"type": trace.content_type}))
    codings = [c.strip().lower() for c in headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    # Layered compression multiplies a bomb's ratio inside a single read, before any cap can look at it.
    if len(codings) > 1 or any(c not in ACCEPTED_CODINGS for c in codings):
        return trace.result("unsupported", Reason("unsupported_coding", {"codings": ", ".join(codings)}))
    too_large = Reason("too_large", {"max_bytes": rules.max_bytes})
    length = headers.get("content-length", "")
    if not codings and length.isdigit() and int(length) > rules.max_bytes:
        return trace.result("too_large", too_large)

    # Decoded chunks: one 64 KB read of gzip inflates to at most ~66 MB, and the cap is checked after each.
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        trace.bytes_received = response.num_bytes_downloaded
        if len(body) > rules.max_bytes:
            return trace.result("too_large", too_large)
        if time.monotonic() >= deadline:
            raise httpx.ReadTimeout("total timeout")
    trace.bytes_received = response.num_bytes_downloaded

    data, text, charset = bytes(body), "", ""
    if trace.content_type in TEXT_TYPES:
        text, charset = _decode(data, media_type=trace.content_type, declared=response.charset_encoding)
    return trace.result(
        "ok",
        body=data,
        text=text,
        charset=charset,
        etag=headers.get("etag", ""),
        last_modified=headers.get("last-modified", ""),
    )


def _checked_url(url: str | httpx.URL, *, redirected: bool = False) -> httpx.URL:
    """The URL, if its scheme and host may be fetched; ports and addresses are checked at connect time."""
    try:
        parsed = httpx.URL(url)
        host = parsed.host  # decoded here: invalid punycode fails now, not halfway through the fetch
    except (httpx.InvalidURL, UnicodeError) as exc:
        if redirected:
            # An address no browser could follow either: the page cannot be reached, a failure.
            raise _Failure("redirects", Reason("redirect_invalid", {"url": str(url)})) from exc
        raise _Failure("blocked", Reason("invalid_address", {"url": str(url)})) from exc
    if parsed.scheme not in ("http", "https"):
        if redirected:
            raise _Failure("blocked", Reason("redirect_scheme_not_allowed", {"url": str(url), "scheme": parsed.scheme}))
        if not parsed.scheme:
            raise _Failure("blocked", Reason("no_scheme"))
        raise _Failure("blocked", Reason("scheme_not_allowed", {"scheme": parsed.scheme}))
    if not host:
        raise _Failure("blocked", Reason("redirect_no_host" if redirected else "no_host", {"url": str(url)}))
    return parsed


def _timeouts(rules: _Rules, deadline: float) -> httpx.Timeout:
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpx.ReadTimeout("total timeout")
    # The deadline streams clamp every read and write as well; these only keep httpx's own view consistent.
    return httpx.Timeout(left, connect=min(rules.connect_timeout, left))


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves each host once, refuses it unless every address is allowed, and connects to an address it checked."""

    def __init__(self, rules: _Rules, deadline: float) -> None:
        self._rules = rules
        self._deadline = deadline
        self._resolved: dict[tuple[str, int], list[IPAddress]] = {}

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        # One answer per name for the whole fetch: a name cannot point elsewhere between two hops.
        if (host, port) not in self._resolved:
            self._resolved[host, port] = _resolve(host, port)
        addresses = self._resolved[host, port]
        # One bad address refuses the host: a name that also points inside is a probe or a rebinding trick.
        for ip in addresses:
            refusal = self._rules.refusal(host=host, ip=ip, port=port)
            if refusal is not None:
                raise _Failure("blocked", refusal)
        error: Exception | None = None
        for ip in addresses:
            try:
                # An IP literal: the socket layer parses it and never asks DNS again.
                stream = super().connect_tcp(
                    str(ip),
                    port,
                    timeout=_clamp(timeout, self._deadline, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert error is not None
        raise error


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise _Failure("network_error", Reason("name_not_found", {"host": host})) from exc
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(sockaddr[0])
            if ip not in addresses:
                addresses.append(ip)
    if not addresses:
        raise _Failure("network_error", Reason("no_address", {"host": host}))
    return addresses


def _clamp(timeout: float | None, deadline: float, expired: type[Exception]) -> float:
    """The smaller of `timeout` and the time left before `deadline`; `expired` is raised once none is left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("total timeout")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the fetch's deadline: trickling cannot outlast it."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, self._deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, self._deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # server_hostname is the name from the URL, so SNI and certificate checks are for the host, not the IP.
        timeout = _clamp(timeout, self._deadline, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


# httpcore's errors as the httpx ones callers expect; most specific first.
HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except tuple(core for core, _ in HTTPX_ERRORS) as exc:
        httpx_error = next(mapped for core, mapped in HTTPX_ERRORS if isinstance(exc, core))
        raise httpx_error(str(exc)) from exc


class _GuardedTransport(httpx.BaseTransport):
    """httpx's HTTPTransport cannot take a network backend, so this hands requests to an httpcore pool that has one."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            network_backend=backend,
            http1=True,
            http2=False,
            retries=0,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            core_response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            # A pool of the sync backend streams the body synchronously.
            stream=_BodyStream(cast(Iterable[bytes], core_response.stream)),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        with _httpx_errors():
            self._pool.close()


def prepare() -> None:
    """Load what every fetch of the process shares, the CA bundle: a worker calls it before forking its pool, so
    that each pool process inherits it instead of loading it again (tens of milliseconds) for its first check."""
    _ssl_context()


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Certificates from certifi, never from SSL_CERT_FILE and friends in the environment. Loading the bundle costs
    # more CPU than the rest of a fetch, so one context serves every fetch of the process (it is thread-safe).
    return httpx.create_ssl_context(trust_env=False)


class _BodyStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def _decode(body: bytes, *, media_type: str, declared: str | None) -> tuple[str, str]:
    """The body as text and the codec used: byte order mark, then the header, then the page's own word, then a guess."""
    for bom, codec in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec
    candidates: list[str | None] = [_codec(declared)]
    if media_type in HTML_TYPES:
        candidates.append(_codec(_declared_in_page(body[:SNIFF_BYTES]), in_page=True))
    candidates.append(_guess(body))
    for candidate in candidates:
        if candidate is not None:
            try:
                return body.decode(candidate, errors="replace"), candidate
            except (LookupError, UnicodeError, ValueError):
                # A label Python knows but cannot decode text with (base64, idna, undefined...).
                continue
    return body.decode("utf-8", errors="replace"), "utf-8"


def _declared_in_page(head: bytes) -> str | None:
    match = META_CHARSET.search(head) or XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None, *, in_page: bool = False) -> str | None:
    """Python's codec for a charset label, read the way browsers read it, or None if unknown."""
    if not label:
        return None
    try:
        codec = codecs.lookup(label.strip().strip("'\"")).name
    except (LookupError, ValueError):
        return None
    # Browsers decode Latin-1 and ASCII labels as windows-1252 (WHATWG Encoding), and pages rely on it for ’ and €.
    if codec in ("ascii", "iso8859-1"):
        return "cp1252"
    # A page readable enough to find its <meta> in is not UTF-16, whatever it says (WHATWG again).
    if in_page and codec.startswith("utf-16"):
        return "utf-8"
    return codec


def _guess(body: bytes) -> str | None:
    try:
        # Text that happens to be valid UTF-8 without being UTF-8 is vanishingly rare; this is the common case.
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(body[:GUESS_BYTES]).best()
    guessed = _codec(match.encoding) if match is not None else None
    # Browsers set to French, German or English read an undeclared page as windows-1252. A guess of another Latin
    # code page (cp1250, mac-iceland...) is a French page misread, far more often than a Czech or an Icelandic one;
    # a guess of another script (Cyrillic, Japanese, Chinese...) is trusted.
    if guessed is None or guessed in LATIN_CODE_PAGES or guessed.startswith("mac-"):
        return "cp1252"
    return guessed


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = max(0.0, (when - datetime.now(UTC)).total_seconds())
    return min(seconds, MAX_RETRY_AFTER) if math.isfinite(seconds) else MAX_RETRY_AFTER


def _status_text(response: httpx.Response) -> str:
    try:
        phrase = http.HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase
    return f"{response.status_code} {phrase}".strip()


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or url
    except (httpx.InvalidURL, UnicodeError):
        return url


# The network failures a reader can be told of in their language (claims.reasons), by the system's errno.
ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection_refused",
    errno.ECONNRESET: "connection_reset",
    errno.EHOSTUNREACH: "host_unreachable",
    errno.ENETUNREACH: "host_unreachable",
}


def _network_reason(exc: BaseException, *, host: str, fallback: str) -> Reason:
    """Why the connection failed, as a code a reader's language can say; the system's own words only for the rare
    failure without one (`fallback`, with them as `detail`)."""
    inner = _innermost(exc)
    if isinstance(inner, ssl.SSLCertVerificationError):
        return Reason("certificate_invalid", {"host": host})
    if isinstance(inner, ssl.SSLError):
        return Reason("tls_failed", {"host": host})
    code = ERRNO_REASONS.get(getattr(inner, "errno", None) or 0)
    if code is None and isinstance(exc, httpx.RemoteProtocolError):
        code = "server_disconnected"
    if code is not None:
        return Reason(code, {"host": host})
    return Reason(fallback, {"host": host, "detail": _cause(inner)})


def _innermost(exc: BaseException) -> BaseException:
    for _ in range(10):  # chains are short; the bound only guards against a cycle
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return exc


def _cause(exc: BaseException) -> str:
    """The readable words of a network error ("Connection refused", a TLS complaint...)."""
    return getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc) or type(exc).__name__
