"""Evidence recovery from a web archive (PRODUCT.md, Evidence recovery): pages captured there while they hold their
quotes, and, when a cited page dies, drops its quote or changes materially, the quote looked for in the archive's
copy from when the evidence was cited.

Nothing here runs without FACTCHECK_ARCHIVE_URL: the tests, `make run` and machines without internet never reach out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.alerts.events import event_record
from claims.flags import EVIDENCE_BEHIND
from claims.models import Claim, EventType, Evidence, Flag, QuoteStatus, Source
from claims.reasons import Reason
from claims.sources import archive, fetching

# What Evidence.archive_url holds: a copy's address longer than that (a cited address near its own cap, within the
# archive's) is not kept.
ARCHIVE_URL_MAX_LENGTH = Evidence._meta.get_field("archive_url").max_length or 2000


def archive_on() -> bool:
    return bool(archive.archive_url())


# --- Captures ------------------------------------------------------------------------------------------


def sources_capture_soon(source_ids: Iterable[int]) -> None:
    """Once this transaction commits, ask the archive to capture these sources' pages (a task each)."""
    ids = sorted(set(source_ids))
    if not ids or not archive_on():
        return
    from claims.sources.tasks import source_capture_task

    transaction.on_commit(lambda: [source_capture_task.apply_async((pk,), retry=False) for pk in ids], robust=True)


def source_capture(*, source_id: int) -> archive.CaptureOutcome | None:
    """Ask the archive to capture the source's page now (once a day at most, within its rate limit). None for a
    source gone, or one the fetcher may not reach (a private address is not handed to an archive on the internet)."""
    url = Source.objects.filter(pk=source_id).values_list("url", flat=True).first()
    if url is None or fetching.target_refusal(url) is not None:
        return None
    return archive.capture_request(url)


def claim_capture_soon(claim: Claim) -> None:
    """A fact-check published: its pages captured as readers are shown them."""
    if archive_on():
        sources_capture_soon(claim.evidence.values_list("source_id", flat=True))


# --- Recovery -------------------------------------------------------------------------------------------


def evidence_recover_soon(flag_ids: Iterable[int]) -> None:
    """Once this transaction commits, look up in the archive the evidence behind these newly raised flags (a dead
    page, a quote gone, a page changed) that it was not asked about yet."""
    ids = list(flag_ids)
    if not ids or not archive_on():
        return
    behind = Q()
    for kind, condition in EVIDENCE_BEHIND.items():
        behind |= condition & Q(claim__flags__id__in=ids, claim__flags__kind=kind)
    evidence_ids = sorted(
        set(Evidence.objects.filter(behind, archive_checked_at__isnull=True).values_list("pk", flat=True))
    )
    if not evidence_ids:
        return
    from claims.sources.tasks import evidence_recover_task

    transaction.on_commit(
        lambda: [evidence_recover_task.apply_async((pk,), retry=False) for pk in evidence_ids], robust=True
    )


@dataclass(frozen=True)
class Recovery:
    """What looking a piece of evidence up in the archive came to: the reason its flags now give, and whether asking
    again later may help (the archive down or slow)."""

    reason: Reason
    transient: bool = False


def evidence_recover(*, evidence_id: int, now: datetime | None = None) -> Recovery | None:
    """Look the evidence's page up in the archive, as it was when cited, and its quote in that copy; keep what was
    found on the evidence and say it in the reason of the flags it raised. Returns what it came to, or None when
    the archive is not configured or the evidence is gone.

    The copy looked for is the one closest to the day the evidence was cited, as long as it is not later than that
    day: the desk itself asks for one when the evidence is first verified.
    """
    if not archive_on():
        return None
    now = now or timezone.now()
    evidence = Evidence.objects.select_related("source", "cited_snapshot").filter(pk=evidence_id).first()
    if evidence is None:
        return None
    cited_at = evidence.cited_snapshot.fetched_at if evidence.cited_snapshot else evidence.added_at
    found = archive.closest_capture(
        evidence.source.url, before=min(cited_at + settings.FACTCHECK_ARCHIVE_CAPTURE_EVERY, now)
    )
    # Asked again (by the task's retries, or the next loss) while the archive could not answer.
    fields: dict[str, object] = {}
    transient = False
    if isinstance(found, archive.ArchiveFailure):
        reason, transient = found.reason, found.transient
        if not transient:
            fields["archive_checked_at"] = now
    elif len(found.url) > ARCHIVE_URL_MAX_LENGTH:
        reason = Reason("archive_capture_elsewhere", {"url": found.url[:200]})
        fields["archive_checked_at"] = now
    else:
        check = archive.capture_verify(found, [evidence.quote] if evidence.quote else [])
        status = check.quotes[0].status if check.quotes else ""
        reason = check.quotes[0].reason if check.quotes else check.reason or Reason("archive_capture_read")
        fields.update(
            archive_url=found.url,
            archive_captured_at=found.captured_at,
            archive_quote_status=status,
            archive_checked_at=now,
        )
    with transaction.atomic():
        if fields:
            Evidence.objects.filter(pk=evidence.pk).update(**fields)
        kinds = [kind for kind, condition in EVIDENCE_BEHIND.items() if _behind(evidence.pk, condition)]
        # The flags it raised say what the archive holds ("the archived copy of … still holds the quote").
        Flag.objects.filter(claim_id=evidence.claim_id, kind__in=kinds, cleared_at__isnull=True).update(
            details={"archive": {"code": reason.code, "params": dict(reason.params)}}
        )
        if fields.get("archive_quote_status") == QuoteStatus.FOUND:
            event_record(type=EventType.EVIDENCE_RECOVERED, claim=Claim.objects.get(pk=evidence.claim_id), at=now)
    return Recovery(reason, transient)


def _behind(evidence_id: int, condition: Q) -> bool:
    return Evidence.objects.filter(condition, pk=evidence_id).exists()
