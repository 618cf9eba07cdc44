"""One check of a claimed source: fetch it, record the attempt and the source's new state, capture new text."""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import Check, CheckOutcome, Snapshot, Source, SourceState
from claims.sources import extract, pagetext
from claims.sources.fetching import FetchResult, fetch
from claims.sources.quotes import evidence_verify

# What each outcome means for the source: alive (too large or unsupported pages are there, only not captured),
# a failure, or neither.
SUCCESSES = {CheckOutcome.OK, CheckOutcome.NOT_MODIFIED, CheckOutcome.TOO_LARGE, CheckOutcome.UNSUPPORTED}
FAILURES = {CheckOutcome.HTTP_ERROR, CheckOutcome.NETWORK_ERROR, CheckOutcome.TIMEOUT}
# RESTRICTED (401/402/403) and RATE_LIMITED (429/503 with Retry-After) are neither: the state stays as it was.

ERROR_MESSAGES_FOR_SUCCESS = {
    CheckOutcome.TOO_LARGE: "The page is there but larger than the desk keeps; its text was not captured.",
    CheckOutcome.UNSUPPORTED: "The page is there but is not text the desk can read.",
}


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


@transaction.atomic
def source_record(fetched: Fetched, *, now: datetime | None = None) -> Check | None:
    """Record a fetch: the Check, a new snapshot, the source's state, its quotes, if the lease is still this check's.

    Only the lease's holder writes these fields, so the row read before the fetch is still current when the lease
    is; the update is a compare-and-set on the token, and writes nothing when a later lease took the source over.
    """
    source, result, now = fetched.source, fetched.result, now or timezone.now()
    outcome = CheckOutcome(result.outcome)
    page = extract.Document(content_type=result.content_type, body=result.body, text=result.text)
    snapshot, captured = _capture(source, result, page, now) if outcome == CheckOutcome.OK else (None, [])
    fields = [*_apply_outcome(source, result, now), *captured, "lease_token", "fetching", "sweep_pending"]
    source.lease_token = None
    source.fetching = False
    source.sweep_pending = True
    # The compare-and-set is also the row lock that evidence edits wait for (`_wait_for_check`): it comes first.
    values = {name: getattr(source, name) for name in fields}
    if not Source.objects.filter(pk=source.pk, lease_token=fetched.token).update(**values):
        return None
    if snapshot is not None:
        snapshot.save()
    check = Check.objects.create(
        source=source,
        started_at=now - timedelta(milliseconds=result.duration_ms),
        duration_ms=result.duration_ms,
        http_status=result.http_status,
        outcome=outcome,
        bytes=result.bytes_received,
        error=result.error,
        snapshot=snapshot,
    )
    if outcome == CheckOutcome.OK:
        # The page is at hand: no need to read it back from the snapshot.
        evidence_verify(source=source, now=now, latest=snapshot, page=page)
    elif outcome == CheckOutcome.NOT_MODIFIED:
        evidence_verify(source=source, now=now)
    return check


def _apply_outcome(source: Source, result: FetchResult, now: datetime) -> list[str]:
    """The source's state machine: what this outcome makes of it, and when it is checked next."""
    outcome = CheckOutcome(result.outcome)
    source.last_checked_at = now
    source.http_status = result.http_status
    fields = ["last_checked_at", "http_status", "state", "next_check_at", "last_error"]
    if outcome in SUCCESSES:
        source.state = SourceState.ALIVE
        source.last_alive_at = now
        source.consecutive_failures = 0
        source.first_failure_at = None
        source.last_error = ERROR_MESSAGES_FOR_SUCCESS.get(outcome, "")
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
        source.last_error = result.error
        backoff = settings.FACTCHECK_RETRY_BACKOFF * 2 ** (source.consecutive_failures - 1)
        source.next_check_at = now + (
            settings.FACTCHECK_CHECK_INTERVAL if dead else min(backoff, settings.FACTCHECK_CHECK_INTERVAL)
        )
        fields += ["consecutive_failures", "first_failure_at"]
    elif outcome == CheckOutcome.BLOCKED:
        source.state = SourceState.BLOCKED
        source.last_error = result.error
        source.next_check_at = now + settings.FACTCHECK_CHECK_INTERVAL
    elif outcome == CheckOutcome.RATE_LIMITED:
        # The server asked us to come back later: not a failure.
        wait = timedelta(seconds=result.retry_after or 0)
        source.last_error = result.error
        source.next_check_at = now + min(max(wait, timedelta(minutes=1)), settings.FACTCHECK_CHECK_INTERVAL)
    else:  # RESTRICTED: the page is behind a login or a paywall; not dead either.
        source.last_error = result.error
        source.next_check_at = now + settings.FACTCHECK_CHECK_INTERVAL
    return fields


def _capture(
    source: Source, result: FetchResult, page: extract.Document, now: datetime
) -> tuple[Snapshot | None, list[str]]:
    """A new snapshot, not saved yet, when the page's text is new (None when only the markup, or nothing, changed),
    and the source's changed fields."""
    raw_sha256 = pagetext.sha256(result.body)
    if raw_sha256 == source.raw_sha256:
        return None, []
    extracted = extract.main_text(page)
    title, text = extracted.title, extracted.text
    source.raw_sha256 = raw_sha256
    source.title = title or source.title
    fields = ["raw_sha256", "title"]
    text_sha256 = pagetext.sha256(text)
    if text_sha256 == source.text_sha256:
        return None, fields
    source.text_sha256 = text_sha256
    source.fingerprint = pagetext.fingerprint(text)
    snapshot = Snapshot(
        source=source,
        fetched_at=now,
        final_url=result.final_url or source.url,
        title=title,
        content_type=result.content_type,
        charset=result.charset,
        text=text,
        raw_body=zlib.compress(result.body),
        raw_size=len(result.body),
        raw_sha256=raw_sha256,
        text_sha256=text_sha256,
        fingerprint=source.fingerprint,
    )
    return snapshot, [*fields, "text_sha256", "fingerprint"]
