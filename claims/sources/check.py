"""One check of a claimed source: fetch it, record the attempt and the source's new state, capture new text."""

from __future__ import annotations

import logging
import uuid
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField
from django.utils import timezone

from claims.models import Check, CheckOutcome, QuoteUnverifiedBecause, Snapshot, Source, SourceState
from claims.reasons import Reason
from claims.sources import extract, pagetext
from claims.sources.fetching import FetchResult, fetch
from claims.sources.quotes import evidence_unverify, evidence_verify, evidence_verify_pending

# What each outcome means for the source: alive (too large, too complex or unsupported pages are there, only not
# captured), a failure, or neither (RESTRICTED: 401/402/403; RATE_LIMITED: 429/503 with Retry-After).
SUCCESSES = {
    CheckOutcome.OK,
    CheckOutcome.NOT_MODIFIED,
    CheckOutcome.TOO_LARGE,
    CheckOutcome.TOO_COMPLEX,
    CheckOutcome.UNSUPPORTED,
}
FAILURES = {
    CheckOutcome.HTTP_ERROR,
    CheckOutcome.NETWORK_ERROR,
    CheckOutcome.TIMEOUT,
    CheckOutcome.REDIRECTS,
    CheckOutcome.NOT_RECORDED,
}

# Why a page that is there was not read, said on the source (claims.reasons).
REASONS_FOR_SUCCESS = {
    CheckOutcome.TOO_LARGE: Reason("kept_too_large"),
    CheckOutcome.TOO_COMPLEX: Reason("kept_too_complex"),
    CheckOutcome.UNSUPPORTED: Reason("kept_unsupported"),
}
# A reason's parameter (an address, a content type a server sent) is cut at this length before it is stored.
PARAM_MAX_LENGTH = 2000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """A claimed source as it was read before its fetch, and what the fetch brought back."""

    source: Source
    token: uuid.UUID
    result: FetchResult


def source_check(*, source_id: int, token: uuid.UUID, now: datetime | None = None) -> Check | None:
    """Fetch a claimed source, record the attempt, capture new content and verify the quotes that cite it.

    Returns None, recording nothing, when this lease is no longer the source's (a duplicate or late message).
    The whole check in one call, as the tests and the benchmark run it; the worker's task runs the same two
    steps with a dispatch between them, then asks for the flags sweep.
    """
    fetched = source_fetch(source_id=source_id, token=token)
    return None if fetched is None else source_record(fetched, now=now)


def source_fetch(*, source_id: int, token: uuid.UUID) -> Fetched | None:
    """Fetch a claimed source; None, fetching nothing, when this lease is no longer the source's.

    A lease fetches once: when its fetch is over (the same message delivered again after its recording failed or
    its worker died), this fetches nothing, since the slot is given up; the source is due again when the lease
    runs out.
    """
    source = Source.objects.filter(pk=source_id, lease_token=token, fetching=True).first()
    if source is None:
        return None
    # A conditional request only helps when there is a snapshot to fall back on (its text hash says so).
    has_snapshot = bool(source.text_sha256)
    result = fetch(
        source.url,
        etag=source.etag if has_snapshot else "",
        last_modified=source.last_modified if has_snapshot else "",
    )
    return Fetched(source, token, result)


def source_record(fetched: Fetched, *, now: datetime | None = None) -> Check | None:
    """Record a fetch: the Check, a new snapshot, the source's state, its quotes, if the lease is still this check's.

    Whatever the page sent, the check is recorded: if recording it as fetched fails (a bug of ours, a value the
    database refuses, the time limit), it is recorded as a failure with the reason, in a transaction of its own, and
    the source's quotes stop counting as found or missing.
    """
    now = now or timezone.now()
    try:
        return _record(fetched, now)
    except Exception as problem:
        logger.exception("Recording the check of %s failed", fetched.source.url)
        return _record_not_recorded(fetched, now, problem)


@transaction.atomic
def _record(fetched: Fetched, now: datetime) -> Check | None:
    """Only the lease's holder writes these fields, so the row read before the fetch is still current when the lease
    is; the update is a compare-and-set on the token, and writes nothing when a later lease took the source over."""
    source, result = fetched.source, _storable(fetched.result)
    outcome = CheckOutcome(result.outcome)
    reading: extract.Reading | None = None
    snapshot: Snapshot | None = None
    captured: list[str] = []
    page = extract.Document(content_type=result.content_type, body=result.body, text=result.text)
    raw_sha256 = pagetext.sha256(result.body) if outcome == CheckOutcome.OK else ""
    # The same bytes as the page last captured: nothing to read, extract, fingerprint or store again.
    unchanged = bool(raw_sha256) and bool(source.text_sha256) and raw_sha256 == source.raw_sha256
    if outcome == CheckOutcome.OK and not unchanged:
        reading = extract.read(page)
        if reading.unread_because == QuoteUnverifiedBecause.TOO_COMPLEX:
            outcome = CheckOutcome.TOO_COMPLEX
        else:
            snapshot, captured = _capture(source, result, reading, raw_sha256, now)
    fields = [*_apply_outcome(source, result, outcome, now), *captured, "lease_token", "fetching", "sweep_pending"]
    if not _release(source, fetched.token, fields):
        return None
    if snapshot is not None:
        snapshot.save()
    check = _check_row(source, result, outcome, now, snapshot=snapshot)
    if unchanged:
        evidence_verify_pending(source=source, now=now, page=page)
    elif outcome == CheckOutcome.OK:
        # The page is at hand: no need to read it back from the snapshot.
        evidence_verify(source=source, now=now, latest=snapshot, reading=reading)
    elif outcome == CheckOutcome.NOT_MODIFIED:
        evidence_verify_pending(source=source, now=now)
    elif outcome == CheckOutcome.TOO_COMPLEX:
        evidence_unverify(source=source, because=QuoteUnverifiedBecause.TOO_COMPLEX, now=now)
    return check


@transaction.atomic
def _record_not_recorded(fetched: Fetched, now: datetime, problem: Exception) -> Check | None:
    """The check as a failure of the checker, with its reason: counted and backed off like any failure."""
    source = Source.objects.get(pk=fetched.source.pk)
    result = replace(_storable(fetched.result), reason=Reason("not_recorded", {"problem": type(problem).__name__}))
    fields = [
        *_apply_outcome(source, result, CheckOutcome.NOT_RECORDED, now),
        "lease_token",
        "fetching",
        "sweep_pending",
    ]
    if not _release(source, fetched.token, fields):
        return None
    check = _check_row(source, result, CheckOutcome.NOT_RECORDED, now)
    evidence_unverify(source=source, because=QuoteUnverifiedBecause.NOT_RECORDED, now=now)
    return check


def _release(source: Source, token: uuid.UUID, fields: list[str]) -> bool:
    """Write the source's new state and give up its lease, if the lease is still `token`'s.

    The compare-and-set is also the row lock that evidence edits wait for (`_wait_for_check`): it comes first.
    """
    source.lease_token = None
    source.fetching = False
    source.sweep_pending = True
    values = {name: getattr(source, name) for name in fields}
    return bool(Source.objects.filter(pk=source.pk, lease_token=token).update(**values))


def _check_row(
    source: Source, result: FetchResult, outcome: CheckOutcome, now: datetime, snapshot: Snapshot | None = None
) -> Check:
    return Check.objects.create(
        source=source,
        started_at=now - timedelta(milliseconds=result.duration_ms),
        duration_ms=result.duration_ms,
        http_status=result.http_status,
        outcome=outcome,
        bytes=result.bytes_received,
        error_code=result.reason.code if result.reason else "",
        error_params=result.reason.params if result.reason else {},
        snapshot=snapshot,
    )


def _storable(result: FetchResult) -> FetchResult:
    """The fetch's values as the database can hold them: a page decides their length and their bytes.

    A validator that does not fit is dropped rather than cut (cut, it would not match the server's any more); an
    address is cut at the column's length; NUL, which PostgreSQL refuses in text, goes.
    """

    def fits(field: str, value: str) -> str:
        return value if len(value) <= _max_length(field) else ""

    def cut(field: str, value: str) -> str:
        return value.replace("\x00", "")[: _max_length(field)]

    return replace(
        result,
        etag=fits("etag", result.etag),
        last_modified=fits("last_modified", result.last_modified),
        final_url=cut("final_url", result.final_url),
        content_type=cut("content_type", result.content_type),
        reason=_storable_reason(result.reason),
    )


def _storable_reason(reason: Reason | None) -> Reason | None:
    if reason is None:
        return None
    params = {
        name: value.replace("\x00", "")[:PARAM_MAX_LENGTH] if isinstance(value, str) else value
        for name, value in reason.params.items()
    }
    return Reason(reason.code, params)


def _max_length(field: str) -> int:
    column = Source._meta.get_field(field)
    if not isinstance(column, CharField) or column.max_length is None:
        raise TypeError(f"Source.{field} has no length to bound a value to.")
    return column.max_length


def _apply_outcome(source: Source, result: FetchResult, outcome: CheckOutcome, now: datetime) -> list[str]:
    """The source's state machine: what this outcome makes of it, and when it is checked next."""
    source.last_checked_at = now
    source.http_status = result.http_status
    fields = ["last_checked_at", "http_status", "state", "next_check_at", "last_error_code", "last_error_params"]
    if outcome in SUCCESSES:
        source.state = SourceState.ALIVE
        source.last_alive_at = now
        source.consecutive_failures = 0
        source.first_failure_at = None
        _say(source, REASONS_FOR_SUCCESS.get(outcome))
        source.next_check_at = now + settings.FACTCHECK_CHECK_INTERVAL
        fields += ["last_alive_at", "consecutive_failures", "first_failure_at"]
        if result.final_url:
            source.final_url = result.final_url
            fields.append("final_url")
        if outcome == CheckOutcome.OK:
            source.content_type = result.content_type
            source.etag = result.etag
            source.last_modified = result.last_modified
            fields += ["content_type", "etag", "last_modified"]
    elif outcome in FAILURES:
        source.consecutive_failures += 1
        source.first_failure_at = source.first_failure_at or now
        spread = now - source.first_failure_at
        dead = (
            source.consecutive_failures >= settings.FACTCHECK_DEAD_AFTER_FAILURES
            and spread >= settings.FACTCHECK_DEAD_AFTER
        )
        source.state = SourceState.DEAD if dead else SourceState.FAILING
        _say(source, result.reason)
        backoff = settings.FACTCHECK_RETRY_BACKOFF * 2 ** (source.consecutive_failures - 1)
        source.next_check_at = now + (
            settings.FACTCHECK_CHECK_INTERVAL if dead else min(backoff, settings.FACTCHECK_CHECK_INTERVAL)
        )
        fields += ["consecutive_failures", "first_failure_at"]
    elif outcome == CheckOutcome.BLOCKED:
        source.state = SourceState.BLOCKED
        _say(source, result.reason)
        source.next_check_at = now + settings.FACTCHECK_CHECK_INTERVAL
    elif outcome == CheckOutcome.RATE_LIMITED:
        # The server asked us to come back later: not a failure. A source never read before is restricted, since
        # a checked source does not show "pending" (never checked); one read before keeps its state.
        wait = timedelta(seconds=result.retry_after or 0)
        if source.state == SourceState.PENDING:
            source.state = SourceState.RESTRICTED
        _say(source, result.reason)
        source.next_check_at = now + min(max(wait, timedelta(minutes=1)), settings.FACTCHECK_CHECK_INTERVAL)
    else:  # RESTRICTED: the page is behind a login, a paywall or a refusal; not dead either.
        source.state = SourceState.RESTRICTED
        _say(source, result.reason)
        source.next_check_at = now + settings.FACTCHECK_CHECK_INTERVAL
    return fields


def _say(source: Source, reason: Reason | None) -> None:
    """Why the source's last check ended as it did, as the source keeps it."""
    source.last_error_code = reason.code if reason is not None else ""
    source.last_error_params = reason.params if reason is not None else {}


def _capture(
    source: Source, result: FetchResult, reading: extract.Reading, raw_sha256: str, now: datetime
) -> tuple[Snapshot | None, list[str]]:
    """A new snapshot, not saved yet, when the page's text is new (None when only the markup, or nothing, changed),
    and the source's changed fields."""
    if raw_sha256 == source.raw_sha256:
        return None, []
    source.raw_sha256 = raw_sha256
    source.title = reading.title or source.title
    fields = ["raw_sha256", "title"]
    text_sha256 = pagetext.sha256(reading.text)
    if text_sha256 == source.text_sha256:
        return None, fields
    source.text_sha256 = text_sha256
    source.fingerprint = pagetext.fingerprint(reading.text)
    snapshot = Snapshot(
        source=source,
        fetched_at=now,
        final_url=result.final_url or source.url,
        title=reading.title,
        content_type=result.content_type,
        charset=result.charset,
        text=reading.text,
        raw_body=zlib.compress(result.body),
        raw_size=len(result.body),
        raw_sha256=raw_sha256,
        text_sha256=text_sha256,
        fingerprint=source.fingerprint,
        page_starts=list(reading.page_starts),
    )
    return snapshot, [*fields, "text_sha256", "fingerprint"]
