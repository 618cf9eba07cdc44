"""Reads of cited sources: the sources, their checks and snapshots, and the claims that cite them."""

from __future__ import annotations

from django.db.models import QuerySet

from claims.models import Check, Claim, Snapshot, Source


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
