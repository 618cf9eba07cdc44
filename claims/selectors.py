"""Reads of the claim desk, as querysets that already join what their callers show."""
from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from claims.models import Claim, Evidence, Flag, Transition


def open_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(cleared_at__isnull=True).order_by("kind")


def claim_list() -> QuerySet[Claim]:
    """Claims with their rating, assignee and open flags (as `open_flags`), for lists."""
    return Claim.objects.select_related("rating", "assignee").prefetch_related(
        Prefetch("flags", queryset=open_flags(), to_attr="open_flags")
    )


def claim_evidence(claim: Claim) -> QuerySet[Evidence]:
    """A claim's evidence with each source's state and who added it."""
    return claim.evidence.select_related("source", "added_by", "quote_override_by", "snapshot")


def claim_transitions(claim: Claim) -> QuerySet[Transition]:
    return claim.transitions.select_related("by").order_by("at", "id")
