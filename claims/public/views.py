"""Public pages of the published fact-checks: the list, one fact-check, and a snapshot a fact-check cites."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from claims.claimreview import claimreview_for, factcheck_url
from claims.models import Claim, Rating, Snapshot
from claims.pagination import EstimatedCountPaginator
from claims.public import selectors

FACTCHECKS_PER_PAGE = 20


class FactCheckFilterForm(forms.Form):
    """The list's filters, as a reader picks them."""

    rating = forms.ChoiceField(label=_("Verdict"), required=False)
    language = forms.ChoiceField(label=_("Language of the claim"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rating"]).choices = [("", _("All verdicts"))] + [
            (rating.slug, rating.label) for rating in Rating.objects.order_by("order", "slug")
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("All languages"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"newsroom": settings.FACTCHECK_NEWSROOM_NAME, **context}, status=status)


@require_safe
def factcheck_list(request: HttpRequest) -> HttpResponse:
    form = FactCheckFilterForm(request.GET)
    # An unknown filter value shows everything rather than an error: readers edit URLs too.
    filters = form.cleaned_data if form.is_valid() else {}
    claims = selectors.factchecks_filter(
        selectors.factchecks_public(), rating=filters.get("rating", ""), language=filters.get("language", "")
    )
    page = EstimatedCountPaginator(claims, FACTCHECKS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "factchecks/list.html",
        {"form": form, "page": page, "factchecks": selectors.factchecks_published_versions(list(page.object_list))},
    )


@require_safe
def factcheck_detail(request: HttpRequest, claim_id: int, slug: str = "") -> HttpResponse:
    try:
        factcheck = selectors.factcheck_public(claim_id)
    except Claim.DoesNotExist:
        raise Http404(_("There is no published fact-check at this address.")) from None
    claim = factcheck.claim
    canonical = factcheck_url(claim, base_url="")
    if request.path != canonical:
        # Old links (a claim's text, so its slug, may be corrected) keep working and search engines learn the new one.
        return HttpResponsePermanentRedirect(canonical)
    return _factcheck_page(request, factcheck)


def factcheck_preview(request: HttpRequest, claim: Claim) -> HttpResponse:
    """The claim's public page as it would read if published now, for the desk only (ClaimAdmin's preview)."""
    response = _factcheck_page(request, selectors.factcheck_preview(claim), preview=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _factcheck_page(
    request: HttpRequest, factcheck: selectors.PublishedFactCheck, *, preview: bool = False
) -> HttpResponse:
    claim = factcheck.claim
    page = selectors.factcheck_page(factcheck)
    context: dict[str, Any] = {
        "factcheck": page.factcheck,
        "claim": claim,
        "evidence": page.evidence,
        "corrections": page.corrections,
        "changes": page.changes,
        "canonical_url": factcheck_url(claim),
        "preview": preview,
    }
    if not preview:
        # A preview says nothing to search engines: its claim is not a published fact-check.
        modified_at = factcheck.updated_at if factcheck.modified else None
        context["claimreview"] = claimreview_for(claim, modified_at=modified_at)
    return _render(request, "factchecks/detail.html", context)


@require_safe
def snapshot_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    try:
        snapshot = selectors.factcheck_snapshot(snapshot_id)
    except Snapshot.DoesNotExist:
        raise Http404(_("No published fact-check cites this snapshot.")) from None
    return _render(request, "factchecks/snapshot.html", {"snapshot": snapshot})
