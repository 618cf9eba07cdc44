"""The matching's reads: a claim's similar claims, as the admin and the API show them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from claims.matching.models import SimilarClaim, SuggestionStatus
from claims.models import Claim


@dataclass(frozen=True)
class SimilarToClaim:
    """One side of a pair, seen from the claim whose page shows it."""

    pair: SimilarClaim
    other: Claim


def similar_claims_of(claim: Claim, *, with_dismissed: bool = False) -> list[SimilarToClaim]:
    """The claims suggested or confirmed as the same as this one, confirmed first, then best score first."""
    pairs = SimilarClaim.objects.filter(Q(claim_a=claim) | Q(claim_b=claim)).select_related(
        "claim_a__rating", "claim_b__rating", "decided_by"
    )
    if not with_dismissed:
        pairs = pairs.exclude(status=SuggestionStatus.DISMISSED)
    order = {SuggestionStatus.CONFIRMED: 0, SuggestionStatus.SUGGESTED: 1, SuggestionStatus.DISMISSED: 2}
    listed = [SimilarToClaim(pair, pair.claim_b if pair.claim_a_id == claim.pk else pair.claim_a) for pair in pairs]
    return sorted(listed, key=lambda s: (order[SuggestionStatus(s.pair.status)], -s.pair.score, s.other.pk))
