"""The web archive against a fake one on 127.0.0.1: Save Page Now captures, and quotes recovered from its copies."""

import json
import socket
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import translation

from claims.models import QuoteStatus
from claims.sources import archive
from claims.sources.archive import ArchiveFailure, Capture, capture_request, capture_verify, closest_capture
from tests.http_server import LocalHTTPServer

PAGE = "https://news.test/2024/budget"
QUOTE = "Le déficit atteindra 5,1 % du PIB en 2024"
CITED = datetime(2024, 3, 2, 9, 30, tzinfo=UTC)
COPY_PATH = "/web/20240301120000/https://news.test/2024/budget"
JSON = [("Content-Type", "application/json")]
HTML = [("Content-Type", "text/html; charset=utf-8")]


@pytest.fixture
def fake_archive(http_server: LocalHTTPServer, settings) -> LocalHTTPServer:
    """The test server as the archive; each test starts with no capture asked and a fresh allowance."""
    settings.FACTCHECK_ARCHIVE_URL = http_server.url("")
    cache.clear()
    return http_server


def closest(server: LocalHTTPServer, *, timestamp: str = "20240301120000", url: str | None = None, **extra) -> None:
    """The availability API answers this copy (Wayback's own shape: an http:// address, the status as a string)."""
    snapshot = {"status": "200", "available": True, "url": url or server.url(COPY_PATH), "timestamp": timestamp}
    answer = {"url": PAGE, "archived_snapshots": {"closest": {**snapshot, **extra}}}
    server.route("/wayback/available", headers=JSON, body=json.dumps(answer).encode())


def copy_page(server: LocalHTTPServer, text: str) -> None:
    server.route(COPY_PATH, headers=HTML, body=f"<html><body><article><p>{text}</p></article></body></html>".encode())


def said(reason, language: str = "en") -> str:
    with translation.override(language):
        return str(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Recovering a quote ---------------------------------------------------------------------------


def test_a_dead_page_is_recovered_from_the_archive_with_its_quote_found(fake_archive):
    closest(fake_archive)
    copy_page(fake_archive, "Selon le ministère, « le déficit atteindra 5,1 % du PIB en 2024 », soit plus que prévu.")

    capture = closest_capture(PAGE, before=CITED)

    assert isinstance(capture, Capture)
    assert capture.url == fake_archive.url(COPY_PATH)
    assert capture.captured_at == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    asked = parse_qs(urlsplit(fake_archive.requests[0].path).query)
    assert asked == {"url": [PAGE], "timestamp": ["20240302093000"]}
    assert fake_archive.requests[0].headers["accept"] == "application/json"

    check = capture_verify(capture, [QUOTE])

    assert [quote.status for quote in check.quotes] == [QuoteStatus.FOUND]
    assert check.reason is None
    assert said(check.quotes[0].reason) == "The archived copy of March 1, 2024 still holds the quote."
    assert said(check.quotes[0].reason, "fr") == "La copie archivée du 1 mars 2024 contient toujours la citation."


def test_a_copy_without_the_quote_says_it_is_missing_there_too(fake_archive):
    closest(fake_archive)
    copy_page(fake_archive, "Le ministère ne donne aucun chiffre.")

    capture = closest_capture(PAGE, before=CITED)
    assert isinstance(capture, Capture)
    check = capture_verify(capture, [QUOTE, "aucun chiffre"])

    assert [quote.status for quote in check.quotes] == [QuoteStatus.MISSING, QuoteStatus.FOUND]
    assert said(check.quotes[0].reason) == "The archived copy of March 1, 2024 does not hold the quote either."


def test_an_archive_with_no_copy_says_so(fake_archive):
    fake_archive.route("/wayback/available", headers=JSON, body=b'{"url": "x", "archived_snapshots": {}}')

    failure = closest_capture(PAGE, before=CITED)

    assert isinstance(failure, ArchiveFailure) and not failure.transient
    assert said(failure.reason) == "The web archive holds no copy of the page from before March 2, 2024."


def test_a_copy_taken_after_the_citation_is_not_taken_for_the_page_as_cited(fake_archive):
    closest(fake_archive, timestamp="20240310080000")

    failure = closest_capture(PAGE, before=CITED)

    assert isinstance(failure, ArchiveFailure) and not failure.transient
    assert failure.reason.code == "archive_capture_after"
    assert "March 10, 2024, after the page was cited" in said(failure.reason)
    assert fake_archive.paths_requested() == [fake_archive.requests[0].path]  # the copy itself is not fetched


def test_a_copy_of_an_error_page_is_not_a_copy_of_the_page(fake_archive):
    closest(fake_archive, status="404")

    failure = closest_capture(PAGE, before=CITED)

    assert isinstance(failure, ArchiveFailure)
    assert said(failure.reason) == "The web archive's copy of March 1, 2024 is of an error page (HTTP 404)."


def test_an_archive_that_is_down_is_a_readable_reason_at_once(settings):
    port = free_port()
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [port]
    settings.FACTCHECK_ARCHIVE_URL = f"http://127.0.0.1:{port}"
    started = time.monotonic()

    failure = closest_capture(PAGE, before=CITED)

    assert time.monotonic() - started < 2
    assert isinstance(failure, ArchiveFailure) and failure.transient
    assert said(failure.reason) == (
        "The web archive could not be asked: 127.0.0.1 refused the connection: no web server answers there."
    )
    assert said(failure.reason, "fr").startswith("L’archive du web n’a pas pu être interrogée : ")


def test_a_slow_archive_is_given_up_on_within_its_timeout(fake_archive, settings):
    settings.FACTCHECK_ARCHIVE_TIMEOUT = 0.5
    fake_archive.route("/wayback/available", headers=JSON, body=b"{}", delay=5)
    started = time.monotonic()

    failure = closest_capture(PAGE, before=CITED)

    assert time.monotonic() - started < 2
    assert isinstance(failure, ArchiveFailure) and failure.transient
    assert failure.reason.code == "archive_unreachable"
    assert failure.reason.params["because"] == "total_timeout"
    assert "did not arrive within 0.5 seconds" in said(failure.reason)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"<html>busy</html>", "not JSON"),
        (b'["archived_snapshots"]', "no archived_snapshots"),
        (b'{"archived_snapshots": {"closest": "yes"}}', "closest is not an object"),
        (b'{"archived_snapshots": {"closest": {"available": true, "timestamp": 20240301}}}', "closest copy without"),
        (b'{"archived_snapshots": {"closest": {"available": true, "url": "x", "timestamp": "2024"}}}', "timestamp"),
        (b"[" * 100_000, "bytes"),
    ],
)
def test_an_answer_that_is_not_the_availability_apis_is_a_readable_reason(fake_archive, body, detail):
    fake_archive.route("/wayback/available", headers=JSON, body=body)

    failure = closest_capture(PAGE, before=CITED)

    assert isinstance(failure, ArchiveFailure) and failure.transient
    assert failure.reason.code == "archive_bad_answer"
    assert detail in said(failure.reason)


def test_an_archive_answering_html_or_an_error_is_a_readable_reason(fake_archive):
    fake_archive.route("/wayback/available", headers=HTML, body=b"<html>maintenance</html>")
    failure = closest_capture(PAGE, before=CITED)
    assert isinstance(failure, ArchiveFailure)
    assert said(failure.reason) == (
        "The web archive could not be asked: The server sent text/html instead of application/json."
    )

    fake_archive.route("/wayback/available", status=503, body=b"down")
    failure = closest_capture(PAGE, before=CITED)
    assert isinstance(failure, ArchiveFailure)
    assert said(failure.reason) == "The web archive could not be asked: The server answered 503 Service Unavailable."


def test_a_copy_said_to_be_on_another_site_is_not_fetched(fake_archive, connections):
    closest(fake_archive, url="http://10.0.0.7/web/20240301120000/https://news.test/2024/budget")

    failure = closest_capture(PAGE, before=CITED)

    assert isinstance(failure, ArchiveFailure)
    assert failure.reason.code == "archive_capture_elsewhere"
    assert "10.0.0.7" not in connections
    # Nor when a caller hands one over.
    elsewhere = Capture(url="http://10.0.0.7/web/1/x", captured_at=CITED, original_url=PAGE)
    check = capture_verify(elsewhere, [QUOTE])
    assert [quote.status for quote in check.quotes] == [QuoteStatus.UNVERIFIED]
    assert check.reason is not None and check.reason.code == "archive_capture_elsewhere"
    assert "10.0.0.7" not in connections


def test_the_archives_http_addresses_are_reached_as_the_archive_is(settings):
    settings.FACTCHECK_ARCHIVE_URL = "https://web.archive.org"
    address = "http://web.archive.org/web/20240301120000/https://news.test/2024/budget?id=3"

    assert archive._on_archive(address, archive.archive_url()) == (
        "https://web.archive.org/web/20240301120000/https://news.test/2024/budget?id=3"
    )
    assert archive._on_archive("https://web.archive.org.evil.test/web/1/x", archive.archive_url()) is None


def test_a_copy_that_cannot_be_fetched_leaves_the_quotes_unverified_and_says_why(fake_archive):
    closest(fake_archive)  # and no page at COPY_PATH: the server answers 404

    capture = closest_capture(PAGE, before=CITED)
    assert isinstance(capture, Capture)
    check = capture_verify(capture, [QUOTE])

    assert [quote.status for quote in check.quotes] == [QuoteStatus.UNVERIFIED]
    assert said(check.quotes[0].reason) == (
        "The archived copy of March 1, 2024 could not be read: The server answered 404 Not Found."
    )


def test_nothing_is_asked_of_an_archive_that_is_not_configured(http_server, settings, connections):
    settings.FACTCHECK_ARCHIVE_URL = ""

    failure = closest_capture(PAGE, before=CITED)
    outcome = capture_request(PAGE)

    assert isinstance(failure, ArchiveFailure) and failure.reason.code == "archive_not_configured"
    assert outcome.status == "off"
    assert http_server.requests == [] and connections == []


# --- Save Page Now --------------------------------------------------------------------------------


def saves(server: LocalHTTPServer) -> list:
    return [request for request in server.requests if request.method == "POST" and request.path == "/save"]


def test_a_capture_is_asked_once_a_day_per_page(fake_archive):
    fake_archive.route("/save", headers=JSON, body=b'{"url": "https://news.test/2024/budget", "job_id": "spn2-abc"}')

    first = capture_request(PAGE)
    again = capture_request(PAGE)
    same_page = capture_request("HTTPS://News.Test/2024/budget#comments")
    other = capture_request("https://news.test/2024/other")

    assert (first.status, first.job_id) == ("asked", "spn2-abc")
    assert (again.status, same_page.status, other.status) == ("skipped", "skipped", "asked")
    sent = saves(fake_archive)
    assert len(sent) == 2
    assert parse_qs(sent[0].body.decode()) == {"url": [PAGE], "if_not_archived_within": ["86400"]}
    assert sent[0].headers["accept"] == "application/json"
    assert "authorization" not in sent[0].headers


def test_the_access_keys_are_sent_when_set(fake_archive, settings):
    settings.FACTCHECK_ARCHIVE_ACCESS_KEY = "k"
    settings.FACTCHECK_ARCHIVE_SECRET_KEY = "s"
    fake_archive.route("/save", headers=JSON, body=b'{"job_id": "j"}')

    assert capture_request(PAGE).status == "asked"

    assert saves(fake_archive)[0].headers["authorization"] == "LOW k:s"


def test_captures_stay_within_the_rate_limit(fake_archive, settings, monkeypatch):
    settings.FACTCHECK_ARCHIVE_CAPTURES_PER_MINUTE = 2
    fake_archive.route("/save", headers=JSON, body=b'{"job_id": "j"}')
    clock = SimpleNamespace(time=lambda: 1_699_999_990.0)  # 10 s into a minute
    monkeypatch.setattr(archive, "time", clock)

    outcomes = [capture_request(f"https://news.test/{n}") for n in range(3)]

    assert [outcome.status for outcome in outcomes] == ["asked", "asked", "later"]
    assert outcomes[2].retry_after == pytest.approx(50)
    assert said(outcomes[2].reason) == (
        "The web archive is asked for at most 2 captures a minute; this one waits for the next minute."
    )
    assert len(saves(fake_archive)) == 2
    # The page that waited is asked for in the next minute: waiting did not count as asking.
    clock.time = lambda: 1_700_000_050.0
    assert capture_request("https://news.test/2").status == "asked"
    assert len(saves(fake_archive)) == 3


def test_a_capture_that_failed_is_asked_again(fake_archive):
    fake_archive.route("/save", status=502, body=b"bad gateway")
    failed = capture_request(PAGE)
    assert failed.status == "failed"
    assert said(failed.reason) == "The web archive did not take the capture: The server answered 502 Bad Gateway."

    fake_archive.route("/save", status=429, body=b"slow down")
    later = capture_request(PAGE)
    assert (later.status, later.retry_after) == ("later", 60.0)

    fake_archive.route("/save", headers=JSON, body=b'{"status": "error", "status_ext": "error:blocked-url"}')
    refused = capture_request(PAGE)
    assert refused.status == "failed"
    assert said(refused.reason) == "The web archive did not capture the page (error:blocked-url)."

    fake_archive.route("/save", headers=JSON, body=b'{"job_id": "j"}')
    assert capture_request(PAGE).status == "asked"
    assert len(saves(fake_archive)) == 4


def test_an_archive_that_is_down_fails_the_capture_quickly(settings):
    port = free_port()
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [port]
    settings.FACTCHECK_ARCHIVE_URL = f"http://127.0.0.1:{port}"
    cache.clear()
    started = time.monotonic()

    outcome = capture_request(PAGE)

    assert time.monotonic() - started < 2
    assert outcome.status == "failed"
    assert outcome.reason is not None and outcome.reason.params["because"] == "connection_refused"


def test_a_slow_archive_fails_the_capture_within_its_timeout(fake_archive, settings):
    settings.FACTCHECK_ARCHIVE_TIMEOUT = 0.5
    fake_archive.route("/save", headers=JSON, body=b"{}", delay=5)
    started = time.monotonic()

    outcome = capture_request(PAGE)

    assert time.monotonic() - started < 2
    assert outcome.status == "failed"
    assert outcome.reason is not None and outcome.reason.code == "archive_unreachable"
