"""The source fetcher against a real HTTP server on 127.0.0.1, and its address rules on their own."""

import gzip
import ipaddress
import socket
import ssl
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from claims.sources import fetching
from claims.sources.fetching import _Rules, address_refusal, fetch
from tests.pages import HTML

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
PAGE = b"<!doctype html><html><head><title>Budget</title></head><body><p>Le budget a doubl\xc3\xa9.</p></body></html>"


class FakeDNS:
    """Names a test made up resolve to what it says; any other name fails, so no test ever asks the real DNS."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: Counter[str] = Counter()

    def add(self, name: str, *addresses: str, then: list[str] | None = None) -> None:
        """`name` resolves to `addresses`, and to `then` on later lookups (a rebinding attacker)."""
        self.answers[name] = [list(addresses)] + ([then] if then is not None else [])

    def getaddrinfo(self, real, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        if isinstance(host, bytes):
            host = host.decode()
        if host in self.answers:
            answers = self.answers[host]
            addresses = answers[min(self.lookups[host], len(answers) - 1)]
            self.lookups[host] += 1
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0))
                if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))
                for ip in addresses
            ]
        if host == "localhost":  # /etc/hosts, not DNS
            return real(host, port, family, type, proto, flags)
        # Numeric forms only (127.1, 2130706433, [::1]...): the C library parses them without a lookup.
        return real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS()
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: fake.getaddrinfo(real, *args, **kwargs))
    return fake


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = []
    settings.FACTCHECK_FETCH_MAX_REDIRECTS = 5
    settings.FACTCHECK_FETCH_CONNECT_TIMEOUT = 1.0
    settings.FACTCHECK_FETCH_TOTAL_TIMEOUT = 3.0
    settings.FACTCHECK_FETCH_MAX_BYTES = 5_000_000
    return settings


def assert_never_connected_outside_loopback(connections: list[str]) -> None:
    assert all(ipaddress.ip_address(host) in LOOPBACK for host in connections), connections


# --- A page that is alive ------------------------------------------------------------------------


def test_alive_page_gives_its_text_and_validators(http_server):
    url = http_server.route(
        "/article",
        headers=[*HTML, ("ETag", '"v1"'), ("Last-Modified", "Mon, 06 Jan 2025 10:00:00 GMT")],
        body=PAGE,
    )

    result = fetch(url)

    assert result.outcome == "ok"
    assert result.error == ""
    assert result.http_status == 200
    assert result.final_url == url
    assert result.content_type == "text/html"
    assert "Le budget a doublé." in result.text
    assert result.body == PAGE
    assert result.charset == "utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 06 Jan 2025 10:00:00 GMT"
    assert result.bytes_received == len(PAGE)
    assert result.retry_after is None


def test_says_who_it_is_and_keeps_no_cookies(http_server, settings):
    http_server.redirect("/login", "/home", headers=[("Set-Cookie", "session=tracked; Path=/")])
    http_server.route("/home", headers=HTML, body=PAGE)

    result = fetch(http_server.url("/login"))

    assert result.outcome == "ok"
    home = http_server.requests[-1]
    assert home.path == "/home"
    assert "cookie" not in home.headers
    assert (
        home.headers["user-agent"]
        == settings.FACTCHECK_FETCH_USER_AGENT
        == ("factcheck/0.1 (claim desk source checker)")
    )


def test_ignores_proxies_from_the_environment(http_server, monkeypatch):
    # Port 9 refuses connections: a fetch that went through this "proxy" would fail.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    url = http_server.route("/article", headers=HTML, body=PAGE)

    result = fetch(url)

    assert result.outcome == "ok"
    assert http_server.paths_requested() == ["/article"]


def test_unchanged_page_answers_not_modified_to_its_etag(http_server):
    url = http_server.route("/article", headers=[*HTML, ("ETag", '"v1"')], body=PAGE)
    first = fetch(url)

    again = fetch(url, etag=first.etag)

    assert again.outcome == "not_modified"
    assert again.http_status == 304
    assert again.etag == '"v1"'
    assert again.text == ""
    assert http_server.requests[-1].headers["if-none-match"] == '"v1"'


def test_unchanged_page_answers_not_modified_to_its_date(http_server):
    stamp = "Mon, 06 Jan 2025 10:00:00 GMT"
    url = http_server.route("/article", headers=[*HTML, ("Last-Modified", stamp)], body=PAGE)

    result = fetch(url, last_modified=stamp)

    assert result.outcome == "not_modified"
    assert result.last_modified == stamp
    assert http_server.requests[-1].headers["if-modified-since"] == stamp


def test_changed_page_is_fetched_again(http_server):
    url = http_server.route("/article", headers=[*HTML, ("ETag", '"v2"')], body=PAGE)

    result = fetch(url, etag='"v1"')

    assert result.outcome == "ok"
    assert result.etag == '"v2"'


# --- Servers that say no ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (404, "http_error"),
        (410, "http_error"),
        (500, "http_error"),
        (503, "http_error"),  # no Retry-After: a plain failure
        (401, "restricted"),
        (402, "restricted"),
        (403, "restricted"),
    ],
)
def test_error_statuses(http_server, status, outcome):
    url = http_server.route("/page", status=status, headers=HTML, body=b"<p>no</p>")

    result = fetch(url)

    assert result.outcome == outcome
    assert result.http_status == status
    assert str(status) in result.error
    assert result.text == ""


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_in_seconds_is_honoured(http_server, status):
    url = http_server.route("/page", status=status, headers=[("Retry-After", "120")])

    result = fetch(url)

    assert result.outcome == "rate_limited"
    assert result.retry_after == 120
    assert "120 seconds" in result.error


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_as_a_date_is_honoured(http_server, status):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    url = http_server.route("/page", status=status, headers=[("Retry-After", later)])

    result = fetch(url)

    assert result.outcome == "rate_limited"
    assert 80 <= result.retry_after <= 90


def test_rate_limit_without_a_delay_is_still_a_rate_limit(http_server):
    url = http_server.route("/page", status=429)

    result = fetch(url)

    assert result.outcome == "rate_limited"
    assert result.retry_after is None


def test_refused_connection_is_a_network_error(settings):
    # A port that was free a moment ago: nothing listens there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [port]

    result = fetch(f"http://127.0.0.1:{port}/")

    assert result.outcome == "network_error"
    assert (result.reason.code, result.reason.params) == ("connection_refused", {"host": "127.0.0.1"})
    assert result.error == "127.0.0.1 refused the connection: no web server answers there."


# --- Time -----------------------------------------------------------------------------------------


def test_server_that_never_answers_times_out(http_server, settings):
    settings.FACTCHECK_FETCH_TOTAL_TIMEOUT = 1.0
    url = http_server.route("/page", hang=True)

    result = fetch(url)

    assert result.outcome == "timeout"
    assert 900 <= result.duration_ms < 4000
    assert "1 seconds" in result.error


def test_trickling_server_is_cut_at_the_total_timeout(http_server, settings):
    settings.FACTCHECK_FETCH_TOTAL_TIMEOUT = 2.0
    # Each byte comes well within any read timeout; only the total deadline can stop this.
    url = http_server.route("/page", headers=HTML, body=b"x" * 100, trickle=1.0)

    result = fetch(url)

    assert result.outcome == "timeout"
    assert 1500 <= result.duration_ms < 6000
    assert result.body == b""


def test_total_timeout_covers_every_redirect(http_server, settings):
    settings.FACTCHECK_FETCH_TOTAL_TIMEOUT = 2.0
    http_server.route("/1", status=302, headers=[("Location", "/2")], delay=0.8)
    http_server.route("/2", status=302, headers=[("Location", "/3")], delay=0.8)
    http_server.route("/3", headers=HTML, body=PAGE, delay=0.8)

    result = fetch(http_server.url("/1"))

    assert result.outcome == "timeout"
    assert result.duration_ms < 4000


# --- Size ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_length", [True, False], ids=["announced", "streamed"])
def test_body_over_the_cap_is_too_large(http_server, settings, content_length):
    settings.FACTCHECK_FETCH_MAX_BYTES = 100_000
    url = http_server.route("/big", headers=HTML, body=b"a" * 300_000, content_length=content_length)

    result = fetch(url)

    assert result.outcome == "too_large"
    assert "100,000 bytes" in result.error
    assert result.body == b""


def test_body_at_the_cap_is_fine(http_server, settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 100_000
    url = http_server.route("/big", headers=[("Content-Type", "text/plain")], body=b"a" * 100_000)

    result = fetch(url)

    assert result.outcome == "ok"
    assert len(result.text) == 100_000


def test_compressed_page_is_decompressed(http_server):
    url = http_server.gzip_route("/page", PAGE * 100)

    result = fetch(url)

    assert result.outcome == "ok"
    assert result.body == PAGE * 100
    assert result.bytes_received < len(PAGE * 100)


def test_gzip_bomb_is_stopped_at_the_cap(http_server):
    # 50 MB of zeros in about 50 KB; the default cap is 5 MB of decoded body.
    url = http_server.gzip_route("/bomb", b"\0" * 50_000_000)

    result = fetch(url)

    assert result.outcome == "too_large"
    assert result.bytes_received < 100_000
    assert result.body == b""


def test_layered_compression_is_refused(http_server):
    url = http_server.route(
        "/bomb",
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip, gzip")],
        body=gzip.compress(gzip.compress(b"\0" * 1_000_000)),
    )

    result = fetch(url)

    assert result.outcome == "unsupported"
    assert "gzip, gzip" in result.error


# --- Kinds of document --------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "video/mp4"])
def test_binary_content_is_unsupported_and_not_read(http_server, content_type):
    url = http_server.route("/file", headers=[("Content-Type", content_type)], body=b"\x89PNG" * 250_000)

    result = fetch(url)

    assert result.outcome == "unsupported"
    assert result.content_type == content_type
    assert content_type in result.error
    assert result.bytes_received == 0


def test_json_is_read_only_by_a_caller_that_asks_for_it(http_server):
    url = http_server.route("/api", headers=[("Content-Type", "application/json")], body=b'{"ok": true}')

    page = fetch(url)
    answer = fetch(url, accept=frozenset({"application/json"}))
    html = fetch(
        http_server.route("/page", headers=[("Content-Type", "text/html")], body=PAGE),
        accept=frozenset({"application/json"}),
    )

    assert (page.outcome, page.reason.code) == ("unsupported", "unsupported_type")
    assert (answer.outcome, answer.body) == ("ok", b'{"ok": true}')
    assert http_server.requests[1].headers["accept"] == "application/json"
    assert html.error == "The server sent text/html instead of application/json."


def test_a_caller_may_give_a_fetch_less_time(http_server):
    url = http_server.route("/slow", headers=[("Content-Type", "text/html")], body=PAGE, delay=5)

    result = fetch(url, timeout=0.3)

    assert result.outcome == "timeout"
    assert result.duration_ms < 2000


def test_content_without_a_type_is_unsupported(http_server):
    url = http_server.route("/file", body=PAGE)

    result = fetch(url)

    assert result.outcome == "unsupported"
    assert "no content type" in result.error


def test_pdf_is_kept_as_bytes(http_server):
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    url = http_server.route("/report.pdf", headers=[("Content-Type", "application/pdf")], body=pdf)

    result = fetch(url)

    assert result.outcome == "ok"
    assert result.content_type == "application/pdf"
    assert result.body == pdf
    assert result.text == ""


FRENCH = "Cet été, la Société Générale a tout annoncé : « c’est l’été »."


def test_charset_from_the_header(http_server):
    # Latin-1 has no typographic apostrophe.
    text = FRENCH.replace("’", "'")
    body = f"<html><body><p>{text}</p></body></html>".encode("latin-1")
    url = http_server.route("/page", headers=[("Content-Type", "text/html; charset=ISO-8859-1")], body=body)

    result = fetch(url)

    assert result.outcome == "ok"
    assert "Cet été, la Société Générale" in result.text
    # Browsers read Latin-1 labels as windows-1252, and so do we.
    assert result.charset == "cp1252"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>",
    ],
)
def test_charset_from_the_meta_tag(http_server, meta):
    body = f"<html><head>{meta}<title>Été</title></head><body><p>{FRENCH}</p></body></html>".encode("cp1252")
    url = http_server.route("/page", headers=[("Content-Type", "text/html")], body=body)

    result = fetch(url)

    assert result.outcome == "ok"
    assert FRENCH in result.text
    assert result.charset == "cp1252"


def test_charset_guessed_when_nobody_says(http_server):
    body = f"<html><body><p>{FRENCH}</p>" * 20 + "</body></html>"
    url = http_server.route("/page", headers=[("Content-Type", "text/html")], body=body.encode("cp1252"))

    result = fetch(url)

    assert result.outcome == "ok"
    assert "la Société Générale a tout annoncé" in result.text


def test_plain_text_in_utf8(http_server):
    url = http_server.route("/notes.txt", headers=[("Content-Type", "text/plain")], body=FRENCH.encode())

    result = fetch(url)

    assert result.outcome == "ok"
    assert result.text == FRENCH
    assert result.charset == "utf-8"


# --- Redirects ----------------------------------------------------------------------------------


def test_a_redirect_to_invalid_punycode_is_a_failure_with_a_reason(http_server):
    result = fetch(http_server.redirect("/r", "http://xn--zz-.example/page"))

    assert result.outcome == "redirects"
    assert result.error == "The page redirected to http://xn--zz-.example/page, not a valid address."


def redirect_chain(http_server, hops: int) -> str:
    for n in range(hops):
        http_server.redirect(f"/r{n}", f"/r{n + 1}")
    http_server.route(f"/r{hops}", headers=HTML, body=PAGE)
    return http_server.url("/r0")


@pytest.mark.parametrize("hops", [3, 5])
def test_redirects_are_followed(http_server, hops):
    result = fetch(redirect_chain(http_server, hops))

    assert result.outcome == "ok"
    assert result.final_url == http_server.url(f"/r{hops}")
    assert "Le budget a doublé." in result.text


def test_a_sixth_redirect_is_refused(http_server):
    result = fetch(redirect_chain(http_server, 6))

    # A reader cannot reach the page either: a failure of the page, not a refusal of the safety rules.
    assert result.outcome == "redirects"
    assert "more than 5 times" in result.error
    assert "/r6" not in http_server.paths_requested()


def test_redirect_loop_is_refused(http_server):
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")

    result = fetch(http_server.url("/a"))

    assert result.outcome == "redirects"
    assert "loop" in result.error
    assert http_server.paths_requested() == ["/a", "/b"]


@pytest.mark.parametrize(
    "target",
    [
        "http://10.1.2.3/",
        "http://169.254.169.254/latest",
        "http://100.64.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fd00::1]/",
    ],
)
def test_redirect_to_a_private_address_is_refused(http_server, connections, target):
    url = http_server.redirect("/go", target)

    result = fetch(url)

    assert result.outcome == "blocked"
    assert result.final_url == target
    assert "public addresses" in result.error
    assert connections == ["127.0.0.1"]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/", "javascript:alert(1)"])
def test_redirect_to_another_scheme_is_refused(http_server, target):
    url = http_server.redirect("/go", target)

    result = fetch(url)

    assert result.outcome == "blocked"
    assert "Only http and https" in result.error


# --- Addresses that are refused before any connection -------------------------------------------


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/file", "file:///etc/passwd", "javascript:alert(1)", "data:text/html,hi", "example.test/"]
)
def test_other_schemes_are_refused(connections, url):
    result = fetch(url)

    assert result.outcome == "blocked"
    assert "Only http and https" in result.error
    assert connections == []


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "127.1", "2130706433", "0x7f.1", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"]
)
def test_loopback_is_refused_unless_allowed(http_server, settings, connections, host):
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = []

    result = fetch(f"http://{host}:{http_server.port}/")

    assert result.outcome == "blocked"
    assert "only visits public addresses" in result.error
    assert connections == []
    assert http_server.requests == []


def test_name_that_points_inside_is_refused(dns, connections):
    dns.add("blocked.test", "10.1.2.3")

    result = fetch("http://blocked.test/page")

    assert result.outcome == "blocked"
    assert result.error == (
        "blocked.test points to 10.1.2.3, which is a private network address; the checker only visits public addresses."
    )
    assert connections == []


def test_name_with_one_inside_address_among_public_ones_is_refused(dns, connections):
    dns.add("mixed.test", "93.184.216.34", "10.0.0.5")

    result = fetch("https://mixed.test/")

    assert result.outcome == "blocked"
    assert "10.0.0.5" in result.error
    assert connections == []


def test_connects_to_the_address_it_checked(http_server, dns, connections):
    # A rebinding attacker: the second answer would point inside, if anyone asked again.
    dns.add("news.test", "127.0.0.1", then=["10.9.9.9"])
    http_server.route("/page", headers=HTML, body=PAGE)
    http_server.redirect("/old", "/page")

    result = fetch(f"http://news.test:{http_server.port}/old")

    assert result.outcome == "ok"
    assert dns.lookups["news.test"] == 1
    assert set(connections) == {"127.0.0.1"}
    assert http_server.requests[-1].headers["host"] == f"news.test:{http_server.port}"


def test_https_checks_the_certificate_of_the_name(https_server, dns, connections):
    dns.add("news.test", "127.0.0.1")
    https_server.route("/page", headers=HTML, body=PAGE)

    result = fetch(f"https://news.test:{https_server.port}/page")

    # Self-signed, so not trusted: verification is on although the connection goes to an IP address.
    assert result.outcome == "network_error"
    assert result.reason.code == "certificate_invalid"
    assert result.error == "news.test presented a certificate that is not valid for it: the page was not read."
    assert https_server.server_names == ["news.test"]
    assert connections == ["127.0.0.1"]


def test_https_page_is_fetched_from_the_checked_address(https_server, dns, connections, monkeypatch, certificate):
    # The test certificate stands in for a public authority; nothing else about TLS is changed.
    cert, _key = certificate
    monkeypatch.setattr(fetching, "_ssl_context", lambda: ssl.create_default_context(cafile=str(cert)))
    dns.add("news.test", "127.0.0.1")
    https_server.route("/page", headers=HTML, body=PAGE)

    result = fetch(f"https://news.test:{https_server.port}/page")

    assert result.outcome == "ok"
    assert "Le budget a doublé." in result.text
    assert https_server.server_names == ["news.test"]
    assert https_server.requests[-1].headers["host"] == f"news.test:{https_server.port}"
    assert connections == ["127.0.0.1"]


def test_unknown_name_is_a_network_error(connections):
    result = fetch("http://nowhere.test/")

    assert result.outcome == "network_error"
    assert result.error == "The name nowhere.test could not be found."
    assert connections == []


def test_other_ports_are_refused_on_public_addresses(connections):
    result = fetch("http://93.184.216.34:8080/")

    assert result.outcome == "blocked"
    assert "Port 8080 is not allowed" in result.error
    assert connections == []


def test_configured_ports_are_allowed(settings):
    # Judged by the rules alone: no test lets the fetcher reach for a public address.
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [8080]
    rules = _Rules.from_settings()
    public = ipaddress.ip_address("93.184.216.34")
    assert rules.refusal(host="example.org", ip=public, port=8080) is None
    assert "Port 8081 is not allowed" in str(rules.refusal(host="example.org", ip=public, port=8081))


# --- The address rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "refused_as"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "address"),  # reserved (Python also files it as private)
        ("255.255.255.255", "address"),
        ("192.0.2.10", "address"),  # documentation
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "address"),  # documentation
        ("::ffff:127.0.0.1", "loopback address (this machine), hidden as 127.0.0.1 inside an IPv6 address"),
        ("::ffff:10.0.0.1", "private network address, hidden as 10.0.0.1 inside"),
        ("2002:7f00:1::", "loopback address (this machine), hidden as 127.0.0.1 inside"),
        ("2002:a9fe:a9fe::", "link-local address, hidden as 169.254.169.254 inside"),
        ("64:ff9b::a00:1", "private network address, hidden as 10.0.0.1 inside"),
        ("64:ff9b::7f00:1", "loopback"),
        ("::10.0.0.1", "IPv4-compatible"),
        ("::93.184.216.34", "IPv4-compatible"),
    ],
)
def test_non_public_addresses_are_refused(address, refused_as):
    assert refused_as in str(address_refusal(address))


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "2606:2800:220:1::",
        "2a00:1450:4007:80c::200e",
        "::ffff:93.184.216.34",
        "2002:5db8:d822::",
        "64:ff9b::5db8:d822",
    ],
)
def test_public_addresses_are_allowed(address):
    assert address_refusal(address) is None


# --- Ports, on allowed networks too -----------------------------------------------------------------


def test_an_allowed_network_still_obeys_the_port_rules(http_server, settings, connections):
    """Allowing loopback (or 10.0.0.0/8) allows its web servers, not its Redis: a port not listed is refused."""
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = []
    result = fetch(http_server.route("/page", headers=HTML, body=PAGE))

    assert result.outcome == "blocked"
    assert result.error == f"Port {http_server.port} is not allowed; the checker only uses ports 80, 443."
    assert http_server.requests == [] and connections == []


def test_citing_the_redis_port_on_loopback_connects_nowhere(connections):
    result = fetch("http://127.0.0.1:6379/")

    assert result.outcome == "blocked"
    assert "Port 6379 is not allowed" in result.error
    assert connections == []
