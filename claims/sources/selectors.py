"""Reads of cited sources: the sources, their checks and snapshots, and the claims that cite them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.db.models.functions import Left

from claims.models import Check, Claim, Evidence, Snapshot, Source


def source_list() -> QuerySet[Source]:
    return Source.objects.all()


def source_checks(source: Source) -> QuerySet[Check]:
    """The source's fetch attempts, newest first."""
    return source.checks.order_by("-started_at", "-id")


def source_snapshots(source: Source) -> QuerySet[Snapshot]:
    """The source's snapshots, newest first, without their captured text and body."""
    return source.snapshots.defer("raw_body", "text").order_by("-fetched_at", "-id")


def source_citing_claims(source: Source) -> QuerySet[Claim]:
    """The claims whose evidence cites this source."""
    return Claim.objects.filter(evidence__source=source).distinct()


def source_evidence_with_claims(source: Source) -> QuerySet[Evidence]:
    """The evidence citing this source, with its claim, oldest first."""
    return source.evidence.select_related("claim").order_by("added_at", "id")


def source_snapshot_choices(source: Source, *, newest: int, keep: Iterable[int | None] = ()) -> list[Snapshot]:
    """The source's `newest` latest snapshots and those in `keep` (as evidence cited them), newest first, without
    their text and body."""
    latest = list(source_snapshots(source).values_list("id", flat=True)[:newest])
    wanted = Q(pk__in=latest) | Q(pk__in=[pk for pk in keep if pk is not None])
    return list(source_snapshots(source).filter(wanted))


def snapshot_texts(snapshot_ids: Iterable[int], *, limit: int) -> dict[int, str]:
    """The text of these snapshots by id, each cut to `limit` characters by the database: a page's text may be
    large, and only so much of it is shown."""
    rows = (
        Snapshot.objects.filter(pk__in=list(snapshot_ids)).annotate(head=Left("text", limit)).values_list("id", "head")
    )
    return dict(rows)
