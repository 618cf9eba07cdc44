"""Intake in the admin: a researcher pastes an article's address, then ticks the sentences to make draft claims."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import rules
from claims.errors import DeskError
from claims.intake import services
from claims.intake.models import Intake


class IntakeForm(forms.ModelForm[Intake]):
    url = forms.CharField(
        label=_("article's address"),
        max_length=2000,
        help_text=_("The address of the article to read, as in the browser's address bar."),
    )

    class Meta:
        model = Intake
        fields = ["url"]

    def clean_url(self) -> str:
        try:
            return services.intake_url(self.cleaned_data["url"])
        except DeskError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin[Intake]):
    """The add form asks for an address; the change page shows the ranked sentences to tick. Nothing of an intake
    is edited by hand: what it holds is what the desk read."""

    form = IntakeForm
    change_form_template = "admin/intake/intake/change_form.html"
    list_display = ["__str__", "status", "language", "sentences", "claims_made", "requested_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    shown = (
        "article",
        "status",
        "failure",
        "title",
        "language",
        "cut_short",
        "requested_by",
        "created_at",
        "finished_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Intake]:
        return (
            super()
            .get_queryset(request)
            .annotate(sentence_count=Count("candidates"), claim_count=Count("candidates__claim"))
        )

    def get_fields(self, request: HttpRequest, obj: Intake | None = None) -> tuple[str, ...]:
        return ("url",) if obj is None else self.shown

    def get_readonly_fields(self, request: HttpRequest, obj: Intake | None = None) -> tuple[str, ...]:
        return () if obj is None else self.shown

    # Who takes articles in is who may create claims (claims/rules.py), not a permission of its own.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return rules.can_take_in_articles(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_take_in_articles(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return rules.can_take_in_articles(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("article"))
    def article(self, intake: Intake) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', intake.url, intake.url)

    @admin.display(description=_("why it failed"))
    def failure(self, intake: Intake) -> str:
        return intake.failure_reason or "-"

    @admin.display(description=_("sentences"), ordering="sentence_count")
    def sentences(self, intake: Intake) -> int:
        return getattr(intake, "sentence_count", 0)

    @admin.display(description=_("claims made"), ordering="claim_count")
    def claims_made(self, intake: Intake) -> int:
        return getattr(intake, "claim_count", 0)

    def save_model(self, request: HttpRequest, obj: Intake, form: Any, change: bool) -> None:
        created = services.intake_request(url=form.cleaned_data["url"], by=rules.signed_in(request.user))
        obj.pk = created.pk
        obj.requested_by = created.requested_by
        obj.created_at = created.created_at

    def response_add(self, request: HttpRequest, obj: Intake, post_url_continue: str | None = None) -> HttpResponse:
        """To the intake's page, where its sentences appear once read."""
        self.message_user(request, _("The desk is reading the article."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:intake_intake_change", args=[obj.pk]))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and "_create_claims" in request.POST:
            return self._claims_create(request, object_id)
        intake = self.get_object(request, object_id)
        context = {**(extra_context or {})}
        if intake is not None:
            context["candidates"] = self._candidate_rows(intake)
            context["may_create_claims"] = rules.can_create_claim(request.user)
        return super().change_view(request, object_id, form_url, context)

    def _candidate_rows(self, intake: Intake) -> list[dict[str, Any]]:
        rows = []
        for candidate in intake.candidates.order_by("-score", "position"):
            rows.append(
                {
                    "id": candidate.pk,
                    "score": f"{candidate.score:g}",
                    "text": candidate.text,
                    "reasons": candidate.reason_labels(),
                    "claimant": candidate.claimant,
                    "site": intake.site_name,
                    "claim_id": candidate.claim_id,
                    "claim_url": reverse("admin:claims_claim_change", args=[candidate.claim_id])
                    if candidate.claim_id
                    else "",
                }
            )
        return rows

    def _claims_create(self, request: HttpRequest, object_id: str) -> HttpResponse:
        intake = get_object_or_404(Intake, pk=object_id) if object_id.isdigit() else None
        if intake is None or not self.has_view_permission(request, intake):
            return HttpResponseRedirect(reverse("admin:intake_intake_changelist"))
        here = reverse("admin:intake_intake_change", args=[intake.pk])
        ids = [int(value) for value in request.POST.getlist("candidates") if value.isdigit()]
        try:
            claims = services.intake_claims_create(intake=intake, candidate_ids=ids, by=rules.signed_in(request.user))
        except DeskError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(here)
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:claims_claim_change", args=[claim.pk]), f"#{claim.pk}") for claim in claims),
        )
        made = ngettext("%(count)d draft claim made:", "%(count)d draft claims made:", len(claims)) % {
            "count": len(claims)
        }
        self.message_user(request, format_html("{} {}", made, links), messages.SUCCESS)
        return HttpResponseRedirect(here)
