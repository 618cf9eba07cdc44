"""Other outlets' ClaimReview JSON-LD read into external fact-checks, as it is found in the wild, hostile files too.

The forms read: one ClaimReview, a list of them, a schema.org DataFeed whose DataFeedItems hold one or a list (Google's
Fact Check Markup Tool feed, DataCommons, our own /factchecks/claimreview.jsonld), and an `@graph`. An item that cannot
be read is skipped with its reason and its place in the file; the others are imported. Importing the same file again
changes nothing: a fact-check is known by its address.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.errors import InvalidInput
from claims.matching.models import Embedding, ExternalFactCheck
from claims.matching.services import embeddings_missing_later

# The model's own limits, so that a change to the model changes what is kept.
MAX_URL = ExternalFactCheck._meta.get_field("url").max_length or 2000
MAX_PUBLISHER = ExternalFactCheck._meta.get_field("publisher").max_length or 200
MAX_CLAIMANT = ExternalFactCheck._meta.get_field("claimant").max_length or 200
MAX_RATING = ExternalFactCheck._meta.get_field("rating").max_length or 200
# A claim is a sentence or a few: longer text in claimReviewed is an article or junk, not something to match against.
MAX_CLAIM = 5000
# DataFeed > DataFeedItem > item list > ClaimReview is four levels, an @graph or a list around it two more.
MAX_DEPTH = 8
# Rows read and written at a time: a feed of a hundred thousand fact-checks is a few hundred queries, not 200,000.
BATCH = 500

# The fields an import sets, and compares to tell an update from a fact-check unchanged.
FIELDS = ("publisher", "claim_reviewed", "claimant", "rating", "reviewed_on", "language")

# Why an item was skipped; %(name)s are its parameters.
SKIP_REASONS = {
    "not_an_object": _("it is %(kind)s, not a JSON object."),
    "not_claimreview": _("it is not a ClaimReview (its type is %(type)s)."),
    "too_deep": _("it is nested deeper than any ClaimReview form the desk knows."),
    "no_url": _("it has no address (url)."),
    "url_not_web": _("its address %(url)s is not an http or https address."),
    "url_invalid": _("its address %(url)s is not a valid web address."),
    "url_too_long": _("its address is %(length)s characters long; the desk keeps addresses of at most %(max)s."),
    "no_claim": _("it names no claim reviewed (claimReviewed)."),
    "claim_too_long": _("its claim reviewed is %(length)s characters long; the desk keeps at most %(max)s."),
    "same_url": _("it has the same address as %(where)s, which is kept."),
}

# `inLanguage` written as a language's name rather than its code.
LANGUAGE_NAMES = {
    "english": "en",
    "anglais": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "german": "de",
    "deutsch": "de",
    "italian": "it",
    "portuguese": "pt",
    "arabic": "ar",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_web_address = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ExternalReview:
    """One ClaimReview as the desk keeps it: the fields of an ExternalFactCheck."""

    url: str
    publisher: str
    claim_reviewed: str
    claimant: str = ""
    rating: str = ""
    reviewed_on: date | None = None
    language: str = ""


@dataclass(frozen=True)
class Skipped:
    """An item not imported: where it is in the file (`dataFeedElement[3].item[0]`), and why, as a code."""

    where: str
    code: str
    params: dict[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return gettext("%(where)s: %(reason)s") % {"where": self.where, "reason": self.reason}

    @property
    def reason(self) -> str:
        return str(SKIP_REASONS[self.code]) % self.params


@dataclass
class ImportSummary:
    """What an import did: fact-checks created, updated, found unchanged, and the items skipped with their reasons."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return gettext("created: %(created)d, updated: %(updated)d, unchanged: %(unchanged)d, skipped: %(skipped)d") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
        }


# --- Reading -----------------------------------------------------------------------------------------------------


def claimreview_read(data: bytes) -> tuple[list[ExternalReview], list[Skipped]]:
    """The fact-checks a JSON-LD file holds, in order, and the items skipped; InvalidInput if it is not JSON at all."""
    try:
        document = json.loads(data)
    # ValueError: not JSON, not UTF-8/16/32, or a number too long to read; RecursionError: nested beyond reason.
    except (ValueError, RecursionError) as error:
        raise InvalidInput("not_json", gettext("The file is not JSON: %(error)s") % {"error": error}) from None
    reviews: list[ExternalReview] = []
    skipped: list[Skipped] = []
    first_seen: dict[str, str] = {}
    for where, node in _items(document, "", 0):
        found = node if isinstance(node, Skipped) else _review(node, where)
        if isinstance(found, Skipped):
            skipped.append(found)
        elif found.url in first_seen:
            # An article checking several claims may carry one ClaimReview each, all at its address; the desk
            # keeps one fact-check per address.
            skipped.append(Skipped(where, "same_url", {"where": first_seen[found.url]}))
        else:
            first_seen[found.url] = where
            reviews.append(found)
    return reviews, skipped


def _items(node: Any, where: str, depth: int) -> Iterator[tuple[str, Any]]:
    """Each ClaimReview candidate in the document with its place: a dict to read, or already a Skipped."""
    place = where or gettext("the document")
    if depth > MAX_DEPTH:
        yield place, Skipped(place, "too_deep")
    elif isinstance(node, list):
        for index, element in enumerate(node):
            yield from _items(element, f"{where}[{index}]", depth + 1)
    elif not isinstance(node, dict):
        yield place, Skipped(place, "not_an_object", {"kind": _kind(node)})
    elif "ClaimReview" in _types(node):
        yield place, node
    elif "@graph" in node:
        yield from _items(node["@graph"], _path(where, "@graph"), depth + 1)
    elif "dataFeedElement" in node:
        yield from _items(node["dataFeedElement"], _path(where, "dataFeedElement"), depth + 1)
    elif "item" in node and _types(node) <= {"DataFeedItem"}:
        yield from _items(node["item"], _path(where, "item"), depth + 1)
    else:
        shown = ", ".join(sorted(_types(node))) or gettext("none")
        yield place, Skipped(place, "not_claimreview", {"type": _short(shown)})


def _review(node: Mapping[str, Any], where: str) -> ExternalReview | Skipped:
    url = _text(node.get("url"))
    if not url:
        return Skipped(where, "no_url")
    if len(url) > MAX_URL:
        return Skipped(where, "url_too_long", {"length": len(url), "max": MAX_URL})
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return Skipped(where, "url_not_web", {"url": _short(url)})
    try:
        _web_address(url)
    except ValidationError:
        return Skipped(where, "url_invalid", {"url": _short(url)})
    claim = _text(node.get("claimReviewed"))
    if not claim:
        return Skipped(where, "no_claim")
    if len(claim) > MAX_CLAIM:
        return Skipped(where, "claim_too_long", {"length": len(claim), "max": MAX_CLAIM})
    item_reviewed = _first_object(node.get("itemReviewed"))
    rating = _first_object(node.get("reviewRating"))
    # The outlet is the review's author; some write it as `publisher`; failing both, the site it is published on.
    publisher = _name(node.get("author")) or _name(node.get("publisher")) or (urlsplit(url).hostname or "")
    return ExternalReview(
        url=url,
        publisher=_cut(publisher, MAX_PUBLISHER),
        claim_reviewed=claim,
        claimant=_cut(_name(item_reviewed.get("author")), MAX_CLAIMANT),
        rating=_cut(_text(rating.get("alternateName")) or _text(rating.get("name")), MAX_RATING),
        reviewed_on=_date(node.get("datePublished")),
        language=_language(node.get("inLanguage"))
        or _appearance_language(item_reviewed.get("appearance"))
        or _appearance_language(item_reviewed.get("firstAppearance")),
    )


def _types(node: Mapping[str, Any]) -> set[str]:
    """A node's @type, a word or a list, with or without its vocabulary (`schema:ClaimReview`, `http://schema.org/…`)."""
    value = node.get("@type")
    names = value if isinstance(value, list) else [value]
    return {re.split(r"[/:#]", name)[-1] for name in names if isinstance(name, str) and name}


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: Any) -> str:
    if value is None:
        return gettext("null")
    if isinstance(value, bool):
        return gettext("true or false")
    if isinstance(value, int | float):
        return gettext("a number")
    return gettext("a string")


def _text(value: Any) -> str:
    """A string field on one line, without control characters (PostgreSQL refuses NUL); "" for anything else."""
    if not isinstance(value, str):
        return ""
    return " ".join(_CONTROL.sub(" ", value).split())


def _name(value: Any) -> str:
    """Who: a string, or an Organization or Person's `name`, or the first of a list of them that has one."""
    if isinstance(value, list):
        return next((name for name in map(_name, value) if name), "")
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _first_object(value: Any) -> Mapping[str, Any]:
    if isinstance(value, list):
        value = next((element for element in value if isinstance(element, dict)), None)
    return value if isinstance(value, dict) else {}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(text: str) -> str:
    """A value from the file quoted in a message: shortened, a message is not a place for a megabyte."""
    return _cut(text, 100)


def _date(value: Any) -> date | None:
    """`2024-05-01` or a date and time starting with it; None for anything else, a date is not worth losing an item."""
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _language(value: Any) -> str:
    """A two-letter code from `fr`, `fr-FR`, `French` or a Language object; "" for anything else."""
    if isinstance(value, list):
        return next((code for code in map(_language, value) if code), "")
    if isinstance(value, dict):
        return _language(value.get("alternateName")) or _language(value.get("name"))
    text = _text(value).lower()
    code = re.split(r"[-_]", text)[0]
    if re.fullmatch(r"[a-z]{2}", code):
        return code
    return LANGUAGE_NAMES.get(text, "")


def _appearance_language(value: Any) -> str:
    appearances = value if isinstance(value, list) else [value]
    return next(
        (code for code in (_language(a.get("inLanguage")) for a in appearances if isinstance(a, dict)) if code), ""
    )


# --- Writing -----------------------------------------------------------------------------------------------------


def external_factchecks_import(*, data: bytes, by: User | None) -> ImportSummary:
    """Another outlet's ClaimReview or DataFeed file, imported: each fact-check created, or updated at its address.

    InvalidInput if the file is not JSON. The fact-checks the file holds again as they were are left untouched
    (`unchanged`); those it holds changed are updated, and marked imported now by `by`.
    """
    reviews, skipped = claimreview_read(data)
    summary = ImportSummary(skipped=skipped)
    now = timezone.now()
    for start in range(0, len(reviews), BATCH):
        _import_batch(reviews[start : start + BATCH], by=by, now=now, summary=summary)
    if summary.created or summary.updated:
        # Matching searches them once the model has read them: at once, by the matching queue's worker.
        embeddings_missing_later()
    return summary


@transaction.atomic
def _import_batch(reviews: list[ExternalReview], *, by: User | None, now: Any, summary: ImportSummary) -> None:
    known = {row.url: row for row in ExternalFactCheck.objects.filter(url__in=[review.url for review in reviews])}
    rows = []
    reworded = []
    for review in reviews:
        row = known.get(review.url)
        if row is None:
            summary.created += 1
        elif all(getattr(row, name) == getattr(review, name) for name in FIELDS):
            summary.unchanged += 1
            continue
        else:
            summary.updated += 1
            if row.claim_reviewed != review.claim_reviewed:
                reworded.append(row.pk)
        values = {name: getattr(review, name) for name in FIELDS}
        rows.append(ExternalFactCheck(url=review.url, imported_at=now, imported_by=by, **values))
    # An upsert: another import of the same address meanwhile updates it rather than failing on the unique address.
    ExternalFactCheck.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["url"],
        update_fields=[*FIELDS, "imported_at", "imported_by"],
    )
    # A fact-check whose claim reads otherwise now is embedded again (embeddings_missing takes those without).
    Embedding.objects.filter(external_id__in=reworded).delete()
