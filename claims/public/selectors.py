"""Reads for readers: the published fact-checks as last published, with their evidence and corrections."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    F,
    Field,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from claims import rules
from claims.models import Claim, ClaimStatus, Evidence, PublishedChange, Rating, Snapshot, Source, Transition

# The transitions that reopened a published fact-check.
REOPENING = Q(from_status=rules.REOPEN[0], to_status=rules.REOPEN[1])

Model = TypeVar("Model", bound=models.Model)


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
    # The last change readers were told about in a note while it stayed published, if any.
    last_change_at: datetime | None = None

    # A public fact-check was published, so one of its two dates at least is set (claim_published_has_date): the
    # ignores say so to mypy, which reads both as optional.
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

    @property
    def updated_at(self) -> datetime:
        """When readers last saw it change: its last publication, or a change made since with a note for them."""
        return max(self.published_at, self.last_change_at or self.published_at)

    @property
    def modified(self) -> bool:
        """Changed since it was first published (a correction, a clarification, an update)."""
        return self.updated_at != self.first_published_at


@dataclass(frozen=True)
class Correction:
    """One reopening of a published fact-check: its note, and when the corrected version was published."""

    reopened_at: datetime
    note: str
    republished_at: datetime | None


@dataclass(frozen=True)
class PublicChange:
    """A change made to a fact-check while it stayed published, with the note readers were given."""

    at: datetime
    kind: str
    kind_label: str
    note: str


@dataclass(frozen=True)
class FactCheckPage:
    """Everything a fact-check's public page shows."""

    factcheck: PublishedFactCheck
    evidence: list[Evidence]
    corrections: list[Correction]
    changes: list[PublicChange]


def factchecks_public() -> QuerySet[Claim]:
    """The claims readers may see, newest publication first: published ones, and those reopened for a correction.

    Claims never published (drafts, rejected ones, those in research or review) are not; a fact-check once
    published can no longer be rejected (rules.may_be_rejected).
    """
    return (
        Claim.objects.filter(
            Q(status=ClaimStatus.PUBLISHED) | Q(status__in=rules.BEING_CORRECTED, first_published_at__isnull=False)
        )
        # Always true of them (published_at is set at each publication, never cleared): it lets PostgreSQL read them
        # newest first from claim_public_list_idx rather than sort them all for each page.
        .filter(published_at__isnull=False)
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

    def as_published(field: str, output_field: Field[Any, Any]) -> Case:
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


def _as_recorded(model: type[Model], record: Any) -> Model:
    """The row as a history record kept it, unsaved.

    Built field by field rather than with `record.instance`, which queries the live row for the fields the history
    leaves out (a claim's `updated_at`), once per record.
    """
    return model(**{field.attname: getattr(record, field.attname) for field in record.tracked_fields})


def factchecks_published_versions(claims: Sequence[Claim]) -> list[PublishedFactCheck]:
    """The published version of each public claim, in order; two queries at most, whatever their number.

    A published claim is shown as it stands. A claim being corrected is shown as it was at its last publication,
    with the note its editor gave when reopening it.
    """
    reopened = [claim.pk for claim in claims if claim.status in rules.BEING_CORRECTED]
    last_changes = dict(
        PublishedChange.objects.filter(claim_id__in=[claim.pk for claim in claims])
        .values_list("claim_id")
        .annotate(last=Max("at"))
        .order_by()
    )
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
            record, last_reopening = records[claim.pk], reopenings.get(claim.pk)
            as_published = _as_recorded(Claim, record)
            as_published.rating = record.rating
            versions.append(
                PublishedFactCheck(
                    claim=as_published,
                    being_corrected=True,
                    correction_note=last_reopening.comment if last_reopening else "",
                    reopened_at=last_reopening.at if last_reopening else record.history_date,
                    last_change_at=last_changes.get(claim.pk),
                )
            )
        else:
            versions.append(
                PublishedFactCheck(claim=claim, being_corrected=False, last_change_at=last_changes.get(claim.pk))
            )
    return versions


@dataclass(frozen=True)
class FeedState:
    """What says whether the public fact-checks changed: how many there are, and the last time one did."""

    count: int
    updated_at: datetime | None


def factchecks_feed_state() -> FeedState:
    """How many public fact-checks there are and when readers last saw one change; two queries, whatever their number.

    A new publication or a correction moves `updated_at`, a note for readers too (PublishedChange); a deletion
    changes the count.
    """
    public = factchecks_public().order_by()
    figures = public.aggregate(count=Count("pk"), published=Max("published_at"))
    changed = PublishedChange.objects.filter(claim__in=public.values("pk")).aggregate(last=Max("at"))["last"]
    dates = [date for date in (figures["published"], changed) if date is not None]
    return FeedState(count=figures["count"], updated_at=max(dates) if dates else None)


# Claims read from the database at a time by factchecks_published_all(): its memory, not its number of queries.
FEED_CHUNK = 1000
# The claim's fields that claimreview_for() and the feed read: anything else would be read again, one query a claim.
CLAIMREVIEW_FIELDS = (
    "text",
    "claimant",
    "claim_date",
    "appearance_url",
    "language",
    "status",
    "first_published_at",
    "published_at",
    "rating",
)


def factchecks_published_all() -> Iterator[PublishedFactCheck]:
    """Every public fact-check as last published, newest publication first, for the ClaimReview data feed.

    A fixed number of queries and bounded memory, however many there are: the published ones are read through one
    cursor with their last change for readers alongside; the few being corrected (rebuilt from their history) are
    read apart and merged in.
    """
    last_change = PublishedChange.objects.filter(claim_id=OuterRef("pk")).order_by("-at").values("at")[:1]
    published = (
        factchecks_public()
        .filter(status=ClaimStatus.PUBLISHED)
        # What a ClaimReview says, and not the summaries and the rest: a tenth of the rows' weight.
        .only(*CLAIMREVIEW_FIELDS)
        .annotate(last_change_at=Subquery(last_change))
        .iterator(chunk_size=FEED_CHUNK)
    )
    as_published = (
        PublishedFactCheck(claim=claim, being_corrected=False, last_change_at=claim.last_change_at)
        for claim in published
    )
    being_corrected = factchecks_published_versions(list(factchecks_public().filter(status__in=rules.BEING_CORRECTED)))

    def newest_first(factcheck: PublishedFactCheck) -> tuple[datetime, int]:
        return factcheck.published_at, factcheck.claim.pk

    being_corrected.sort(key=newest_first, reverse=True)
    return heapq.merge(as_published, being_corrected, key=newest_first, reverse=True)


def factcheck_published_version(claim: Claim) -> PublishedFactCheck:
    return factchecks_published_versions([claim])[0]


def _evidence_when_reopened(factchecks: Iterable[PublishedFactCheck]) -> dict[int, list[Evidence]]:
    """The evidence of each fact-check being corrected as it stood when it was reopened (unsaved rows, without their
    sources), per claim, oldest first; one query, whatever their number."""
    reopened_at = {item.claim.pk: item.reopened_at for item in factchecks if item.reopened_at is not None}
    if not reopened_at:
        return {}
    records = Evidence.history.filter(claim_id__in=reopened_at).order_by("history_date", "history_id")
    # As simple-history's as_of(): the last record of each piece of evidence by then, unless it was a deletion.
    latest: dict[int, Any] = {}
    for record in records:
        if record.history_date <= reopened_at[record.claim_id]:
            latest[record.id] = record
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for record in latest.values():
        if record.history_type != "-":
            evidence[record.claim_id].append(_as_recorded(Evidence, record))
    for items in evidence.values():
        items.sort(key=lambda item: (item.added_at, item.pk))
    return evidence


# A web archive's copy of a piece of evidence: kept on the live row, shown also for a fact-check being corrected.
ARCHIVE_FIELDS = ("archive_url", "archive_captured_at", "archive_quote_status")


def factcheck_evidence(factcheck: PublishedFactCheck) -> list[Evidence]:
    """The evidence of a fact-check as published, with their sources and snapshots (without their captured bodies)."""
    claim = factcheck.claim
    if factcheck.reopened_at is None:
        return list(
            Evidence.objects.filter(claim=claim)
            .select_related("source", "snapshot", "cited_snapshot")
            .defer("snapshot__raw_body", "snapshot__text", "cited_snapshot__raw_body", "cited_snapshot__text")
            .order_by("added_at", "id")
        )
    # The evidence as it stood when the fact-check was reopened, not as the desk is reworking it.
    evidence = _evidence_when_reopened([factcheck]).get(claim.pk, [])
    sources = Source.objects.in_bulk({e.source_id for e in evidence})
    snapshot_ids = {e.snapshot_id for e in evidence} | {e.cited_snapshot_id for e in evidence}
    snapshots = Snapshot.objects.defer("raw_body", "text").in_bulk(snapshot_ids - {None})
    # A web archive's copy found since (the page died meanwhile) is shown too: it is the reader's way to the page.
    archived = Evidence.objects.filter(pk__in=[item.pk for item in evidence]).in_bulk()
    shown = []
    for item in evidence:
        if item.source_id not in sources:
            continue  # A source can only go once nothing cites it any more.
        item.source = sources[item.source_id]
        item.snapshot = snapshots.get(item.snapshot_id)
        item.cited_snapshot = snapshots.get(item.cited_snapshot_id)
        if item.pk in archived:
            for name in ARCHIVE_FIELDS:
                setattr(item, name, getattr(archived[item.pk], name))
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


def factcheck_preview(claim: Claim) -> PublishedFactCheck:
    """A claim as its public page would show it if it were published now: as it stands, whatever its status."""
    return PublishedFactCheck(claim=claim, being_corrected=False)


def factcheck_page(factcheck: PublishedFactCheck) -> FactCheckPage:
    """A public fact-check with its evidence, corrections and changes, as last published."""
    return FactCheckPage(
        factcheck=factcheck,
        evidence=factcheck_evidence(factcheck),
        corrections=factcheck_corrections(factcheck.claim),
        changes=[
            PublicChange(at=change.at, kind=change.kind, kind_label=change.get_kind_display(), note=change.note)
            for change in PublishedChange.objects.filter(claim_id=factcheck.claim.pk).order_by("at", "id")
        ],
    )


def factcheck_snapshot(snapshot_id: int) -> Snapshot:
    """A snapshot that a public fact-check cites (as published); Snapshot.DoesNotExist for any other.

    A fixed number of queries, however many fact-checks being corrected once cited it.
    """
    snapshot = Snapshot.objects.select_related("source").defer("raw_body").get(pk=snapshot_id)
    cites = Q(snapshot_id=snapshot_id) | Q(cited_snapshot_id=snapshot_id)
    if Evidence.objects.filter(cites, claim__status=ClaimStatus.PUBLISHED).exists():
        return snapshot
    # A fact-check being corrected shows the evidence it was published with, which may since have changed.
    cited_once = Evidence.history.filter(cites).values("claim_id")
    being_corrected = factchecks_public().filter(status__in=rules.BEING_CORRECTED, pk__in=cited_once)
    published = _evidence_when_reopened(factchecks_published_versions(list(being_corrected)))
    for evidence in published.values():
        if any(snapshot_id in (item.snapshot_id, item.cited_snapshot_id) for item in evidence):
            return snapshot
    raise Snapshot.DoesNotExist(f"Snapshot {snapshot_id} is not cited by any public fact-check.")
