"""Reads of the claim desk, as querysets that already join what their callers show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    F,
    Field,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.expressions import RawSQL

from claims import rules
from claims.models import Check, Claim, ClaimStatus, Evidence, Flag, Rating, Snapshot, Source, Transition


def open_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(cleared_at__isnull=True).order_by("kind")


def claims_with_open_flag(claims: QuerySet[Claim], kind: str) -> QuerySet[Claim]:
    """The claims among these with an open flag of this kind (the admin's and the API's flag filter)."""
    return claims.filter(flags__kind=kind, flags__cleared_at__isnull=True)


def claim_list() -> QuerySet[Claim]:
    """Claims with their rating, assignee and open flags (as `open_flags`), for lists."""
    return Claim.objects.select_related("rating", "assignee").prefetch_related(
        Prefetch("flags", queryset=open_flags(), to_attr="open_flags")
    )


def claim_evidence(claim: Claim) -> QuerySet[Evidence]:
    """A claim's evidence with each source's state and who added it."""
    return claim.evidence.select_related("source", "added_by")


# --- The API's reads ---------------------------------------------------------------------------

# claims_claim.search_vector is a stored column made by migration 0004_claim_search (GIN-indexed): the claim's words
# stemmed in its own language, accents removed. The query's language is unknown, so it is read both ways.
SEARCH_QUERY = "(websearch_to_tsquery('french_unaccent', %s) || websearch_to_tsquery('english_unaccent', %s))"
CLAIM_SEARCH_MATCH = f"claims_claim.search_vector @@ {SEARCH_QUERY}"
CLAIM_SEARCH_RANK = f"ts_rank(claims_claim.search_vector, {SEARCH_QUERY})"
# Typos: close spelling of a word of the claim or of the claimant (trigram indexes of the same migration).
CLAIM_SPELLING_MATCH = "%s <%% claims_claim.text OR %s <%% claims_claim.claimant"
CLAIM_SPELLING_RANK = "greatest(word_similarity(%s, claims_claim.text), word_similarity(%s, claims_claim.claimant))"


def claim_api_list() -> QuerySet[Claim]:
    """Claims with everything the API shows: rating, people, tags, open flags, evidence with their sources' state."""
    return Claim.objects.select_related("rating", "assignee", "created_by").prefetch_related(
        "tags",
        Prefetch("flags", queryset=open_flags(), to_attr="open_flags"),
        Prefetch("evidence", queryset=Evidence.objects.select_related("source", "added_by").order_by("added_at", "id")),
    )


def claims_search(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims matching `query`, best first: full text in the claim's language (accents ignored), or, when no claim
    has those words, close spelling (typos).

    Close spelling is a fallback and not always added: checked on every claim that shares a trigram with a common
    word, it took half a second at 100,000 claims. On SQLite (the zero-setup run) a substring match stands in.
    """
    query = query.strip()
    if not query:
        return claims
    if connection.vendor != "postgresql":
        return claims.filter(Q(text__icontains=query) | Q(claimant__icontains=query))
    words = claims.filter(RawSQL(CLAIM_SEARCH_MATCH, [query, query], output_field=BooleanField()))
    if words.exists():
        ranked = words.alias(search_rank=RawSQL(CLAIM_SEARCH_RANK, [query, query], output_field=FloatField()))
    else:
        ranked = claims.filter(RawSQL(CLAIM_SPELLING_MATCH, [query, query], output_field=BooleanField())).alias(
            search_rank=RawSQL(CLAIM_SPELLING_RANK, [query, query], output_field=FloatField())
        )
    return ranked.order_by("-search_rank", "-id")


def source_list() -> QuerySet[Source]:
    return Source.objects.all()


def source_checks(source: Source) -> QuerySet[Check]:
    return source.checks.order_by("-started_at", "-id")


def claim_history_records(claim: Claim, *, limit: int) -> tuple[list[Any], list[Any], list[Transition]]:
    """The claim's history rows, its evidence's (deleted evidence too) and its moves, each newest first, bounded."""
    claim_records = list(claim.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    evidence_records = list(
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    transitions = list(claim.transitions.select_related("by").order_by("-at", "-id")[:limit])
    return claim_records, evidence_records, transitions


# --- The public pages' reads -------------------------------------------------------------------

# The transitions that reopened a published fact-check.
REOPENING = Q(from_status=rules.REOPEN[0], to_status=rules.REOPEN[1])


@dataclass(frozen=True)
class PublishedFactCheck:
    """A fact-check as readers see it: the claim as last published, and whether a correction is under way."""

    # For a fact-check being corrected: rebuilt from its last history row as published (unsaved; not the draft).
    claim: Claim
    being_corrected: bool
    correction_note: str = ""
    # When a fact-check being corrected was reopened: its evidence is shown as it stood then, background
    # checks and editors' corrections made while it was published included.
    reopened_at: datetime | None = None

    @property
    def first_published_at(self) -> datetime:
        return self.claim.first_published_at or self.claim.published_at  # type: ignore[return-value]

    @property
    def published_at(self) -> datetime:
        return self.claim.published_at or self.claim.first_published_at  # type: ignore[return-value]

    @property
    def corrected(self) -> bool:
        """Published again after a correction, or being corrected now."""
        return self.being_corrected or self.published_at != self.first_published_at


@dataclass(frozen=True)
class Correction:
    """One reopening of a published fact-check: its note, and when the corrected version was published."""

    reopened_at: datetime
    note: str
    republished_at: datetime | None


@dataclass(frozen=True)
class FactCheckPage:
    """Everything a fact-check's public page shows."""

    factcheck: PublishedFactCheck
    evidence: list[Evidence]
    corrections: list[Correction]


def factchecks_public() -> QuerySet[Claim]:
    """The claims readers may see, newest publication first: published ones, and those reopened for a correction.

    Claims never published (drafts, rejected ones, those in research or review) are not; a fact-check once
    published can no longer be rejected (rules.may_be_rejected).
    """
    return (
        Claim.objects.filter(
            Q(status=ClaimStatus.PUBLISHED) | Q(status__in=rules.BEING_CORRECTED, first_published_at__isnull=False)
        )
        .select_related("rating")
        .order_by("-published_at", "-id")
    )


def factchecks_filter(claims: QuerySet[Claim], *, rating: str = "", language: str = "") -> QuerySet[Claim]:
    """Public fact-checks by their published verdict (a rating slug) and language, not a correction in progress's."""
    if not rating and not language:
        return claims
    last_publication = Claim.history.filter(id=OuterRef("pk"), status=ClaimStatus.PUBLISHED).order_by(
        "-history_date", "-history_id"
    )

    def as_published(field: str, output_field: Field) -> Case:
        return Case(
            When(status=ClaimStatus.PUBLISHED, then=F(field)),
            default=Subquery(last_publication.values(field)[:1]),
            output_field=output_field,
        )

    if rating:
        claims = claims.alias(published_rating_id=as_published("rating_id", BigIntegerField())).filter(
            published_rating_id__in=Rating.objects.filter(slug=rating).values("pk")
        )
    if language:
        claims = claims.alias(published_language=as_published("language", CharField())).filter(
            published_language=language
        )
    return claims


def _claim_as_recorded(record: Any) -> Claim:
    # Built field by field rather than with `record.instance`, which queries the live row for each record
    # (for `updated_at`, which the history leaves out).
    claim = Claim(**{field.attname: getattr(record, field.attname) for field in record.tracked_fields})
    claim.rating = record.rating
    return claim


def factchecks_published_versions(claims: Sequence[Claim]) -> list[PublishedFactCheck]:
    """The published version of each public claim, in order; two queries at most, whatever their number.

    A published claim is shown as it stands. A claim being corrected is shown as it was at its last publication,
    with the note its editor gave when reopening it.
    """
    reopened = [claim.pk for claim in claims if claim.status in rules.BEING_CORRECTED]
    records: dict[int, Any] = {}
    reopenings: dict[int, Transition] = {}
    if reopened:
        history = Claim.history.filter(id__in=reopened, status=ClaimStatus.PUBLISHED).select_related("rating")
        records = {record.id: record for record in history.latest_of_each()}
        for reopening in Transition.objects.filter(REOPENING, claim_id__in=reopened).order_by("at", "id"):
            reopenings[reopening.claim_id] = reopening  # The latest reopening wins.
    versions = []
    for claim in claims:
        if claim.pk in records:
            record, reopening = records[claim.pk], reopenings.get(claim.pk)
            versions.append(
                PublishedFactCheck(
                    claim=_claim_as_recorded(record),
                    being_corrected=True,
                    correction_note=reopening.comment if reopening else "",
                    reopened_at=reopening.at if reopening else record.history_date,
                )
            )
        else:
            versions.append(PublishedFactCheck(claim=claim, being_corrected=False))
    return versions


def factcheck_published_version(claim: Claim) -> PublishedFactCheck:
    return factchecks_published_versions([claim])[0]


def factcheck_evidence(factcheck: PublishedFactCheck) -> list[Evidence]:
    """The evidence of a fact-check as published, with their sources and snapshots (without their captured bodies)."""
    claim = factcheck.claim
    if factcheck.reopened_at is None:
        return list(
            claim_evidence(claim)
            .select_related("snapshot", "cited_snapshot")
            .defer("snapshot__raw_body", "snapshot__text", "cited_snapshot__raw_body", "cited_snapshot__text")
            .order_by("added_at", "id")
        )
    # The evidence as it stood when the fact-check was reopened, not as the desk is reworking it.
    evidence = sorted(
        Evidence.history.as_of(factcheck.reopened_at).filter(claim_id=claim.pk), key=lambda e: (e.added_at, e.pk)
    )
    sources = Source.objects.in_bulk({e.source_id for e in evidence})
    snapshot_ids = {e.snapshot_id for e in evidence} | {e.cited_snapshot_id for e in evidence}
    snapshots = Snapshot.objects.defer("raw_body", "text").in_bulk(snapshot_ids - {None})
    shown = []
    for item in evidence:
        if item.source_id not in sources:
            continue  # A source can only go once nothing cites it any more.
        item.source = sources[item.source_id]
        item.snapshot = snapshots.get(item.snapshot_id)
        item.cited_snapshot = snapshots.get(item.cited_snapshot_id)
        shown.append(item)
    return shown


def factcheck_corrections(claim: Claim) -> list[Correction]:
    """Each reopening of a fact-check, oldest first, with its correction note and the publication that closed it."""
    corrections: list[Correction] = []
    moves = claim.transitions.filter(REOPENING | Q(to_status=ClaimStatus.PUBLISHED)).order_by("at", "id")
    for move in moves:
        if move.to_status == ClaimStatus.RESEARCHING:
            corrections.append(Correction(reopened_at=move.at, note=move.comment, republished_at=None))
        elif corrections and corrections[-1].republished_at is None:
            last = corrections[-1]
            corrections[-1] = Correction(reopened_at=last.reopened_at, note=last.note, republished_at=move.at)
    return corrections


def factcheck_public(claim_id: int) -> PublishedFactCheck:
    """A public fact-check as last published; Claim.DoesNotExist if it is not public."""
    return factcheck_published_version(factchecks_public().get(pk=claim_id))


def factcheck_page(factcheck: PublishedFactCheck) -> FactCheckPage:
    """A public fact-check with its evidence and corrections, as last published."""
    return FactCheckPage(
        factcheck=factcheck,
        evidence=factcheck_evidence(factcheck),
        corrections=factcheck_corrections(factcheck.claim),
    )


def factcheck_snapshot(snapshot_id: int) -> Snapshot:
    """A snapshot that a public fact-check cites (as published); Snapshot.DoesNotExist for any other."""
    snapshot = Snapshot.objects.select_related("source").defer("raw_body").get(pk=snapshot_id)
    cites = Q(snapshot_id=snapshot_id) | Q(cited_snapshot_id=snapshot_id)
    if Evidence.objects.filter(cites, claim__status=ClaimStatus.PUBLISHED).exists():
        return snapshot
    # A fact-check being corrected shows the evidence it was published with, which may since have changed.
    cited_once = Evidence.history.filter(cites).values("claim_id")
    for claim in factchecks_public().filter(status__in=rules.BEING_CORRECTED, pk__in=cited_once):
        published = factcheck_evidence(factcheck_published_version(claim))
        if any(snapshot_id in (item.snapshot_id, item.cited_snapshot_id) for item in published):
            return snapshot
    raise Snapshot.DoesNotExist(f"Snapshot {snapshot_id} is not cited by any public fact-check.")
