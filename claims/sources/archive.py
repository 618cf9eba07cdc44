"""The web archive: asking it to capture a cited page, and looking for a quote in its copy when the page is lost.

Speaks the Internet Archive's Save Page Now (`POST {archive}/save`) and availability API (`GET
{archive}/wayback/available`), through the safe fetcher: the archive's answers are untrusted input like any page.
Every failure comes back as a value with its reason, never an exception; nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import http
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core.cache import cache

from claims.models import QuoteStatus
from claims.reasons import Params, Reason
from claims.sources import extract, fetching, pagetext

# The availability API answers JSON, and a few hundred bytes of it: a longer answer is not one.
JSON_TYPES = frozenset({"application/json"})
MAX_ANSWER_BYTES = 64 * 1024
# Wayback's timestamps: YYYYMMDDhhmmss, in UTC.
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
# Save Page Now's own refusals (`status_ext`) are kept this long in a reason.
DETAIL_LENGTH = 200

CaptureStatus = Literal[
    "off",  # no archive configured: nothing asked
    "asked",  # the archive took the request (it captures, or says it has a copy within the day)
    "skipped",  # the desk asked for this page within FACTCHECK_ARCHIVE_CAPTURE_EVERY already
    "later",  # over the rate limit, ours or the archive's: ask again after `retry_after`
    "failed",  # the archive could not be asked, or refused: ask again later
]


@dataclass(frozen=True, kw_only=True)
class CaptureOutcome:
    """What asking the archive to capture a page came to."""

    status: CaptureStatus
    reason: Reason | None = None
    # Save Page Now's job id, when it gave one (the capture's progress is at {archive}/save/status/<job_id>).
    job_id: str = ""
    # Seconds before asking again (`later`).
    retry_after: float | None = None


@dataclass(frozen=True, kw_only=True)
class Capture:
    """A copy of a page the archive holds."""

    # The copy's address, on the archive's own site: the one the public page links to.
    url: str
    captured_at: datetime
    # The page it is a copy of.
    original_url: str


@dataclass(frozen=True, kw_only=True)
class ArchiveFailure:
    """Why no copy could be found, and whether asking again later may help (the archive down or slow) or not (it
    holds no copy from before the citation)."""

    reason: Reason
    transient: bool


@dataclass(frozen=True, kw_only=True)
class ArchivedQuote:
    """One quote looked for in an archived copy."""

    quote: str
    status: QuoteStatus
    # What the flag says: the copy of <date> still holds the quote, does not, or could not be read.
    reason: Reason
    # A QuoteUnverifiedBecause value when the copy was fetched but its text could not be read.
    unverified_because: str = ""


@dataclass(frozen=True, kw_only=True)
class ArchiveCheck:
    """The quotes of a piece of evidence, looked for in an archived copy of its page."""

    capture: Capture
    quotes: tuple[ArchivedQuote, ...]
    # Why the copy could not be read, when it could not: every quote is then unverified.
    reason: Reason | None = None


def archive_url() -> str:
    """The archive's address without a trailing slash, "" when none is configured."""
    return str(settings.FACTCHECK_ARCHIVE_URL).rstrip("/")


# --- Save Page Now --------------------------------------------------------------------------------


def capture_request(url: str) -> CaptureOutcome:
    """Ask the archive to capture `url`, unless the desk asked within FACTCHECK_ARCHIVE_CAPTURE_EVERY or is over its
    rate limit (then `later`: the caller asks again)."""
    archive = archive_url()
    if not archive:
        return CaptureOutcome(status="off", reason=Reason("archive_not_configured"))
    every = settings.FACTCHECK_ARCHIVE_CAPTURE_EVERY
    asked_key = _asked_key(url)
    # Claimed before asking, so that two workers capturing the same page at once send one request.
    if not cache.add(asked_key, True, timeout=max(1, int(every.total_seconds()))):
        return CaptureOutcome(status="skipped")
    limit = settings.FACTCHECK_ARCHIVE_CAPTURES_PER_MINUTE
    wait = _over_rate_limit(limit)
    if wait is not None:
        cache.delete(asked_key)
        return CaptureOutcome(
            status="later", reason=Reason("archive_capture_later", {"limit": limit}), retry_after=wait
        )

    headers = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
    access, secret = settings.FACTCHECK_ARCHIVE_ACCESS_KEY, settings.FACTCHECK_ARCHIVE_SECRET_KEY
    if access and secret:
        headers["Authorization"] = f"LOW {access}:{secret}"
    form = {"url": url, "if_not_archived_within": str(int(every.total_seconds()))}
    answer = fetching.post(
        f"{archive}/save",
        body=urlencode(form).encode(),
        headers=headers,
        timeout=settings.FACTCHECK_ARCHIVE_TIMEOUT,
    )
    outcome = _capture_outcome(answer)
    if outcome.status != "asked":
        cache.delete(asked_key)  # not captured: the next ask is not a repeat
    return outcome


def _capture_outcome(answer: fetching.PostResult) -> CaptureOutcome:
    if answer.http_status is None:
        return CaptureOutcome(status="failed", reason=_unreachable(answer.reason))
    status: Params = {"status": _status_text(answer.http_status)}
    if answer.http_status == 429:
        refused = Reason("archive_capture_refused", {"because": "rate_limited", **status})
        return CaptureOutcome(status="later", reason=refused, retry_after=60.0)
    if not answer.succeeded:
        return CaptureOutcome(
            status="failed", reason=Reason("archive_capture_refused", {"because": "http_error", **status})
        )
    # Save Page Now answers {"url": ..., "job_id": ...}, or {"status": "error", "status_ext": ..., "message": ...}.
    try:
        said = json.loads(answer.excerpt)
    except (ValueError, RecursionError):
        said = None
    if not isinstance(said, dict):
        return CaptureOutcome(status="asked")
    if said.get("status") == "error":
        detail = said.get("status_ext") or said.get("message") or "error"
        return CaptureOutcome(status="failed", reason=Reason("archive_capture_failed", {"detail": _bounded(detail)}))
    job_id = said.get("job_id")
    return CaptureOutcome(status="asked", job_id=job_id if isinstance(job_id, str) else "")


def _asked_key(url: str) -> str:
    try:
        # Scheme and host lowercased (and the host as IDNA) by httpx; the fragment is not part of the page.
        normalized = str(httpx.URL(url.strip()).copy_with(fragment=None))
    except (httpx.InvalidURL, UnicodeError):
        normalized = url.strip()
    return "archive:asked:" + hashlib.sha256(normalized.encode()).hexdigest()


def _over_rate_limit(limit: int) -> float | None:
    """None if one more capture fits in this minute's allowance (and counts it), else the seconds to the next minute.

    Counted in the cache, so that with Redis every worker shares the allowance."""
    now = time.time()
    key = f"archive:captures:{int(now // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the window's key expired between add and incr
        cache.add(key, 1, timeout=120)
        count = 1
    if count <= limit:
        return None
    return 60.0 - now % 60


# --- Finding a copy -------------------------------------------------------------------------------


def closest_capture(url: str, *, before: datetime) -> Capture | ArchiveFailure:
    """The archive's copy of `url` closest to `before` (when it was cited), if it is not after it."""
    archive = archive_url()
    if not archive:
        return ArchiveFailure(reason=Reason("archive_not_configured"), transient=False)
    before = before.astimezone(UTC)
    query = urlencode({"url": url, "timestamp": before.strftime(TIMESTAMP_FORMAT)})
    result = fetching.fetch(
        f"{archive}/wayback/available?{query}", accept=JSON_TYPES, timeout=settings.FACTCHECK_ARCHIVE_TIMEOUT
    )
    if result.outcome != "ok":
        return ArchiveFailure(reason=_unreachable(result.reason), transient=True)
    closest = _closest(result.body)
    if isinstance(closest, Reason):
        return ArchiveFailure(reason=closest, transient=True)
    cited: Params = {"date": before.isoformat()}
    if closest is None or closest.get("available") is not True:
        return ArchiveFailure(reason=Reason("archive_no_capture", cited), transient=False)
    address, stamp, status = closest.get("url"), closest.get("timestamp"), closest.get("status", "200")
    if not isinstance(address, str) or not isinstance(stamp, str) or not isinstance(status, str):
        return ArchiveFailure(reason=_bad_answer("closest copy without its address or date"), transient=True)
    try:
        captured_at = datetime.strptime(stamp, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return ArchiveFailure(reason=_bad_answer(f"timestamp {_bounded(stamp)}"), transient=True)
    captured: Params = {"captured": captured_at.isoformat()}
    if captured_at > before:
        # The closest copy was taken after the citation: the page may have changed by then.
        return ArchiveFailure(reason=Reason("archive_capture_after", {**cited, **captured}), transient=False)
    if not status.startswith(("2", "3")):
        return ArchiveFailure(
            reason=Reason("archive_capture_error_page", {**captured, "status": _bounded(status)}), transient=False
        )
    on_archive = _on_archive(address, archive)
    if on_archive is None:
        return ArchiveFailure(reason=Reason("archive_capture_elsewhere", {"url": _bounded(address)}), transient=False)
    return Capture(url=on_archive, captured_at=captured_at, original_url=url)


def _closest(body: bytes) -> dict[str, Any] | Reason | None:
    """`archived_snapshots.closest` of an availability answer: None when there is none, a Reason when the answer
    is not one."""
    if len(body) > MAX_ANSWER_BYTES:
        return _bad_answer(f"{len(body)} bytes")
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return _bad_answer("not JSON")
    snapshots = answer.get("archived_snapshots") if isinstance(answer, dict) else None
    if not isinstance(snapshots, dict):
        return _bad_answer("no archived_snapshots")
    closest = snapshots.get("closest")
    if closest is None:
        return None
    if not isinstance(closest, dict):
        return _bad_answer("closest is not an object")
    return closest


def _on_archive(address: str, archive: str) -> str | None:
    """`address` on the archive's own site, reached as the archive is (its scheme and port: the availability API
    answers http:// addresses); None if it points anywhere else."""
    try:
        target, home = httpx.URL(address), httpx.URL(archive)
        if not target.host or target.host != home.host:
            return None
        return str(home.copy_with(raw_path=target.raw_path))
    except (httpx.InvalidURL, UnicodeError, TypeError, ValueError):
        return None


# --- Looking for the quotes in a copy ---------------------------------------------------------------


def capture_verify(capture: Capture, quotes: list[str]) -> ArchiveCheck:
    """Look for each quote in the archived copy: found, missing, or unverified when the copy could not be read."""
    dated: Params = {"captured": capture.captured_at.isoformat()}
    archive = archive_url()
    if not archive:
        return _unverified(capture, quotes, Reason("archive_not_configured"))
    if _on_archive(capture.url, archive) is None:
        return _unverified(capture, quotes, Reason("archive_capture_elsewhere", {"url": _bounded(capture.url)}))
    result = fetching.fetch(capture.url)
    if result.outcome != "ok":
        because = result.reason or Reason("http_error", {"status": result.outcome})
        return _unverified(
            capture, quotes, Reason("archive_capture_unread", {**because.params, **dated, "because": because.code})
        )
    # Redirects are followed within the fetcher's rules; a copy is only one if it is still served by the archive.
    if _on_archive(result.final_url, archive) is None:
        return _unverified(capture, quotes, Reason("archive_capture_elsewhere", {"url": _bounded(result.final_url)}))
    reading = extract.read(
        extract.Document(content_type=result.content_type, body=result.body, text=result.text), main=False
    )
    if reading.unread_because:
        return _unverified(
            capture, quotes, Reason("archive_capture_not_read", dated), unverified_because=reading.unread_because
        )
    page = pagetext.normalize(reading.visible)
    checked = []
    for quote in quotes:
        if not quote.strip():
            checked.append(
                ArchivedQuote(quote=quote, status=QuoteStatus.UNVERIFIED, reason=Reason("archive_capture_read", dated))
            )
        elif pagetext.quote_found(quote, page):
            checked.append(
                ArchivedQuote(quote=quote, status=QuoteStatus.FOUND, reason=Reason("archive_holds_quote", dated))
            )
        else:
            checked.append(
                ArchivedQuote(quote=quote, status=QuoteStatus.MISSING, reason=Reason("archive_lacks_quote", dated))
            )
    return ArchiveCheck(capture=capture, quotes=tuple(checked))


def _unverified(capture: Capture, quotes: list[str], reason: Reason, *, unverified_because: str = "") -> ArchiveCheck:
    return ArchiveCheck(
        capture=capture,
        quotes=tuple(
            ArchivedQuote(
                quote=quote, status=QuoteStatus.UNVERIFIED, reason=reason, unverified_because=unverified_because
            )
            for quote in quotes
        ),
        reason=reason,
    )


# --- Reasons ------------------------------------------------------------------------------------------


def _unreachable(reason: Reason | None) -> Reason:
    """The archive could not be asked, and why, as the fetcher said it."""
    if reason is None:
        return Reason("archive_unreachable", {"because": "checker_error"})
    return Reason("archive_unreachable", {**reason.params, "because": reason.code})


def _bad_answer(detail: str) -> Reason:
    return Reason("archive_bad_answer", {"detail": detail})


def _bounded(value: object) -> str:
    return str(value)[:DETAIL_LENGTH]


def _status_text(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
