"""Quote verification: is each quoted passage still on its page, and has the page changed since it was cited?"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from claims.models import Evidence, QuoteStatus, QuoteUnverifiedBecause, Snapshot, Source
from claims.sources import extract, pagetext, pdf, recovery
from claims.sources.fetching import TEXT_TYPES

VERIFIED_FIELDS = [
    "quote_status",
    "quote_page",
    "quote_unverified_because",
    "snapshot",
    "quote_checked_at",
    "cited_snapshot",
    "page_changed",
]


def snapshot_document(snapshot: Snapshot) -> extract.Document:
    """The page as the snapshot kept it, to be read again."""
    body = zlib.decompress(snapshot.raw_body) if snapshot.raw_body else b""
    text = body.decode(snapshot.charset or "utf-8", errors="replace") if snapshot.content_type in TEXT_TYPES else ""
    return extract.Document(content_type=snapshot.content_type, body=body, text=text)


class ReadText:
    """A page's text as quotes are looked for in it: normalized once for all of them, and, for a document with pages
    (a PDF), where each normalized character comes from, worked out once when a found quote's page is asked."""

    def __init__(self, reading: extract.Reading) -> None:
        self.reading = reading
        self.normalized = pagetext.normalize(reading.visible)
        self._starts: list[int] | None = None

    def found(self, quote: str) -> bool:
        if pagetext.quote_found(quote, self.normalized):
            return True
        # A PDF's line-end hyphens are dropped as words cut in two ("pré-/sentés"), which also joins a compound cut
        # there ("porte-/monnaie"): such a quote is looked for with its hyphens dropped too.
        return (
            bool(self.reading.page_starts)
            and "-" in quote
            and pagetext.quote_found(quote.replace("-", ""), self.normalized.replace("-", ""))
        )

    def page_of(self, quote: str) -> int | None:
        """The page a found quote starts on; None for a document without pages."""
        if not self.reading.page_starts:
            return None
        if self._starts is None:
            _, self._starts, _ = pagetext.normalize_with_offsets(self.reading.visible)
        at = self.normalized.find(pagetext.normalize(quote))
        return pdf.page_of(self._starts[at], self.reading.page_starts) if at >= 0 else None


def source_evidence(source: Source, *, pending_for: int | None = None) -> list[Evidence]:
    """The evidence citing the source (only that not verified against snapshot `pending_for`, if given), with what
    verifying it needs of the snapshot it was first verified against: its fingerprint only."""
    evidence = source.evidence.select_related("cited_snapshot").defer(
        "cited_snapshot__text", "cited_snapshot__raw_body"
    )
    return list(evidence if pending_for is None else evidence.exclude(snapshot_id=pending_for))


def evidence_verify(
    *,
    source: Source,
    now: datetime | None = None,
    latest: Snapshot | None = None,
    reading: extract.Reading | None = None,
    evidence: Sequence[Evidence] | None = None,
) -> int:
    """Check every quote citing this source against its latest snapshot; note whether the page changed since cited.

    `latest` is the snapshot just taken and `reading` the page just read, when the caller has them at hand
    (`evidence` too); otherwise the source's latest snapshot is read again. Returns how many pieces of evidence were
    verified.
    """
    latest = latest or source.snapshots.order_by("-fetched_at", "-id").first()
    if latest is None:
        return 0
    evidence = source_evidence(source) if evidence is None else evidence
    if not evidence:
        return 0
    if reading is None and any(item.quote for item in evidence):
        reading = extract.read(snapshot_document(latest), main=False)
    reading = reading or extract.Reading()
    page = ReadText(reading)
    now = now or timezone.now()
    first_verified = [item.source_id for item in evidence if item.cited_snapshot_id is None]
    for item in evidence:
        item.quote_page = None
        if item.quote and reading.unread_because:
            # The desk could not read the page (a scanned PDF, a page over its budget): neither found nor missing.
            item.quote_status = QuoteStatus.UNVERIFIED
            item.quote_unverified_because = reading.unread_because
        elif item.quote and page.found(item.quote):
            item.quote_status, item.quote_unverified_because = QuoteStatus.FOUND, ""
            item.quote_page = page.page_of(item.quote)
        elif item.quote and reading.unread_part_because:
            # Not in what was read, but the rest (scanned pages, pages past the budget) may hold it.
            item.quote_status = QuoteStatus.UNVERIFIED
            item.quote_unverified_because = reading.unread_part_because
        elif item.quote:
            item.quote_status, item.quote_unverified_because = QuoteStatus.MISSING, ""
        item.snapshot = latest
        item.quote_checked_at = now
        item.cited_snapshot = item.cited_snapshot or latest
        item.page_changed = (
            pagetext.fingerprint_distance(item.cited_snapshot.fingerprint, latest.fingerprint)
            >= settings.FACTCHECK_MATERIAL_CHANGE_BITS
        )
    Evidence.objects.bulk_update(evidence, VERIFIED_FIELDS)
    # Evidence verified for the first time: its page captured by the web archive as the desk cited it.
    recovery.sources_capture_soon(first_verified)
    return len(evidence)


def evidence_verify_pending(*, source: Source, now: datetime, page: extract.Document | None = None) -> int:
    """After a check that found the page as its latest snapshot has it (the same bytes, or a 304): the evidence
    already verified against that snapshot would come out the same, and is left as it is; only the rest (added, or
    its quote or page changed since: evidence_update clears its snapshot) is verified, reading `page` (the bytes at
    hand) or else the snapshot. Returns how many pieces of evidence were verified."""
    latest_id = source.snapshots.order_by("-fetched_at", "-id").values_list("id", flat=True).first()
    if latest_id is None:
        return 0
    pending = source_evidence(source, pending_for=latest_id)
    if not pending:
        return 0
    latest = Snapshot.objects.get(pk=latest_id)
    reading = extract.read(page, main=False) if page is not None and any(item.quote for item in pending) else None
    return evidence_verify(source=source, now=now, latest=latest, reading=reading, evidence=pending)


def evidence_unverify(*, source: Source, because: QuoteUnverifiedBecause, now: datetime | None = None) -> int:
    """The quotes citing this source stop counting as found or missing: the desk cannot tell now, and says why."""
    return (
        Evidence.objects.filter(source=source)
        .exclude(quote="")
        .update(
            quote_status=QuoteStatus.UNVERIFIED,
            quote_unverified_because=because,
            quote_checked_at=now or timezone.now(),
        )
    )
