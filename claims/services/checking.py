"""Keeping cited sources under watch: due-based dispatch, one check per lease, snapshots, quote verification."""

from __future__ import annotations

import uuid
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, UUIDField, Value, When
from django.utils import timezone

from claims import pagetext
from claims.fetching import HTML_TYPES, FetchResult, fetch
from claims.models import Check, CheckOutcome, Evidence, QuoteStatus, Snapshot, Source, SourceState

# What each outcome means for the source: alive (too large or unsupported pages are there, only not captured),
# a failure, or neither.
SUCCESSES = {CheckOutcome.OK, CheckOutcome.NOT_MODIFIED, CheckOutcome.TOO_LARGE, CheckOutcome.UNSUPPORTED}
FAILURES = {CheckOutcome.HTTP_ERROR, CheckOutcome.NETWORK_ERROR, CheckOutcome.TIMEOUT}
# RESTRICTED (401/402/403) and RATE_LIMITED (429/503 with Retry-After) are neither: the state stays as it was.

ERROR_MESSAGES_FOR_SUCCESS = {
    CheckOutcome.TOO_LARGE: "The page is there but larger than the desk keeps; its text was not captured.",
    CheckOutcome.UNSUPPORTED: "The page is there but is not text the desk can read.",
}


# --- Dispatch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lease:
    source_id: int
    token: uuid.UUID


# Any number that no other advisory lock of this database uses.
DISPATCH_LOCK = 7_201_225


def sources_dispatch(
    *, now: datetime | None = None, enqueue: Callable[[Lease], None], fetch_over: Lease | None = None
) -> list[Lease]:
    """Claim the sources that are due, within the per-host and global limits, and enqueue a check of each after commit.

    A claimed source's next check time moves to the end of its lease: if the check is lost, the source is
    due again then, and the late message, if it ever comes, finds another token and records nothing. The limits
    count the fetches under way (`Source.fetching`, within their lease): a check that has fetched its page and is
    recording it holds its lease but no longer a slot. `fetch_over` is the caller's own lease, whose fetch has
    ended: its slot is given up in the same transaction (nothing happens if the lease is no longer current).
    """
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Dispatchers (beat, and every finished check) take turns, so the limits hold; it lasts milliseconds.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISPATCH_LOCK])
        if fetch_over is not None:
            Source.objects.filter(pk=fetch_over.source_id, lease_token=fetch_over.token).update(fetching=False)
        fetching = Source.objects.filter(fetching=True, next_check_at__gt=now)
        per_host = Counter(dict(fetching.values_list("host").annotate(count=Count("id")).order_by()))
        free = settings.FACTCHECK_GLOBAL_CONCURRENCY - per_host.total()
        if free <= 0:
            return []
        full = [host for host, count in per_host.items() if count >= settings.FACTCHECK_PER_HOST_CONCURRENCY]
        # Rows a check is writing right now are skipped, not waited for; a source no evidence cites any more rests;
        # hosts already at their limit are left out, so that the rows looked at can all be taken.
        due = (
            Source.objects.filter(next_check_at__lte=now)
            .exclude(host__in=full)
            .filter(Exists(Evidence.objects.filter(source=OuterRef("pk"))))
            .order_by("next_check_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", "host")[: free * 20]
        )
        chosen: list[int] = []
        for source_id, host in due:
            if per_host[host] < settings.FACTCHECK_PER_HOST_CONCURRENCY:
                per_host[host] += 1
                chosen.append(source_id)
                if len(chosen) == free:
                    break
        if not chosen:
            return []
        tokens = {source_id: uuid.uuid4() for source_id in chosen}
        # Compare-and-set: on SQLite, which has no row locks, a row claimed meanwhile is left alone; only when some
        # row was are the tokens read back, to see which rows are ours.
        claimed = Source.objects.filter(pk__in=chosen, next_check_at__lte=now).update(
            lease_token=Case(
                *(When(pk=pk, then=Value(token)) for pk, token in tokens.items()), output_field=UUIDField()
            ),
            next_check_at=now + settings.FACTCHECK_CHECK_LEASE,
            fetching=True,
        )
        if claimed < len(chosen):
            taken = Source.objects.filter(pk__in=chosen).values_list("id", "lease_token")
            tokens = {source_id: token for source_id, token in taken if token == tokens[source_id]}
        leases = [Lease(source_id, token) for source_id, token in tokens.items()]
        transaction.on_commit(lambda: [enqueue(lease) for lease in leases])
    return leases


def sources_rest_uncited(*, now: datetime | None = None) -> int:
    """Give the due sources that no evidence cites any more their next check a check interval from now.

    The dispatch passes them over (no quote to verify), but they would stay first in the due order, to be passed
    over again by every dispatch. Only sources due for longer than a lease: one that evidence has just cited
    again was made due now, and is left to the dispatch. Returns how many were moved.
    """
    now = now or timezone.now()
    return (
        Source.objects.filter(next_check_at__lte=now - settings.FACTCHECK_CHECK_LEASE, lease_token__isnull=True)
        .exclude(Exists(Evidence.objects.filter(source=OuterRef("pk"))))
        .update(next_check_at=now + settings.FACTCHECK_CHECK_INTERVAL)
    )


def source_check_request(*, source_id: int) -> None:
    """Ask for a check of this source now: it becomes due (unless a check is under way) and, once the
    transaction commits, a dispatch runs instead of waiting for the next minute's."""
    now = timezone.now()
    Source.objects.filter(pk=source_id).filter(Q(lease_token__isnull=True) | Q(next_check_at__lte=now)).update(
        next_check_at=now
    )
    # By name, since the tasks module imports this one. Robust and without retries: if the broker is down, the
    # source is due anyway and beat's next dispatch picks it up.
    transaction.on_commit(lambda: current_app.send_task("claims.tasks.sources_dispatch_task", retry=False), robust=True)


# --- One check --------------------------------------------------------------------------------


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
    snapshot, captured = _capture(source, result, now) if outcome == CheckOutcome.OK else (None, [])
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
        page = pagetext.visible_text(result.text) if result.content_type in HTML_TYPES else result.text
        evidence_verify(source=source, now=now, page_text=page, latest=snapshot)
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


def _capture(source: Source, result: FetchResult, now: datetime) -> tuple[Snapshot | None, list[str]]:
    """A new snapshot, not saved yet, when the page's text is new (None when only the markup, or nothing, changed),
    and the source's changed fields."""
    raw_sha256 = pagetext.sha256(result.body)
    if raw_sha256 == source.raw_sha256:
        return None, []
    if result.content_type in HTML_TYPES:
        title, text = pagetext.article(result.text)
    else:
        title, text = "", result.text
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


# --- Quotes -----------------------------------------------------------------------------------


def snapshot_visible_text(snapshot: Snapshot) -> str:
    """All the text a reader saw on the page when the snapshot was taken."""
    if snapshot.content_type in HTML_TYPES:
        html = zlib.decompress(snapshot.raw_body).decode(snapshot.charset or "utf-8", errors="replace")
        return pagetext.visible_text(html)
    return snapshot.text


def evidence_verify(
    *, source: Source, now: datetime | None = None, page_text: str | None = None, latest: Snapshot | None = None
) -> int:
    """Check every quote citing this source against its latest snapshot; note whether the page changed since cited.

    `page_text` is the visible text of the page, and `latest` the snapshot just taken, when the caller has them.
    """
    latest = latest or source.snapshots.order_by("-fetched_at", "-id").first()
    if latest is None:
        return 0
    # Of the snapshot each evidence was first verified against, only its fingerprint is needed.
    evidence = list(
        source.evidence.select_related("cited_snapshot").defer("cited_snapshot__text", "cited_snapshot__raw_body")
    )
    if not evidence:
        return 0
    if page_text is None:
        page_text = snapshot_visible_text(latest) if any(item.quote for item in evidence) else ""
    page = pagetext.normalize(page_text)
    now = now or timezone.now()
    for item in evidence:
        if item.quote and not page_text.strip():
            # A page whose text the desk cannot read (a PDF): the quote is neither found nor missing.
            item.quote_status = QuoteStatus.UNVERIFIED
        elif item.quote:
            item.quote_status = QuoteStatus.FOUND if pagetext.quote_found(item.quote, page) else QuoteStatus.MISSING
        item.snapshot = latest
        item.quote_checked_at = now
        item.cited_snapshot = item.cited_snapshot or latest
        item.page_changed = (
            pagetext.fingerprint_distance(item.cited_snapshot.fingerprint, latest.fingerprint)
            >= settings.FACTCHECK_MATERIAL_CHANGE_BITS
        )
    Evidence.objects.bulk_update(
        evidence, ["quote_status", "snapshot", "quote_checked_at", "cited_snapshot", "page_changed"]
    )
    return len(evidence)
