"""schema.org ClaimReview of a published fact-check, the same JSON-LD for the API and the public pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import override

from claims.models import Claim


def site_url(path: str) -> str:
    """An address on the newsroom's own site (FACTCHECK_SITE_URL), for what is read away from it: feeds, mail."""
    return f"{settings.FACTCHECK_SITE_URL.rstrip('/')}{path}"


def factcheck_url(claim: Claim, *, base_url: str | None = None) -> str:
    """The public page of a fact-check, on the newsroom's own site."""
    base = (base_url if base_url is not None else settings.FACTCHECK_SITE_URL).rstrip("/")
    return f"{base}/factchecks/{claim.pk}-{claim.slug}/"


def claimreview_for(
    claim: Claim, *, base_url: str | None = None, modified_at: datetime | None = None
) -> dict[str, Any]:
    """ClaimReview JSON-LD of a published claim: the verdict, who made the claim, where and when, and who checked it.

    `modified_at`: when readers last saw it change after its first publication (a correction, a note), if they did.
    """
    rating: dict[str, Any] = {"@type": "Rating"}
    if claim.rating is not None:
        # The label in the claim's own language: that is what its readers see.
        with override(claim.language if claim.language in ("fr", "en") else "en"):
            rating["alternateName"] = claim.rating.label
        if claim.rating.claimreview_value is not None:
            rating.update(ratingValue=claim.rating.claimreview_value, bestRating=5, worstRating=1)

    claimant_type = "Organization" if _looks_like_organization(claim.claimant) else "Person"
    item: dict[str, Any] = {"@type": "Claim", "author": {"@type": claimant_type, "name": claim.claimant}}
    if claim.appearance_url:
        item["appearance"] = {"@type": "CreativeWork", "url": claim.appearance_url}
    if claim.claim_date:
        item["datePublished"] = claim.claim_date.isoformat()

    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": factcheck_url(claim, base_url=base_url),
        "claimReviewed": claim.text,
        "author": {"@type": "Organization", "name": settings.FACTCHECK_NEWSROOM_NAME},
        "reviewRating": rating,
        "itemReviewed": item,
        "inLanguage": claim.language,
    }
    published = claim.first_published_at or claim.published_at
    if published is not None:
        review["datePublished"] = published.date().isoformat()
    if modified_at is not None:
        review["dateModified"] = modified_at.isoformat()
    return review


# The desk does not record whether a claimant is a person; these words, or a single name ("OpenAI",
# "Microsoft"), make it an organization. Everything else is taken for a person.
ORGANIZATION_WORDS = frozenset(
    {
        "inc",
        "ltd",
        "sa",
        "sas",
        "gmbh",
        "corp",
        "cloud",
        "ministère",
        "ministry",
        "gouvernement",
        "government",
        "agence",
        "agency",
        "université",
        "university",
        "journal",
        "radio",
        "group",
        "groupe",
        "partisans",
        "commentateurs",
    }
)


def _looks_like_organization(claimant: str) -> bool:
    words = [word.strip(".,()").lower() for word in claimant.split()]
    return len(words) == 1 or bool(ORGANIZATION_WORDS.intersection(words))
