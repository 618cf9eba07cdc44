"""The claim list as a CSV file for a spreadsheet: the editor's language, safe to open, written as it is read."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.db.models import Field, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from claims import selectors
from claims.models import Claim, ClaimStatus, FlagKind, Rating

# Read from the database so many claims at a time: a list of 100,000 never sits in memory whole.
CHUNK = 2_000
# A spreadsheet reads a cell starting with one of these as a formula: a claim quoting "=HYPERLINK(…)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads UTF-8 only after a byte order mark.
BOM = "\ufeff"

COLUMNS = [
    "id",
    "text",
    "claimant",
    "claim_date",
    "appearance_url",
    "language",
    "status",
    "rating",
    "open_flags",
    "tags",
    "assignee",
    "created_at",
    "updated_at",
    "published_at",
]


def csv_cell(value: object) -> str:
    """A value as a cell that a spreadsheet shows as it is, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_delimiter() -> str:
    """French spreadsheets (Excel set to French) separate fields with semicolons, since the comma is their decimal
    mark; the others with commas."""
    return ";" if (get_language() or "").startswith("fr") else ","


def _verbose_name(name: str) -> str:
    field = Claim._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class _Echo:
    """csv.writer writes to this, and each row comes back as its line."""

    def write(self, value: str) -> str:
        return value


def claims_csv(claims: QuerySet[Claim]) -> Iterator[str]:
    """The claims as CSV lines, headed in the active language, read CHUNK at a time.

    Every word the file says is taken now, in the language active when it is called: the lines are produced later,
    while the answer streams.
    """
    header = [capfirst(_("open flags") if name == "open_flags" else _verbose_name(name)) for name in COLUMNS]
    statuses = {value: str(label) for value, label in ClaimStatus.choices}
    flag_kinds = {value: str(label) for value, label in FlagKind.choices}
    ratings = {rating.pk: rating.label for rating in Rating.objects.all()}
    writer = csv.writer(_Echo(), delimiter=csv_delimiter())
    rows = claims.prefetch_related("tags").iterator(chunk_size=CHUNK)  # type: ignore[misc]
    return _lines(writer.writerow, header, rows, statuses=statuses, flag_kinds=flag_kinds, ratings=ratings)


def _lines(
    line: Callable[[list[str]], str],
    header: list[str],
    claims: Iterable[Claim],
    *,
    statuses: dict[str, str],
    flag_kinds: dict[str, str],
    ratings: dict[int, str],
) -> Iterator[str]:
    yield BOM + line([csv_cell(name) for name in header])
    for claim in claims:
        row = [
            claim.pk,
            claim.text,
            claim.claimant,
            claim.claim_date.isoformat() if claim.claim_date else "",
            claim.appearance_url,
            claim.language,
            statuses.get(claim.status, claim.status),
            ratings.get(claim.rating_id, "") if claim.rating_id else "",
            ", ".join(flag_kinds.get(flag.kind, flag.kind) for flag in selectors.prefetched_open_flags(claim)),
            ", ".join(sorted(tag.name for tag in claim.tags.all())),
            claim.assignee.get_username() if claim.assignee else "",
            _when(claim.created_at),
            _when(claim.updated_at),
            _when(claim.published_at),
        ]
        yield line([csv_cell(value) for value in row])
