"""Quote verification: is each quoted passage still on its page, and has the page changed since it was cited?"""

from __future__ import annotations

import zlib
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from claims.models import Evidence, QuoteStatus, Snapshot, Source
from claims.sources import extract, pagetext
from claims.sources.fetching import TEXT_TYPES


def snapshot_document(snapshot: Snapshot) -> extract.Document:
    """The page as the snapshot kept it, to be read again."""
    body = zlib.decompress(snapshot.raw_body) if snapshot.raw_body else b""
    text = body.decode(snapshot.charset or "utf-8", errors="replace") if snapshot.content_type in TEXT_TYPES else ""
    return extract.Document(content_type=snapshot.content_type, body=body, text=text)


def evidence_verify(
    *, source: Source, now: datetime | None = None, latest: Snapshot | None = None, page: extract.Document | None = None
) -> int:
    """Check every quote citing this source against its latest snapshot; note whether the page changed since cited.

    `latest` is the snapshot just taken and `page` the page just fetched, when the caller has them at hand; otherwise
    the source's latest snapshot is read again. Returns how many pieces of evidence were verified.
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
    visible = ""
    if any(item.quote for item in evidence):
        visible = extract.visible_text(page or snapshot_document(latest)) or ""
    normalized = pagetext.normalize(visible)
    now = now or timezone.now()
    for item in evidence:
        if item.quote and not visible.strip():
            # A page whose text the desk cannot read (a PDF, for now): the quote is neither found nor missing.
            item.quote_status = QuoteStatus.UNVERIFIED
        elif item.quote:
            found = pagetext.quote_found(item.quote, normalized)
            item.quote_status = QuoteStatus.FOUND if found else QuoteStatus.MISSING
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
