"""The Atom feed of published and corrected fact-checks, at /factchecks/feed/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from claims.claimreview import factcheck_url, site_url
from claims.public import selectors
from claims.public.selectors import PublishedFactCheck

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
