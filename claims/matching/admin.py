"""Other outlets' fact-checks in the admin: the list the desk searches, and the page that imports their ClaimReview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import rules
from claims.errors import InvalidInput
from claims.matching.claimreview_import import ImportSummary, external_factchecks_import
from claims.matching.models import ExternalFactCheck

# The largest file the upload takes: a DataFeed of some 25,000 fact-checks. Larger ones go through the command.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Skipped items listed one by one after an import; the command lists them all.
SKIPPED_SHOWN = 20


class ClaimReviewUploadForm(forms.Form):
    file = forms.FileField(
        label=_("JSON-LD file"),
        help_text=_(
            "A ClaimReview, a list of them, a DataFeed of ClaimReview (as fact-check aggregators publish) or a page's "
            "@graph. Fact-checks already imported are updated at their address, never duplicated."
        ),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; the desk imports files of up to %(limit)s. Split it, or use the command.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload


@admin.register(ExternalFactCheck)
class ExternalFactCheckAdmin(admin.ModelAdmin[ExternalFactCheck]):
    """Read by the whole desk, imported by researchers and editors (the `add` permission), removed by editors."""

    list_display = ["claim_reviewed_short", "publisher", "rating", "reviewed_on", "language"]
    list_filter = ["publisher", "language"]
    search_fields = ["claim_reviewed", "claimant", "publisher", "url"]
    date_hierarchy = "reviewed_on"
    fields = [
        "url",
        "publisher",
        "claim_reviewed",
        "claimant",
        "rating",
        "reviewed_on",
        "language",
        "imported_at",
        "imported_by",
    ]
    readonly_fields = ["imported_at", "imported_by"]
    list_select_related = ["imported_by"]
    change_list_template = "admin/matching/externalfactcheck/change_list.html"

    @admin.display(description=_("claim reviewed"), ordering="claim_reviewed")
    def claim_reviewed_short(self, fact_check: ExternalFactCheck) -> str:
        text = fact_check.claim_reviewed
        return text if len(text) <= 100 else text[:99] + "…"

    def save_model(self, request: HttpRequest, obj: ExternalFactCheck, form: Any, change: bool) -> None:
        # One typed in by hand is recorded as that person's import.
        if not change:
            obj.imported_by = rules.signed_in(request.user)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="matching_externalfactcheck_import")
        return [upload, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """The changelist's "Import ClaimReview JSON-LD" page: a file in, its summary out as messages."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ClaimReviewUploadForm()
        if request.method == "POST":
            form = ClaimReviewUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload: UploadedFile[bytes] = form.cleaned_data["file"]
                try:
                    summary = external_factchecks_import(data=upload.read(), by=rules.signed_in(request.user))
                except InvalidInput as error:
                    form.add_error("file", error.message)
                else:
                    self._report(request, upload.name or "", summary)
                    return HttpResponseRedirect(reverse("admin:matching_externalfactcheck_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import ClaimReview JSON-LD"),
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "max_size": filesizeformat(MAX_UPLOAD_BYTES),
        }
        return TemplateResponse(request, "admin/matching/externalfactcheck/import.html", context)

    def _report(self, request: HttpRequest, name: str, summary: ImportSummary) -> None:
        nothing = not summary.imported and summary.skipped
        self.message_user(
            request,
            _("%(file)s: %(summary)s.") % {"file": name, "summary": summary},
            messages.ERROR if nothing else messages.SUCCESS,
        )
        for skipped in summary.skipped[:SKIPPED_SHOWN]:
            self.message_user(request, _("Skipped %(item)s") % {"item": skipped}, messages.WARNING)
        more = len(summary.skipped) - SKIPPED_SHOWN
        if more > 0:
            self.message_user(
                request,
                ngettext("And %(count)d more item was skipped.", "And %(count)d more items were skipped.", more)
                % {"count": more},
                messages.WARNING,
            )
