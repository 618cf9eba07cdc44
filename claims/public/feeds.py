"""The public feeds: the Atom feed of published and corrected fact-checks at /factchecks/feed/, and all of them as a
schema.org DataFeed of ClaimReview at /factchecks/claimreview.jsonld, for fact-check aggregators."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from claims.claimreview import claimreview_for, factcheck_url, site_url
from claims.public import selectors
from claims.public.selectors import FeedState, PublishedFactCheck

FEED_LENGTH = 50


class FactCheckFeed(Feed[PublishedFactCheck, None]):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # The verdict labels follow the reader's language, which may come from the language cookie.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def title(self) -> str:
        return _("%(newsroom)s: fact-checks") % {"newsroom": settings.FACTCHECK_NEWSROOM_NAME}

    def subtitle(self) -> str:
        return _("Published and corrected fact-checks, newest first.")

    def link(self) -> str:
        return site_url("/factchecks/")

    def feed_url(self) -> str:
        return site_url("/factchecks/feed/")

    def feed_guid(self) -> str:
        return site_url("/factchecks/feed/")

    # `language` is left unset: Django's Feed then says the reader's language (get_language()) in xml:lang. It reads
    # the attribute as it is, so a method here would be printed as "<bound method …>".

    def items(self) -> list[PublishedFactCheck]:
        return selectors.factchecks_published_versions(list(selectors.factchecks_public()[:FEED_LENGTH]))

    def item_title(self, item: PublishedFactCheck) -> str:
        return item.claim.text

    def item_link(self, item: PublishedFactCheck) -> str:
        return factcheck_url(item.claim)

    def item_guid(self, item: PublishedFactCheck) -> str:
        # One id per fact-check for good: a correction updates the entry, it does not add one.
        return site_url(f"/factchecks/{item.claim.pk}/")

    def item_description(self, item: PublishedFactCheck) -> str:
        parts = []
        if item.being_corrected:
            parts.append(_("This fact-check is being corrected: %(note)s") % {"note": item.correction_note})
        if item.claim.rating is not None:
            parts.append(_("Verdict: %(rating)s.") % {"rating": item.claim.rating.label})
        parts.append(item.claim.summary)
        # Atom's summary is HTML (type="html"): the desk's text is escaped, paragraph by paragraph.
        return format_html_join("", "<p>{}</p>", ((part,) for part in parts if part))

    def item_pubdate(self, item: PublishedFactCheck) -> datetime:
        return item.first_published_at

    def item_updateddate(self, item: PublishedFactCheck) -> datetime:
        return item.updated_at

    def item_author_name(self, item: PublishedFactCheck) -> str:
        return str(settings.FACTCHECK_NEWSROOM_NAME)


# --- The ClaimReview data feed ---------------------------------------------------------------------------------------

CLAIMREVIEW_FEED_PATH = "/factchecks/claimreview.jsonld"
# Aggregators read the whole feed, tens of megabytes at a hundred thousand fact-checks: caches may keep it this many
# seconds, and ask again with If-None-Match / If-Modified-Since, answered 304 while nothing changed.
CLAIMREVIEW_FEED_MAX_AGE = 600
# Items encoded per piece of the streamed answer.
CLAIMREVIEW_FEED_PIECE = 200


@require_safe
def claimreview_feed(request: HttpRequest) -> HttpResponseBase:
    """Every public fact-check as last published, as a schema.org DataFeed of ClaimReview (the form Google's Fact
    Check Markup Tool feed and DataCommons publish), streamed as it is read from the database.

    The same ClaimReview as each fact-check's page (claimreview_for), in its own language whatever the reader's.
    """
    state = selectors.factchecks_feed_state()
    etag = quote_etag(f"{state.count}-{state.updated_at.timestamp() if state.updated_at else 0}")
    last_modified = int(state.updated_at.timestamp()) if state.updated_at else None
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        if request.method == "HEAD":
            response = HttpResponse(content_type="application/ld+json")
        else:
            response = StreamingHttpResponse(_datafeed(state), content_type="application/ld+json")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=CLAIMREVIEW_FEED_MAX_AGE)
    return response


def _datafeed(state: FeedState) -> Iterator[bytes]:
    """The DataFeed's JSON in pieces: its head, its items a few hundred at a time, its end."""
    head: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "url": site_url(CLAIMREVIEW_FEED_PATH),
    }
    if state.updated_at is not None:
        head["dateModified"] = state.updated_at.isoformat()
    # The head without its closing brace, then the items' array, closed at the end.
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "dataFeedElement": ['
    factchecks = selectors.factchecks_published_all()
    separator = b""
    while piece := list(islice(factchecks, CLAIMREVIEW_FEED_PIECE)):
        yield separator + _items_json(piece)
        separator = b", "
    yield b"]}"


def _items_json(factchecks: Iterable[PublishedFactCheck]) -> bytes:
    return ", ".join(json.dumps(datafeed_item(factcheck), ensure_ascii=False) for factcheck in factchecks).encode()


def datafeed_item(factcheck: PublishedFactCheck) -> dict[str, Any]:
    """One fact-check as a DataFeedItem: when it was first published, when it last changed, and its ClaimReview."""
    modified_at = factcheck.updated_at if factcheck.modified else None
    item: dict[str, Any] = {
        "@type": "DataFeedItem",
        "dateCreated": factcheck.first_published_at.isoformat(),
        "item": [claimreview_for(factcheck.claim, modified_at=modified_at)],
    }
    if modified_at is not None:
        item["dateModified"] = modified_at.isoformat()
    return item
