"""Reads of the claim desk (the admin and the API), as querysets that already join what their callers show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from claims import rules
from claims.flags import EVIDENCE_BEHIND
from claims.models import Claim, ClaimStatus, Evidence, Flag, FlagKind
from claims.pagination import capped_count


def open_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(cleared_at__isnull=True).order_by("kind")


def has_open_flag(kind: str | None = None) -> Exists:
    """A claim has an open flag (of this kind, or of any): for filters, the home page and the health figures."""
    flags = Flag.objects.filter(claim=OuterRef("pk"), cleared_at__isnull=True)
    return Exists(flags.filter(kind=kind) if kind else flags)


def claims_with_open_flag(claims: QuerySet[Claim], kind: str | None = None) -> QuerySet[Claim]:
    """The claims among these with an open flag of this kind, or of any (the admin's and the API's flag filter)."""
    return claims.filter(has_open_flag(kind))


def claims_to_publish(claims: QuerySet[Claim], user: User) -> QuerySet[Claim]:
    """The claims among these waiting in review that this user may publish (their role, and four-eyes), longest
    waiting first. None for a role that does not publish."""
    if not rules.can_publish(user):
        return claims.none()
    waiting = claims.filter(status=ClaimStatus.IN_REVIEW)
    return rules.claims_may_publish(waiting, user).order_by(F("sent_to_review_at").asc(), "id")


def evidence_behind(kind: str) -> QuerySet[Evidence]:
    """The evidence that raises a flag of this kind on its claim (flags.EVIDENCE_BEHIND), with its source: what an
    editor looks at to see why."""
    return Evidence.objects.filter(EVIDENCE_BEHIND[FlagKind(kind)]).select_related("source")


def claim_list() -> QuerySet[Claim]:
    """Claims with their rating, assignee and open flags (as `open_flags`), for lists."""
    return Claim.objects.select_related("rating", "assignee").prefetch_related(
        Prefetch("flags", queryset=open_flags(), to_attr="open_flags")
    )


# The distinct languages of the claims, one step down the language index each (a "loose index scan"), rather than
# a DISTINCT that reads every claim.
CLAIM_LANGUAGES = """
WITH RECURSIVE languages(language) AS (
    (SELECT language FROM claims_claim ORDER BY language LIMIT 1)
    UNION ALL
    SELECT (SELECT c.language FROM claims_claim c WHERE c.language > l.language ORDER BY c.language LIMIT 1)
    FROM languages l WHERE l.language IS NOT NULL
)
SELECT language FROM languages WHERE language IS NOT NULL
"""


def claim_languages() -> list[str]:
    """The languages the desk's claims are in (ISO 639-1 codes), in order."""
    if connection.vendor != "postgresql":
        return list(Claim.objects.order_by("language").values_list("language", flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_LANGUAGES)
        return [language for (language,) in cursor.fetchall()]


def prefetched_open_flags(claim: Claim) -> list[Flag]:
    """A claim's open flags, as claim_list prefetches them."""
    # The attribute is made by its Prefetch(to_attr=...), which mypy sees on its queryset's rows only.
    return claim.open_flags  # type: ignore[attr-defined, no-any-return]


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
# A search whose words find up to this many claims shows them best first; more, newest first.
SEARCH_RANKED = 1000
# A misspelt search shows this many of the closest spellings, best first.
SEARCH_SPELLINGS = 100


def claims_search(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims matching `query`: full text in the claim's language (accents ignored), or, when no claim has those
    words, close spelling (typos).

    Best first when the words find at most SEARCH_RANKED claims; beyond, newest first: ranking the 27,000 claims a
    common word finds read every one of them, 40 ms of a search's 50, for an order that says little. A misspelt
    search shows the SEARCH_SPELLINGS closest spellings, read in one pass. On SQLite (the zero-setup run) a
    substring match stands in.
    """
    query = query.strip()
    if not query:
        return claims
    if connection.vendor != "postgresql":
        return claims.filter(Q(text__icontains=query) | Q(claimant__icontains=query))
    words = claims_with_words(claims, query)
    found = capped_count(words, SEARCH_RANKED)
    if found > SEARCH_RANKED:
        return words.order_by("-id")
    if found:
        return words.alias(search_rank=RawSQL(CLAIM_SEARCH_RANK, [query, query], output_field=FloatField())).order_by(
            "-search_rank", "-id"
        )
    closest = list(claims_spelled_like(claims, query).values_list("id", flat=True)[:SEARCH_SPELLINGS])
    place = RawSQL("array_position(%s::bigint[], claims_claim.id)", [closest], output_field=IntegerField())
    return claims.filter(id__in=closest).alias(search_place=place).order_by("search_place")


def claims_with_words(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims with the words of `query` (full text in the claim's language, accents ignored), in no order."""
    return claims.filter(RawSQL(CLAIM_SEARCH_MATCH, [query, query], output_field=BooleanField()))


def claims_spelled_like(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims with a word, or a claimant, spelled close to `query`'s (trigram indexes), closest first."""
    return (
        claims.filter(RawSQL(CLAIM_SPELLING_MATCH, [query, query], output_field=BooleanField()))
        .alias(search_rank=RawSQL(CLAIM_SPELLING_RANK, [query, query], output_field=FloatField()))
        .order_by("-search_rank", "-id")
    )


# A claim's history is shown whole up to this many rows of each kind (edits, evidence edits, moves).
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a claim's history: an edit of the claim or of its evidence, or a move through the workflow."""

    at: datetime
    # The username; None for the background checks.
    by: str | None
    kind: Literal["claim", "evidence", "transition"]
    type: Literal["created", "changed", "deleted", "transition"]
    object_id: int
    changes: list[HistoryChange] = field(default_factory=list)
    from_status: str | None = None
    to_status: str | None = None
    comment: str = ""


def claim_history(claim: Claim, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Newest first: the claim's edits, its evidence's (deleted evidence too) and its moves, at most `limit` of each."""
    claim_records = claim.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    evidence_records = (
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    moves = claim.transitions.select_related("by").order_by("-at", "-id")[:limit]
    entries = [
        *_record_entries(claim_records, kind="claim"),
        *_record_entries(evidence_records, kind="evidence"),
        *(
            HistoryEntry(
                at=move.at,
                by=move.by.get_username(),
                kind="transition",
                type="transition",
                object_id=claim.pk,
                from_status=move.from_status,
                to_status=move.to_status,
                comment=move.comment,
            )
            for move in moves
        ),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


HISTORY_TYPES: dict[str, Literal["created", "changed", "deleted"]] = {"+": "created", "~": "changed", "-": "deleted"}


def _record_entries(records: Iterable[Any], *, kind: Literal["claim", "evidence"]) -> list[HistoryEntry]:
    """simple-history rows as history entries, each edit with the fields it changed (old and new values)."""
    rows_per_object: dict[int, list[Any]] = defaultdict(list)
    for record in sorted(records, key=lambda record: (record.history_date, record.history_id)):
        rows_per_object[record.id].append(record)
    entries: list[HistoryEntry] = []
    for object_id, rows in rows_per_object.items():
        previous: Any = None
        for record in rows:
            changes: list[HistoryChange] = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, excluded_fields=["version"])
                changes = [HistoryChange(c.field, _as_text(c.old), _as_text(c.new)) for c in delta.changes]
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    by=record.history_user.get_username() if record.history_user else None,
                    kind=kind,
                    type=HISTORY_TYPES[record.history_type],
                    object_id=object_id,
                    changes=changes,
                    comment=record.history_change_reason or "",
                )
            )
            previous = record
    return entries


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value)


def desk_members() -> QuerySet[User]:
    """Who may be given claims to work on (rules.ASSIGNEE_PERMISSION): active accounts whose role edits claims."""
    # Permissions as the desk's backend grants them (django-axes is a second backend, which grants none).
    return User.objects.with_perm(rules.ASSIGNEE_PERMISSION, backend="claims.auth.DeskBackend").order_by("username")
