"""Claims as the API shows them, read as rows and written out by plain functions.

A page of claims costs four queries whatever its size (the claims with their rating and people, their evidence with
its sources, their open flags, their tags), and no serializer object per claim, per piece of evidence or per field:
DRF's ModelSerializer cost eight times these functions on the same rows, which made most of a list's time
(docs/benchmarks.md, bench-api). ClaimSerializer (serializers.py) describes the same body for the OpenAPI schema;
tests/api/test_reads.py holds the two to the same fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.exceptions import NotFound
from taggit.models import TaggedItem

from claims import rules
from claims.models import Claim, Evidence
from claims.reasons import flag_reason_text
from claims.rules import AnyUser
from claims.selectors import open_flags

Row = dict[str, Any]

# The columns a claim's body shows, its rating and people read through their joins.
CLAIM_COLUMNS = (
    "id",
    "text",
    "claimant",
    "claim_date",
    "appearance_url",
    "language",
    "status",
    "rating__slug",
    "summary",
    "assignee__username",
    "created_by__username",
    "created_at",
    "updated_at",
    "first_published_at",
    "published_at",
    "version",
)
EVIDENCE_COLUMNS = (
    "id",
    "claim_id",
    "stance",
    "quote",
    "note",
    "quote_status",
    "quote_page",
    "quote_unverified_because",
    "archive_url",
    "archive_captured_at",
    "archive_quote_status",
    "quote_override_by_id",
    "quote_override_reason",
    "source_id",
    "source__url",
    "source__state",
    "source__http_status",
    "source__last_checked_at",
    "added_by__username",
    "added_at",
)


def _when(value: datetime | None, zone: tzinfo) -> str | None:
    """A time as DRF's DateTimeField writes it everywhere else in the API: ISO 8601 in the desk's time zone, UTC as
    "Z" (DRF's field asked for the zone again for each of a page's 650 times: a fifth of the page)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def claim_rows(claims: QuerySet[Claim]) -> QuerySet[Claim, Row]:
    """The claims' own columns, ready for a page (slicing it reads only that page)."""
    rows: QuerySet[Claim, Row] = claims.values(*CLAIM_COLUMNS)
    return rows


def claims_json(rows: Sequence[Row], *, user: AnyUser) -> list[Row]:
    """The API's body of each claim of a page of `claim_rows`, in their order."""
    ids = [row["id"] for row in rows]
    zone = timezone.get_current_timezone()
    evidence = _evidence_by_claim(ids, zone)
    flags = _flags_by_claim(ids, zone)
    tags = _tags_by_claim(ids)
    moves: dict[tuple[str, bool], list[str]] = {}
    shown = []
    for row in rows:
        # The moves depend on the user, the status and whether it was ever published: once per page and kind.
        kind = (row["status"], row["first_published_at"] is not None)
        if kind not in moves:
            claim = Claim(status=row["status"], first_published_at=row["first_published_at"])
            moves[kind] = [str(status) for status in rules.moves_for(user, claim)]
        claim_id = row["id"]
        shown.append(_claim_json(row, evidence[claim_id], flags[claim_id], tags[claim_id], moves[kind], zone))
    return shown


def claim_json(claim: QuerySet[Claim], *, user: AnyUser) -> Row:
    """The body of the one claim of `claim` (a queryset filtered on its id), as the detail and every write answer
    it; 404 when there is none (another id, or deleted since)."""
    rows = list(claim_rows(claim)[:1])
    if not rows:
        raise NotFound()
    return claims_json(rows, user=user)[0]


def _claim_json(
    row: Row, evidence: list[Row], flags: list[Row], tags: list[str], moves: list[str], zone: tzinfo
) -> Row:
    return {
        "id": row["id"],
        "text": row["text"],
        "claimant": row["claimant"],
        "claim_date": _day(row["claim_date"]),
        "appearance_url": row["appearance_url"],
        "language": row["language"],
        "tags": sorted(tags),
        "status": row["status"],
        "rating": row["rating__slug"],
        "summary": row["summary"],
        "assignee": row["assignee__username"],
        "created_by": row["created_by__username"],
        "created_at": _when(row["created_at"], zone),
        "updated_at": _when(row["updated_at"], zone),
        "first_published_at": _when(row["first_published_at"], zone),
        "published_at": _when(row["published_at"], zone),
        "version": row["version"],
        "flags": flags,
        "evidence": evidence,
        "moves": moves,
    }


def evidence_json(row: Row, zone: tzinfo) -> Row:
    return {
        "id": row["id"],
        "claim": row["claim_id"],
        "url": row["source__url"],
        "stance": row["stance"],
        "quote": row["quote"],
        "note": row["note"],
        "quote_status": row["quote_status"],
        "quote_page": row["quote_page"],
        "quote_unverified_because": row["quote_unverified_because"],
        "archive_url": row["archive_url"],
        "archive_captured_at": _when(row["archive_captured_at"], zone),
        "archive_quote_status": row["archive_quote_status"],
        "quote_overridden": row["quote_override_by_id"] is not None,
        "quote_override_reason": row["quote_override_reason"],
        "source": {
            "id": row["source_id"],
            "url": row["source__url"],
            "state": row["source__state"],
            "http_status": row["source__http_status"],
            "last_checked_at": _when(row["source__last_checked_at"], zone),
        },
        "added_by": row["added_by__username"],
        "added_at": _when(row["added_at"], zone),
    }


def _evidence_by_claim(ids: Iterable[int], zone: tzinfo) -> dict[int, list[Row]]:
    evidence: dict[int, list[Row]] = defaultdict(list)
    rows = Evidence.objects.filter(claim_id__in=ids).order_by("added_at", "id").values(*EVIDENCE_COLUMNS)
    for row in rows:
        evidence[row["claim_id"]].append(evidence_json(row, zone))
    return evidence


def _flags_by_claim(ids: Iterable[int], zone: tzinfo) -> dict[int, list[Row]]:
    flags: dict[int, list[Row]] = defaultdict(list)
    rows = open_flags().filter(claim_id__in=ids).values_list("claim_id", "kind", "details", "raised_at")
    for claim_id, kind, details, raised_at in rows:
        reason = flag_reason_text(kind, details)
        flags[claim_id].append({"kind": kind, "reason": reason, "raised_at": _when(raised_at, zone)})
    return flags


def _tags_by_claim(ids: Iterable[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    # The content type is cached by Django after its first read: no join.
    rows = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Claim), object_id__in=ids)
    for claim_id, name in rows.values_list("object_id", "tag__name"):
        tags[claim_id].append(name)
    return tags
