"""Reads of the claim desk (the admin and the API), as querysets that already join what their callers show."""

from __future__ import annotations

import re
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
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from claims import rules
from claims.flags import EVIDENCE_BEHIND
from claims.models import Claim, ClaimStatus, Evidence, Flag, FlagKind
from claims.pagination import counted_rows


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
# stemmed in its own language, accents removed. The query's language is unknown, so it is read both ways: as typed
# (websearch syntax: quotes, OR, -), or as the tsquery of the closest spellings (search_spellings).
TYPED = "websearch_to_tsquery"
SPELLED = "to_tsquery"
# The words the vocabulary of typos keeps (migration 0020_search_words, which splits the claims' words the same way):
# 3 to 100 characters with a letter. Others (de, to, 2025) are searched for as typed.
SPELLED_WORD = "length(typed) BETWEEN 3 AND 100 AND typed ~ '[[:alpha:]]'"
# A search's first SEARCH_TYPO_WORDS words, accents gone, in lower case. unnest() of an array rather than
# regexp_split_to_table(): the planner counts on a few words, not a thousand, and does not take the lookup for a
# query big enough to compile (JIT took 7 ms of the 7.5).
SEARCH_WORDS = """
    SELECT typed FROM unnest(regexp_split_to_array(lower(unaccent(%s)), '[^[:alnum:]]+')) WITH ORDINALITY AS
    split(typed, place) WHERE typed <> '' GROUP BY typed ORDER BY min(place) LIMIT %s
"""
# Each of those words and the claims' words spelled closest to it (the vocabulary's trigram index), closest first;
# with `as used` (the first parameter after the words'), a word the claims use stands for itself alone (the btree
# index: no trigram search, and no look-alikes added). A word the vocabulary does not keep stands for itself.
CLOSEST_SPELLINGS = f"""
    SELECT typed, close.word FROM ({SEARCH_WORDS}) AS words CROSS JOIN LATERAL (
        (SELECT typed AS word WHERE NOT ({SPELLED_WORD}))
        UNION ALL
        (SELECT word FROM claims_searchword WHERE %s AND {SPELLED_WORD} AND word = typed LIMIT 1)
        UNION ALL
        (
            SELECT word FROM claims_searchword
            WHERE {SPELLED_WORD} AND word %% typed
            AND NOT (%s AND EXISTS (SELECT FROM claims_searchword WHERE word = typed))
            ORDER BY similarity(word, typed) DESC, word LIMIT %s
        )
    ) AS close
"""
# A search's words looked up for their spellings, at most: each costs a trigram search of the vocabulary.
SEARCH_TYPO_WORDS = 8
# Websearch's operators: a quoted phrase, OR, a word excluded with -. A search that uses them is taken as typed: its
# typos are not guessed (the spellings would lose what the operators say).
SEARCH_OPERATORS = re.compile(r'"|(?:^|\s)-\S|(?:^|\s)or(?:\s|$)', re.IGNORECASE)
# A search whose words find up to this many claims shows them best first; more, newest first.
SEARCH_RANKED = 1000
# A misspelt word is searched for as this many of the claims' words spelled closest to it.
SEARCH_SPELLINGS = 3


def claims_search(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims matching `query`: full text in the claim's language (accents ignored), or, when no claim has those
    words, the claims' words spelled closest to them (typos).

    Best first when the words find at most SEARCH_RANKED claims; beyond, newest first: ranking the 27,000 claims a
    common word finds read every one of them, 40 ms of a search's 50, for an order that says little. A misspelt
    search is the same search with each word replaced by the claims' SEARCH_SPELLINGS words spelled closest to it,
    looked up in a vocabulary of the claims' words (comparing spellings with every claim's text took 20 ms of the
    60 a typo's search took); a search with websearch's operators (quotes, OR, -) is taken as typed. On SQLite (the
    zero-setup run) a substring match stands in.
    """
    query = query.strip()
    if not query:
        return claims
    if connection.vendor != "postgresql":
        return claims.filter(Q(text__icontains=query) | Q(claimant__icontains=query))
    parser, words = TYPED, query
    # Counted once: the page of them counts the same rows (counted_rows).
    found, count = counted_rows(claims_with_words(claims, words, parser=parser), SEARCH_RANKED)
    if not count and not SEARCH_OPERATORS.search(query):
        # The words the claims use stand for themselves first; if that finds nothing (a word once used, since edited
        # out of its claims), every word is replaced by its closest spellings.
        for as_used in (True, False):
            parser, words = SPELLED, spellings_tsquery(search_spellings(query, as_used=as_used))
            if not words:
                return claims.none()
            found, count = counted_rows(claims_with_words(claims, words, parser=parser), SEARCH_RANKED)
            if count:
                break
    if count > SEARCH_RANKED:
        return found.order_by("-id")
    rank = RawSQL(f"ts_rank(claims_claim.search_vector, {_tsquery(parser)})", [words, words], output_field=FloatField())
    return found.alias(search_rank=rank).order_by("-search_rank", "-id")


def claims_with_words(claims: QuerySet[Claim], words: str, *, parser: str = TYPED) -> QuerySet[Claim]:
    """Claims with `words` (as typed, or a tsquery with SPELLED), in their language, accents ignored; in no order."""
    match = f"claims_claim.search_vector @@ {_tsquery(parser)}"
    return claims.filter(RawSQL(match, [words, words], output_field=BooleanField()))


def _tsquery(parser: str) -> str:
    return f"({parser}('french_unaccent', %s) || {parser}('english_unaccent', %s))"


def search_spellings(query: str, *, as_used: bool = False) -> dict[str, list[str]]:
    """Each of the first SEARCH_TYPO_WORDS words of `query` (accents gone, in lower case) and the claims' words
    spelled closest to it, closest first, or itself for a word the vocabulary does not keep (too short, or without
    a letter), or, `as_used`, for a word the claims use; a word no claim's word is spelled close to is left out."""
    spellings: dict[str, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(CLOSEST_SPELLINGS, [query, SEARCH_TYPO_WORDS, as_used, as_used, SEARCH_SPELLINGS])
        for typed, word in cursor.fetchall():
            spellings[typed].append(word)
    return dict(spellings)


def spellings_tsquery(spellings: dict[str, list[str]]) -> str:
    """The tsquery that finds the claims with, for each word, one of its spellings: "(a | b) & (c)". The words hold
    letters and digits only (split on anything else), never tsquery's operators."""
    return " & ".join(f"({' | '.join(words)})" for words in spellings.values())


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
