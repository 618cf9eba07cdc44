"""Quote verification: is each quoted passage still on its page, and has the page changed since it was cited?"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TypeAlias, TypedDict

from django.conf import settings
from django.db.models import F, QuerySet, Subquery
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from claims.models import Evidence, QuoteStatus, QuoteUnverifiedBecause, Snapshot, Source
from claims.sources import extract, pagetext, pdf, recovery
from claims.sources.fetching import TEXT_TYPES

# What verifying a quote writes on its evidence (as attributes: the snapshots' ids).
VERIFIED_FIELDS = (
    "quote_status",
    "quote_page",
    "quote_unverified_because",
    "snapshot_id",
    "quote_checked_at",
    "cited_snapshot_id",
    "page_changed",
)


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


class CitedFingerprint(TypedDict):
    cited_fingerprint: str | None


# Evidence as verifying reads it (source_evidence); a type only (WithAnnotations takes one argument at run time).
CitedEvidence: TypeAlias = "WithAnnotations[Evidence, CitedFingerprint]"


def source_evidence(source: Source) -> QuerySet[CitedEvidence]:
    """The evidence citing the source, with only what verifying it reads and writes (VERIFIED_FIELDS: a quote's
    status is written back as it was when there is no quote), and the fingerprint of the snapshot it was first
    verified against (`cited_fingerprint`)."""
    return (
        Evidence.objects.filter(source_id=source.pk)
        .only("source_id", "quote", *VERIFIED_FIELDS)
        .annotate(cited_fingerprint=F("cited_snapshot__fingerprint"))
    )


def evidence_verify(
    *,
    source: Source,
    now: datetime | None = None,
    latest: Snapshot | None = None,
    reading: extract.Reading | None = None,
    evidence: Iterable[CitedEvidence] | None = None,
) -> int:
    """Check every quote citing this source against its latest snapshot; note whether the page changed since cited.

    `latest` is the snapshot just taken and `reading` the page just read, when the caller has them at hand
    (`evidence` too, from source_evidence()); otherwise the source's latest snapshot is read again. Returns how many
    pieces of evidence were verified.
    """
    latest = latest or source.snapshots.order_by("-fetched_at", "-id").first()
    if latest is None:
        return 0
    evidence = list(source_evidence(source) if evidence is None else evidence)
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
        item.snapshot_id = latest.pk
        item.quote_checked_at = now
        # Evidence verified for the first time is compared with the page as it is now: not changed.
        item.cited_snapshot_id = item.cited_snapshot_id or latest.pk
        cited_fingerprint = item.cited_fingerprint or latest.fingerprint
        item.page_changed = (
            pagetext.fingerprint_distance(cited_fingerprint, latest.fingerprint)
            >= settings.FACTCHECK_MATERIAL_CHANGE_BITS
        )
    _verified_save(evidence)
    # Evidence verified for the first time: its page captured by the web archive as the desk cited it.
    recovery.sources_capture_soon(first_verified)
    return len(evidence)


def _verified_save(evidence: list[CitedEvidence]) -> None:
    """What verifying found, one UPDATE for each outcome (usually one for all the evidence citing a page): cheaper
    than bulk_update's CASE for every field and row."""
    outcomes: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for item in evidence:
        outcomes[tuple(getattr(item, name) for name in VERIFIED_FIELDS)].append(item.pk)
    for values, ids in outcomes.items():
        Evidence.objects.filter(pk__in=ids).update(**dict(zip(VERIFIED_FIELDS, values, strict=True)))


def evidence_verify_pending(*, source: Source, now: datetime, page: extract.Document | None = None) -> int:
    """After a check that found the page as its latest snapshot has it (the same bytes, or a 304): the evidence
    already verified against that snapshot would come out the same, and is left as it is; only the rest (added, or
    its quote or page changed since: evidence_update clears its snapshot) is verified, reading `page` (the bytes at
    hand) or else the snapshot. One query when there is nothing to verify. Returns how many pieces of evidence were
    verified."""
    latest = source.snapshots.order_by("-fetched_at", "-id")
    # Most often none: asked with the lightest query, and only then read as verifying needs it.
    pending_ids = list(
        Evidence.objects.filter(source_id=source.pk)
        .exclude(snapshot_id=Subquery(latest.values("id")[:1]))
        .values_list("id", flat=True)
    )
    snapshot = latest.first() if pending_ids else None
    if snapshot is None:
        return 0
    pending = list(source_evidence(source).filter(pk__in=pending_ids))
    reading = extract.read(page, main=False) if page is not None and any(item.quote for item in pending) else None
    return evidence_verify(source=source, now=now, latest=snapshot, reading=reading, evidence=pending)


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
