"""The editors' door: the Django admin, a thin layer over the services in claims/services/."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.forms import TagField

from claims import rules, selectors
from claims.admin_history import DeskHistoryAdmin
from claims.claimreview import factcheck_url
from claims.errors import DeskError
from claims.exports import claims_csv
from claims.flags import PAGE_CHANGE_KINDS
from claims.matching.models import SuggestionStatus
from claims.matching.selectors import similar_claims_of
from claims.matching.services import similar_claim_decide
from claims.models import (
    ChangeKind,
    Check,
    Claim,
    ClaimStatus,
    Evidence,
    Flag,
    FlagKind,
    QuoteStatus,
    Rating,
    Snapshot,
    Source,
    Transition,
)
from claims.pagination import EstimatedCountPaginator
from claims.public.views import factcheck_preview
from claims.services.claims import (
    EDITABLE_FIELDS,
    BulkOutcome,
    claim_create,
    claim_delete,
    claim_update,
    claims_assign,
    claims_tag,
)
from claims.services.evidence import evidence_add, evidence_delete, evidence_update
from claims.services.workflow import claim_transition, claims_transition
from claims.sources import pagetext
from claims.sources import selectors as source_selectors
from claims.sources.diff import MAX_TEXT_CHARS, snapshots_diff
from claims.sources.services import source_recheck_request, sources_recheck_request, url_normalize

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

admin.site.site_header = _("factcheck claim desk")
admin.site.site_title = _("factcheck")
admin.site.index_title = _("The claim desk")
# "View site": the newsroom's published fact-checks (the site's root is the API's and the admin's host, not a page).
admin.site.site_url = reverse_lazy("factchecks:list")  # type: ignore[assignment]
# The desk has a handful of pages, all on the home page: the claim list gets the screen's width instead (at 1,366 px
# the sidebar pushed the assignee and the date off screen).
admin.site.enable_nav_sidebar = False

# The button each move gets on the claim's page, named for what the person does.
MOVE_LABELS = {
    (ClaimStatus.DRAFT, ClaimStatus.RESEARCHING): _("Start research"),
    (ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW): _("Send to review"),
    (ClaimStatus.IN_REVIEW, ClaimStatus.RESEARCHING): _("Send back to research"),
    (ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED): _("Publish"),
    (ClaimStatus.DRAFT, ClaimStatus.REJECTED): _("Reject"),
    (ClaimStatus.RESEARCHING, ClaimStatus.REJECTED): _("Reject"),
    (ClaimStatus.IN_REVIEW, ClaimStatus.REJECTED): _("Reject"),
    rules.REOPEN: _("Reopen for a correction"),
}

# Where ClaimAdmin.changeform_view leaves a service's refusal for the form it shows again.
DESK_REFUSAL = "claims_desk_refusal"

STATUS_COLOURS = {
    ClaimStatus.DRAFT: "#6e7781",
    ClaimStatus.RESEARCHING: "#0969da",
    ClaimStatus.IN_REVIEW: "#9a6700",
    ClaimStatus.PUBLISHED: "#1a7f37",
    ClaimStatus.REJECTED: "#57606a",
}


def when(moment: datetime | None) -> str:
    """A date and time as the rest of the admin shows them: in the desk's time zone, in the reader's format."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "-"


def source_changes_url(source_id: int, **query: int) -> str:
    """The page showing what changed on a source between two snapshots (`old`, `new`), or since `evidence` cited it."""
    url = reverse("admin:claims_source_changes", args=[source_id])
    return f"{url}?{'&'.join(f'{name}={value}' for name, value in query.items())}" if query else url


def evidence_changes_links(evidence: list[Evidence]) -> str:
    """Links to what changed on each page this evidence cites, since it was cited."""
    return format_html_join(
        " ",
        '<a class="fc-changes-link" href="{}">{}</a>',
        (
            (
                source_changes_url(item.source_id, evidence=item.pk),
                _("what changed on %(host)s") % {"host": item.source.host},
            )
            for item in evidence
        ),
    )


def selected_ids(claims: QuerySet[Claim]) -> list[int]:
    """The ids of a bulk action's selection, read without what the list joins for showing it."""
    return list(claims.select_related(None).prefetch_related(None).order_by("pk").values_list("pk", flat=True))


def badge(text: str, colour: str) -> str:
    return format_html('<span class="fc-badge" style="background:{}">{}</span>', colour, text)


class AdminMedia:
    css = {"all": ["claims/admin.css"]}


# --- Claims ------------------------------------------------------------------------------------


class OpenFlagFilter(admin.SimpleListFilter):
    title = _("open flag")
    parameter_name = "flag"

    ANY = "any"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Claim]) -> list[tuple[str, StrOrPromise]]:
        return [(self.ANY, _("Any kind")), *FlagKind.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        kind = self.value()
        if kind == self.ANY:
            return selectors.claims_with_open_flag(queryset)
        if kind in FlagKind.values:
            return selectors.claims_with_open_flag(queryset, kind)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """The languages the desk's claims are in, read from the language index (selectors.claim_languages), not by a
    DISTINCT over every claim (10 ms of each admin page at 100,000 claims)."""

    title = _("language")
    # The name Django's own filter of the field had: editors' bookmarked lists keep working.
    parameter_name = "language__exact"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Claim]) -> list[tuple[str, StrOrPromise]]:
        return [(code, code) for code in selectors.claim_languages()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        return queryset.filter(language=self.value()) if self.value() else queryset


class ReviewFilter(admin.SimpleListFilter):
    """The claims waiting in review that the reader may publish (their role, and four-eyes): the home page's list."""

    title = _("review")
    parameter_name = "review"
    MINE = "mine"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Claim]) -> list[tuple[str, StrOrPromise]]:
        # Offered to those who publish: for the others it would always be empty.
        return [(self.MINE, _("Waiting for me to publish"))] if rules.can_publish(request.user) else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() != self.MINE:
            return queryset
        return selectors.claims_to_publish(queryset, rules.signed_in(request.user))


def watch_news(source: Source) -> str:
    """Where the watch is with a source: when it last checked it, or when a check was asked and that it is coming."""
    if source.fetching:
        return str(_("check under way"))
    if source.last_checked_at is None:
        return _("check asked %(asked)s, not run yet") % {"asked": when(source.next_check_at)}
    checked = _("checked %(checked)s") % {"checked": when(source.last_checked_at)}
    if source.next_check_at <= timezone.now():
        return _("%(checked)s; new check asked %(asked)s") % {"checked": checked, "asked": when(source.next_check_at)}
    return _("%(checked)s; next check %(next)s") % {"checked": checked, "next": when(source.next_check_at)}


class EvidenceForm(forms.ModelForm[Evidence]):
    """Evidence as an editor types it: the page's address, not a source row."""

    url = forms.CharField(label=_("page URL"), max_length=2000, help_text=_("Paste the address of the page."))
    quote_override_reason = forms.CharField(
        label=_("vouch for the quote"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Editors: why the quote holds although the checker cannot find it."),
    )

    class Meta:
        model = Evidence
        fields = ["url", "stance", "quote", "note", "quote_override_reason"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["url"].initial = self.instance.source.url

    def clean_url(self) -> str:
        try:
            return url_normalize(self.cleaned_data["url"])
        except DeskError as error:
            raise ValidationError(error.message) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Said on the form, with what was typed kept, rather than refused by the service after the save.
        if cleaned.get("quote_override_reason", "").strip() and not cleaned.get("quote", "").strip():
            self.add_error("quote_override_reason", _("There is no quote to vouch for."))
        return cleaned


class EvidenceFormSet(BaseInlineFormSet[Evidence, Claim, forms.ModelForm[Evidence]]):
    def get_queryset(self) -> QuerySet[Evidence]:
        return super().get_queryset().select_related("source", "quote_override_by")


class EvidenceInline(admin.StackedInline[Evidence, Claim]):
    model = Evidence
    form = EvidenceForm
    formset = EvidenceFormSet
    extra = 1
    readonly_fields = [
        "source_state",
        "quote_check",
        "page_since_cited",
        "archived_copy",
        "quote_overridden_by",
        "added",
    ]

    @admin.display(description=_("page URL"))
    def url(self, evidence: Evidence) -> str:
        """The page's address where the evidence cannot be edited (the form's field shows it where it can)."""
        return evidence.source.url if evidence.pk else "-"

    @admin.display(description=_("source"))
    def source_state(self, evidence: Evidence) -> str:
        if not evidence.pk:
            return "-"
        source = evidence.source
        link = reverse("admin:claims_source_change", args=[source.pk])
        return format_html(
            '<a href="{}">{}</a> {} <span class="fc-watch">{}</span>',
            link,
            source.url,
            badge(source.get_state_display(), "#57606a"),
            watch_news(source),
        )

    @admin.display(description=_("quote status"))
    def quote_check(self, evidence: Evidence) -> str:
        """The quote's status, and why the watch could not tell when it could not."""
        if not evidence.pk:
            return "-"
        if evidence.quote_unverified_because:
            return f"{evidence.get_quote_status_display()}: {evidence.get_quote_unverified_because_display()}"
        if evidence.quote_page:
            return _("%(status)s, p. %(page)s") % {
                "status": evidence.get_quote_status_display(),
                "page": evidence.quote_page,
            }
        return str(evidence.get_quote_status_display())

    @admin.display(description=_("page since cited"))
    def page_since_cited(self, evidence: Evidence) -> str:
        """Said in words: a boolean's icon would show a green tick for "changed", the news an editor must act on."""
        if not evidence.pk or evidence.cited_snapshot_id is None:
            return str(_("Not captured yet"))
        changes = format_html(
            '<a class="fc-changes-link" href="{}">{}</a>',
            source_changes_url(evidence.source_id, evidence=evidence.pk),
            _("see what changed"),
        )
        if evidence.page_changed:
            return format_html("{} {}", badge(str(_("Changed materially")), "#bc4c00"), changes)
        if evidence.quote_status == QuoteStatus.MISSING:
            return format_html("{} {}", _("Unchanged"), changes)
        return str(_("Unchanged"))

    @admin.display(description=_("quote vouched for by"))
    def quote_overridden_by(self, evidence: Evidence) -> str:
        return str(evidence.quote_override_by or "-")

    @admin.display(description=_("added"))
    def added(self, evidence: Evidence) -> str:
        return f"{evidence.added_by or '-'}, {when(evidence.added_at)}" if evidence.pk else "-"

    @admin.display(description=_("archived copy"))
    def archived_copy(self, evidence: Evidence) -> str:
        """The web archive's copy from before the page was lost, and whether it holds the quote."""
        if not evidence.archive_url or evidence.archive_captured_at is None:
            return str(_("Not looked up")) if evidence.archive_checked_at is None else str(_("None found"))
        return format_html(
            '<a href="{}" rel="noopener">{}</a> ({})',
            evidence.archive_url,
            _("copy of %(date)s") % {"date": date_format(evidence.archive_captured_at, "DATE_FORMAT")},
            evidence.get_archive_quote_status_display() if evidence.quote else "-",
        )

    def get_fields(self, request: HttpRequest, obj: Claim | None = None) -> tuple[str, ...]:
        fields = [
            "url",
            "stance",
            "quote",
            "note",
            "source_state",
            "quote_check",
            "page_since_cited",
            "archived_copy",
            "quote_overridden_by",
            "added",
        ]
        if rules.can_override_quote(request.user):
            fields.insert(fields.index("quote_overridden_by") + 1, "quote_override_reason")
        return tuple(fields)

    def has_add_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return rules.can_edit_evidence_now(request.user, obj, "add")

    def has_change_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return rules.can_edit_evidence_now(request.user, obj, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return rules.can_edit_evidence_now(request.user, obj, "delete")


class TransitionInline(admin.TabularInline[Transition, Claim]):
    model = Transition
    verbose_name_plural = _("workflow history")
    fields = readonly_fields = ("at", "from_status", "to_status", "by", "comment")
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transition]:
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return False


def https_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Form fields for the model, with addresses typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ClaimForm(forms.ModelForm[Claim]):
    # The version the editor loaded: saving over someone else's newer change is refused, not silent.
    loaded_version = forms.IntegerField(label=_("version loaded"), widget=forms.HiddenInput, required=False)
    # Published fact-checks only: what readers are told of a change they will see.
    change_kind = forms.ChoiceField(
        label=_("kind of change"), choices=[("", "---------"), *ChangeKind.choices], required=False
    )
    change_note = forms.CharField(
        label=_("note for readers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to change what readers see; listed with its date on the public page."),
    )
    # A refusal of the services on the last try, shown on the form as typed (ClaimAdmin.changeform_view).
    desk_refusal: DeskError | None = None

    class Meta:
        model = Claim
        fields = [*sorted(EDITABLE_FIELDS), "tags"]
        formfield_callback = https_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.desk_refusal is not None:
            for field, field_errors in self.desk_refusal.errors.items():
                if field in self.fields:
                    self.add_error(field, field_errors)
            raise ValidationError(self.desk_refusal.message)
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = Claim.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != loaded:
                raise ValidationError(
                    _(
                        "Someone else changed this claim while you were editing it. "
                        "Open it again to see their change, then make yours."
                    )
                )
        return cleaned


class AssignForm(forms.Form):
    """Who gets the selected claims (the bulk action's page)."""

    assignee = forms.ModelChoiceField(
        label=_("assign to"), queryset=User.objects.none(), required=False, empty_label=_("nobody (unassigned)")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.desk_members()  # type: ignore[attr-defined]


class TagForm(forms.Form):
    """The tags added to the selected claims (the bulk action's page)."""

    tags = TagField(label=_("tags to add"), help_text=_("Separate tags with commas."))


# Refusals of a bulk action shown one by one; past these, counted.
REFUSALS_SHOWN = 10
# Claims named on a bulk action's page; past these, counted.
SELECTION_SHOWN = 50


@admin.register(Claim)
class ClaimAdmin(DeskHistoryAdmin):
    form = ClaimForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/claims/claim/change_form.html"
    history_workflow_fields = ("status",)
    list_display = [
        "short_text",
        "claimant",
        "status_badge",
        "rating_badge",
        "flag_badges",
        "language",
        "assignee",
        "updated",
    ]
    list_filter = [
        "status",
        "rating",
        OpenFlagFilter,
        ReviewFilter,
        LanguageFilter,
        "assignee",
        ("created_at", admin.DateFieldListFilter),
    ]
    # The API's search (full text in the claim's language, typos): get_search_results.
    search_fields = ["text", "claimant"]
    list_per_page = 50
    # At 100,000 claims, counting them all on every page view cost more than the page: counted up to 1,000, then
    # estimated (claims/pagination.py), and the unfiltered total is not counted again beside a filtered one.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["text", "claimant", "claim_date", "appearance_url", "language", "tags"]}),
        (_("Verdict"), {"fields": ["rating", "summary"]}),
        (
            _("Desk"),
            {
                "fields": [
                    "status",
                    "assignee",
                    "loaded_version",
                    "created_by",
                    "created_at",
                    "first_published_at",
                    "published_at",
                ]
            },
        ),
    ]
    readonly_fields = ["status", "created_by", "created_at", "first_published_at", "published_at"]
    inlines = [EvidenceInline, TransitionInline]
    actions = ["assign_selected", "tag_selected", "send_selected_to_review", "recheck_selected_sources"]
    Media = AdminMedia

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return selectors.claim_list()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claim], search_term: str
    ) -> tuple[QuerySet[Claim], bool]:
        # Not Django's ILIKE '%…%' on every claim (a third of a second at 100,000): the indexed search of the API.
        return selectors.claims_search(queryset, search_term), False

    # --- Bulk actions: each through the services, each claim by its own rules ---------------------

    @admin.action(description=_("Assign the selected claims"), permissions=["change"])
    def assign_selected(self, request: HttpRequest, queryset: QuerySet[Claim]) -> TemplateResponse | None:
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self.bulk_form(request, queryset, form, title=_("Assign the selected claims"), button=_("Assign"))
        assignee = form.cleaned_data["assignee"]
        outcome = claims_assign(claim_ids=selected_ids(queryset), assignee=assignee, by=rules.signed_in(request.user))
        count = len(outcome.done)
        if assignee is None:
            done = ngettext("%(count)d claim is now unassigned.", "%(count)d claims are now unassigned.", count)
        else:
            done = ngettext(
                "%(count)d claim is now assigned to %(who)s.", "%(count)d claims are now assigned to %(who)s.", count
            )
        self.report(request, outcome, done=done % {"count": count, "who": assignee}, refused=_("Not assigned"))
        return None

    @admin.action(description=_("Tag the selected claims"), permissions=["change"])
    def tag_selected(self, request: HttpRequest, queryset: QuerySet[Claim]) -> TemplateResponse | None:
        form = TagForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self.bulk_form(request, queryset, form, title=_("Tag the selected claims"), button=_("Add the tags"))
        try:
            outcome = claims_tag(
                claim_ids=selected_ids(queryset), tags=form.cleaned_data["tags"], by=rules.signed_in(request.user)
            )
        except DeskError as refusal:
            for error in refusal.errors.get("tags", [refusal.message]):
                form.add_error("tags", error)
            return self.bulk_form(request, queryset, form, title=_("Tag the selected claims"), button=_("Add the tags"))
        count, tags = len(outcome.done), ", ".join(sorted(form.cleaned_data["tags"]))
        done = ngettext("%(count)d claim is tagged %(tags)s.", "%(count)d claims are tagged %(tags)s.", count)
        self.report(request, outcome, done=done % {"count": count, "tags": tags}, refused=_("Not tagged"))
        return None

    @admin.action(description=_("Send the selected claims to review"), permissions=["send_to_review"])
    def send_selected_to_review(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        claims = queryset.select_related(None).prefetch_related(None).order_by("pk")
        outcome = claims_transition(claims=claims, to=ClaimStatus.IN_REVIEW, by=rules.signed_in(request.user))
        count = len(outcome.done)
        done = ngettext("%(count)d claim was sent to review.", "%(count)d claims were sent to review.", count)
        self.report(request, outcome, done=done % {"count": count}, refused=_("Not sent to review"))

    @admin.action(description=_("Check the sources of the selected claims now"), permissions=["recheck"])
    def recheck_selected_sources(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        # A subquery of the selection, however many claims "select all" took.
        selection = queryset.select_related(None).prefetch_related(None).order_by().values("pk")
        source_ids = Evidence.objects.filter(claim_id__in=selection).values_list("source_id", flat=True)
        count = sources_recheck_request(source_ids=source_ids, by=rules.signed_in(request.user))
        if not count:
            self.message_user(request, _("The selected claims cite no source."), messages.WARNING)
            return
        message = ngettext(
            "The source they cite will be checked in a moment.",
            "The %(count)d sources they cite will be checked in a moment.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def has_send_to_review_permission(self, request: HttpRequest) -> bool:
        return rules.can_send_to_review(request.user)

    def has_recheck_permission(self, request: HttpRequest) -> bool:
        return rules.can_request_check(request.user)

    def bulk_form(
        self,
        request: HttpRequest,
        queryset: QuerySet[Claim],
        form: forms.Form,
        *,
        title: StrOrPromise,
        button: StrOrPromise,
    ) -> TemplateResponse:
        """A bulk action's own page, as Django's deletion asks for confirmation: the selection and what to do."""
        claims = list(queryset.select_related(None).prefetch_related(None).only("pk", "text")[: SELECTION_SHOWN + 1])
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "button": button,
            "action": request.POST.get("action", ""),
            "claims": claims[:SELECTION_SHOWN],
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "more": max(queryset.count() - SELECTION_SHOWN, 0) if len(claims) > SELECTION_SHOWN else 0,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/bulk_action.html", context)

    def report(self, request: HttpRequest, outcome: BulkOutcome, *, done: str, refused: StrOrPromise) -> None:
        """What a bulk action did: the claims done, then each refused one with its rule's reason."""
        if outcome.done:
            self.message_user(request, done, messages.SUCCESS)
        for claim, refusal in outcome.refused[:REFUSALS_SHOWN]:
            self.message_user(
                request,
                _("%(what)s: “%(claim)s”. %(why)s") % {"what": refused, "claim": claim, "why": refusal.message},
                messages.ERROR,
            )
        more = len(outcome.refused) - REFUSALS_SHOWN
        if more > 0:
            self.message_user(
                request,
                ngettext("And %(count)d more claim was refused.", "And %(count)d more claims were refused.", more)
                % {"count": more},
                messages.ERROR,
            )

    # --- The list as a CSV file ------------------------------------------------------------------

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """The claim list as a CSV file, with the filters, search and order the list has; written as it is read."""
        if not rules.can_read_desk(request.user) or not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(f"{reverse('admin:claims_claim_changelist')}?{ERROR_FLAG}=1")
        response = StreamingHttpResponse(claims_csv(changelist.queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="claims-{timezone.localdate():%Y-%m-%d}.csv"'
        return response

    @admin.display(description=_("claim"), ordering="text")
    def short_text(self, claim: Claim) -> str:
        return str(claim)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, claim: Claim) -> str:
        return badge(claim.get_status_display(), STATUS_COLOURS[ClaimStatus(claim.status)])

    @admin.display(description=_("rating"), ordering="rating__order")
    def rating_badge(self, claim: Claim) -> str:
        return badge(claim.rating.label, claim.rating.colour) if claim.rating else "-"

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, claim: Claim) -> str:
        return when(claim.updated_at)

    @admin.display(description=_("open flags"))
    def flag_badges(self, claim: Claim) -> str:
        return (
            format_html_join(
                " ",
                '<span class="fc-badge fc-flag">{}</span>',
                ((f.get_kind_display(),) for f in selectors.prefetched_open_flags(claim)),
            )
            or "-"
        )

    def view_on_site(self, claim: Claim) -> str | None:
        """The admin's "View on site": the claim's public page, once it has one (published, even if reopened since)."""
        return factcheck_url(claim, base_url="") if claim.first_published_at else None

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name="claims_claim_preview"
        )
        export = path("export/", self.admin_site.admin_view(self.export_view), name="claims_claim_export")
        similar = path(
            "<path:object_id>/similar/<int:other>/",
            self.admin_site.admin_view(self.similar_decide_view),
            name="claims_claim_similar",
        )
        return [preview, export, similar, *super().get_urls()]

    def similar_decide_view(self, request: HttpRequest, object_id: str, other: int) -> HttpResponse:
        """A researcher's word on a suggested similar claim, from the claim's page: confirmed or dismissed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404(_("There is no claim with this number."))
        try:
            pair = similar_claim_decide(
                claim=claim, other_id=other, status=request.POST.get("status", ""), by=rules.signed_in(request.user)
            )
        except DeskError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        else:
            if pair.status == SuggestionStatus.CONFIRMED:
                done = _("Claim %(other)d is confirmed as the same claim: both pages show the link.")
            else:
                done = _("Claim %(other)d is dismissed as another claim: it will not be suggested again.")
            self.message_user(request, done % {"other": other}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The claim's public page as it would read if published now: what the editor is about to publish."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404(_("There is no claim with this number."))
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        return factcheck_preview(request, claim)

    # Permissions: the rules module decides, per claim.
    def has_change_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        return rules.can_edit_claim(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        # The role only: a published fact-check is refused by its rule, with the rule's words (delete_view).
        return rules.can_delete_claims(request.user)

    def get_fieldsets(self, request: HttpRequest, obj: Claim | None = None) -> list[tuple[Any, dict[str, Any]]]:
        if obj is None or not self.has_change_permission(request, obj):
            # A read-only page or a new claim has no version to guard.
            return [
                (name, {"fields": [f for f in opts["fields"] if f != "loaded_version"]})
                for name, opts in self.fieldsets
            ]
        if obj.status == ClaimStatus.PUBLISHED:
            return [*self.fieldsets, (_("Change readers will see"), {"fields": ["change_kind", "change_note"]})]
        return self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Claim | None = None) -> list[str]:
        readonly = list(self.readonly_fields)
        if obj is not None and obj.status == ClaimStatus.PUBLISHED:
            # A published verdict changes only through a reopening (rules.check_published_change).
            readonly.append("rating")
        return readonly

    # Saving goes through the services.
    def save_model(self, request: HttpRequest, obj: Claim, form: ClaimForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
        tags = form.cleaned_data.get("tags", [])
        if change:
            changes = {name: data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
            claim = claim_update(
                claim=obj,
                by=rules.signed_in(request.user),
                changes=changes,
                tags=tags,
                expected_version=form.cleaned_data.get("loaded_version"),
                change_kind=form.cleaned_data.get("change_kind", ""),
                change_note=form.cleaned_data.get("change_note", ""),
            )
        else:
            text, claimant = data.pop("text"), data.pop("claimant")
            claim = claim_create(by=rules.signed_in(request.user), text=text, claimant=claimant, tags=tags, **data)
        # The admin goes on with `obj` (messages, redirect): give it the saved row.
        obj.pk = claim.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Claim) -> None:
        claim_delete(claim=obj, by=rules.signed_in(request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        # All or none: changelist_view rolls back when one of them is refused.
        for claim in queryset:
            claim_delete(claim=claim, by=rules.signed_in(request.user))

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        claim = self.get_object(request, unquote(object_id))
        if claim is not None:
            try:
                rules.check_may_be_deleted(claim)
            except DeskError as refusal:
                # Not even the confirmation page: the rule says no, as the API does (409).
                self.message_user(request, refusal.message, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        response: HttpResponse = super().delete_view(request, object_id, extra_context)
        return response

    def flag_changes_links(self, claim: Claim, flag: Flag) -> str:
        """For a quote gone or a page changed: links to what changed on the pages behind it."""
        if flag.kind not in PAGE_CHANGE_KINDS:
            return ""
        return evidence_changes_links(list(selectors.evidence_behind(flag.kind).filter(claim=claim)))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            # Actions run in one transaction: a refused deletion leaves the others, and their log entries, undone.
            with transaction.atomic():
                response: HttpResponse = super().changelist_view(request, extra_context)
                return response
        except DeskError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request: HttpRequest, form: ClaimForm, formsets: list[Any], change: bool) -> None:
        # Tags were saved by the service; evidence goes through save_formset.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        # Evidence saved here moved the claim's version on: the workflow button pressed with it (response_change)
        # moves this very version, and only a change by someone else since then is refused as stale.
        form.instance.refresh_from_db(fields=["version"])

    def save_formset(self, request: HttpRequest, form: ClaimForm, formset: Any, change: bool) -> None:
        # What the admin's change message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not Evidence:
            return  # The workflow history is read-only.
        claim = form.instance
        for evidence_form in formset.forms:
            if not evidence_form.has_changed() and evidence_form not in formset.deleted_forms:
                continue
            evidence = evidence_form.instance
            data = evidence_form.cleaned_data
            if evidence_form in formset.deleted_forms:
                if evidence.pk:
                    evidence_delete(evidence=evidence, by=rules.signed_in(request.user))
                    formset.deleted_objects.append(evidence)
                continue
            # Only a reason typed now vouches: one shown from before must not vouch for a changed quote.
            typed = (
                data.get("quote_override_reason", "").strip()
                if "quote_override_reason" in evidence_form.changed_data
                else ""
            )
            fields = {
                "url": data["url"],
                "stance": data["stance"],
                "quote": data["quote"],
                "note": data["note"],
                "quote_override_reason": typed or None,
            }
            if evidence.pk is None:
                formset.new_objects.append(evidence_add(claim=claim, by=rules.signed_in(request.user), **fields))
            else:
                evidence = evidence_update(evidence=evidence, by=rules.signed_in(request.user), **fields)
                formset.changed_objects.append((evidence, evidence_form.changed_data))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            response: HttpResponse = super().changeform_view(request, object_id, form_url, extra_context)
            return response
        except DeskError as refusal:
            # A service refused after the form validated (a rule, a race): the view's transaction rolled back and
            # nothing was saved. The form comes back as typed, with the refusal on it (ClaimForm.clean).
            setattr(request, DESK_REFUSAL, refusal)
            response = super().changeform_view(request, object_id, form_url, extra_context)
            return response

    def get_form(self, request: HttpRequest, obj: Claim | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, DESK_REFUSAL, None)
        return type(form.__name__, (form,), {"desk_refusal": refusal}) if refusal is not None else form

    def response_change(self, request: HttpRequest, obj: Claim) -> HttpResponse:
        """After the form is saved: the workflow move its button asked for, if one did."""
        to = request.POST.get("workflow_move")
        if to is None:
            response: HttpResponse = super().response_change(request, obj)
            return response
        try:
            claim = claim_transition(
                claim=obj,
                to=to,
                by=rules.signed_in(request.user),
                comment=request.POST.get("workflow_comment", ""),
                expected_version=obj.version,
            )
        except DeskError as refusal:
            # What was typed is saved; the move is not, and says why.
            self.message_user(request, _("Saved, but not moved: %(why)s") % {"why": refusal.message}, messages.ERROR)
        else:
            self.message_user(
                request,
                _("The claim is now %(status)s.") % {"status": claim.get_status_display().lower()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[obj.pk]))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Claim | None = None,
    ) -> TemplateResponse:
        if obj is not None:
            # Offered only where the rules may allow them (no Publish for whom four-eyes refuses), inside the form:
            # a move saves what was typed first.
            context["moves"] = [
                (to, MOVE_LABELS[(ClaimStatus(obj.status), to)])
                for to in rules.moves_offered(request.user, obj)
                if self.has_change_permission(request, obj)
            ]
            context["move_comment"] = request.POST.get("workflow_comment", "")
            context["show_delete"] = rules.may_be_deleted(obj)
            open_flags = selectors.prefetched_open_flags(obj)
            context["open_flags"] = [(flag, self.flag_changes_links(obj, flag)) for flag in open_flags]
            context["similar_claims"] = similar_claims_of(obj)
            context["may_judge_similar"] = rules.can_judge_similar_claims(request.user)
        response: TemplateResponse = super().render_change_form(request, context, add, change, form_url, obj)
        return response


# --- Verdict scale -----------------------------------------------------------------------------


@admin.register(Rating)
class RatingAdmin(DeskHistoryAdmin):
    list_display = ["slug", "label_en", "label_fr", "swatch", "claimreview_value", "order"]
    ordering = ["order"]
    Media = AdminMedia

    @admin.display(description=_("colour"))
    def swatch(self, rating: Rating) -> str:
        return badge(rating.colour, rating.colour)

    def get_readonly_fields(self, request: HttpRequest, obj: Rating | None = None) -> list[str]:
        # Other code and API clients know a rating by its slug.
        readonly = ["slug"] if obj else []
        if rules.rating_fixed_by_publication(obj):
            readonly += rules.RATING_VERDICT_FIELDS
        return readonly

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Rating | None = None,
    ) -> TemplateResponse:
        if rules.rating_fixed_by_publication(obj):
            self.message_user(
                request,
                _(
                    "Published fact-checks give this verdict: its labels and ClaimReview value stay as readers "
                    "read them. Add a new step to the scale instead."
                ),
                messages.INFO,
            )
        response: TemplateResponse = super().render_change_form(request, context, add, change, form_url, obj)
        return response

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return rules.can_delete_rating(request.user, obj)


# --- Sources, read-only: the background checks write them -----------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


RECENT = 20
# Snapshots offered for comparison on a source's changes page, besides those its evidence cited.
SNAPSHOT_CHOICES = 200


class SnapshotPairForm(forms.Form):
    """Which two snapshots of a source the changes page compares."""

    old = forms.TypedChoiceField(label=_("older copy"), coerce=int)
    new = forms.TypedChoiceField(label=_("newer copy"), coerce=int)

    def __init__(
        self, data: Any, *, snapshots: list[Snapshot], cited: set[int], evidence: list[Evidence], **kwargs: Any
    ) -> None:
        super().__init__(data if "old" in data or "new" in data else None, **kwargs)
        self.snapshots = {snapshot.pk: snapshot for snapshot in snapshots}
        latest = snapshots[0]
        choices = []
        for snapshot in snapshots:
            notes = [_("latest")] if snapshot is latest else []
            if snapshot.pk in cited:
                notes.append(_("as cited"))
            label = when(snapshot.fetched_at) + (f" ({', '.join(str(note) for note in notes)})" if notes else "")
            choices.append((snapshot.pk, label))
        self.fields["old"].choices = self.fields["new"].choices = choices  # type: ignore[attr-defined]
        # By default: the latest against the page as the chosen evidence (`?evidence=`) cited it, or as the first
        # evidence cited it, or else the one before.
        chosen = [item for item in evidence if str(item.pk) == str((data or {}).get("evidence"))]
        first_cited = sorted(
            (self.snapshots[pk] for pk in cited if pk in self.snapshots), key=lambda s: (s.fetched_at, s.pk)
        )
        old: Snapshot | None = None
        if chosen and chosen[0].cited_snapshot_id in self.snapshots:
            old = self.snapshots[chosen[0].cited_snapshot_id]
        elif first_cited and first_cited[0] is not latest:
            old = first_cited[0]
        if old is None or old is latest:
            old = snapshots[1] if len(snapshots) > 1 else latest
        self.initial = {"old": old.pk, "new": latest.pk}

    def pair(self) -> tuple[Snapshot, Snapshot]:
        """The two snapshots to compare, the older first: those chosen, or the defaults."""
        if self.is_bound and self.is_valid():
            old, new = self.snapshots[self.cleaned_data["old"]], self.snapshots[self.cleaned_data["new"]]
        else:
            old, new = self.snapshots[self.initial["old"]], self.snapshots[self.initial["new"]]
        return (new, old) if (old.fetched_at, old.pk) > (new.fetched_at, new.pk) else (old, new)


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["url", "state", "http_status", "last_checked_at", "next_check_at", "consecutive_failures"]
    list_filter = ["state"]
    search_fields = ["url", "title"]
    fields = readonly_fields = (
        "url",
        "final_url",
        "title",
        "state",
        "http_status",
        "content_type",
        "last_error",
        "consecutive_failures",
        "first_failure_at",
        "last_checked_at",
        "last_alive_at",
        "next_check_at",
        "etag",
        "last_modified",
        "raw_sha256",
        "text_sha256",
        "fingerprint",
        "created_at",
        "citing_claims",
        "recent_checks",
        "snapshot_list",
    )
    actions = ["check_now"]
    change_form_template = "admin/claims/source/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        changes = path(
            "<path:object_id>/changes/", self.admin_site.admin_view(self.changes_view), name="claims_source_changes"
        )
        recheck = path(
            "<path:object_id>/recheck/", self.admin_site.admin_view(self.recheck_view), name="claims_source_recheck"
        )
        return [changes, recheck, *super().get_urls()]

    def changes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """What changed on the page between two of its snapshots, the cited quotes marked (by default, since the
        evidence first cited it, or since the snapshot before the latest)."""
        source = self.get_object(request, unquote(object_id))
        if source is None:
            raise Http404(_("There is no source with this number."))
        if not rules.can_read_desk(request.user) or not self.has_view_permission(request, source):
            raise PermissionDenied
        evidence = list(source_selectors.source_evidence_with_claims(source))
        cited = {item.cited_snapshot_id for item in evidence if item.cited_snapshot_id}
        snapshots = source_selectors.source_snapshot_choices(source, newest=SNAPSHOT_CHOICES, keep=cited)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("What changed: %(url)s") % {"url": source.url},
            "subtitle": None,
            "opts": self.model._meta,
            "source": source,
            "snapshots": snapshots,
            "can_recheck": rules.can_request_check(request.user),
        }
        if snapshots:
            form = SnapshotPairForm(request.GET, snapshots=snapshots, cited=cited, evidence=evidence)
            old, new = form.pair()
            texts = source_selectors.snapshot_texts({old.pk, new.pk}, limit=MAX_TEXT_CHARS + 1)
            quoted = [item for item in evidence if item.quote]
            old_page, new_page = pagetext.normalize(texts[old.pk]), pagetext.normalize(texts[new.pk])
            context |= {
                "form": form,
                "old": old,
                "new": new,
                "diff": snapshots_diff(texts[old.pk], texts[new.pk], quotes=[item.quote for item in quoted]),
                "quotes": [
                    (
                        item,
                        pagetext.quote_found(item.quote, old_page),
                        pagetext.quote_found(item.quote, new_page),
                    )
                    for item in quoted
                ],
            }
        return TemplateResponse(request, "admin/claims/source/changes.html", context)

    def recheck_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The changes page's button: check this page again now (or as soon as it may be fetched again)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self.get_object(request, unquote(object_id))
        if source is None:
            raise Http404(_("There is no source with this number."))
        if not rules.can_request_check(request.user):
            raise PermissionDenied
        source = source_recheck_request(source=source, by=rules.signed_in(request.user))
        self.message_user(
            request, _("A check of the page is asked: %(news)s.") % {"news": watch_news(source)}, messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:claims_source_changes", args=[source.pk]))

    @admin.action(description=_("Check the selected sources now"), permissions=["recheck"])
    def check_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        count = sources_recheck_request(
            source_ids=queryset.values_list("pk", flat=True), by=rules.signed_in(request.user)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d source will be checked in a moment.",
                "%(count)d sources will be checked in a moment.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_recheck_permission(self, request: HttpRequest) -> bool:
        return rules.can_request_check(request.user)

    @admin.display(description=_("last error"))
    def last_error(self, source: Source) -> str:
        return source.last_error or "-"

    @admin.display(description=_("cited by"))
    def citing_claims(self, source: Source) -> str:
        claims = Claim.objects.filter(evidence__source=source).distinct()
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a></div>',
                ((reverse("admin:claims_claim_change", args=[c.pk]), str(c)) for c in claims),
            )
            or "-"
        )

    @admin.display(description=_("recent checks"))
    def recent_checks(self, source: Source) -> str:
        checks = source.checks.all()[:RECENT]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td></tr>",
            (
                (
                    when(c.started_at),
                    c.get_outcome_display(),
                    c.http_status or "-",
                    c.duration_ms,
                    c.error or "-",
                )
                for c in checks
            ),
        )
        more = reverse("admin:claims_check_changelist") + f"?source__id__exact={source.pk}"
        return format_html('<table>{}</table><a href="{}">{}</a>', rows, more, _("All checks")) if rows else "-"

    @admin.display(description=_("snapshots"))
    def snapshot_list(self, source: Source) -> str:
        snapshots = list(source.snapshots.defer("raw_body", "text")[: RECENT + 1])
        rows = []
        for snapshot, before in zip(snapshots[:RECENT], [*snapshots[1:], None], strict=False):
            compare = (
                format_html(
                    ' <a href="{}">{}</a>',
                    source_changes_url(source.pk, old=before.pk, new=snapshot.pk),
                    _("what changed since the one before"),
                )
                if before is not None
                else ""
            )
            rows.append(
                (
                    reverse("admin:claims_snapshot_change", args=[snapshot.pk]),
                    when(snapshot.fetched_at),
                    snapshot.text_sha256[:12],
                    compare,
                )
            )
        return format_html_join("", '<div><a href="{}">{}</a> {}{}</div>', rows) or "-"


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["source", "fetched_at", "title", "raw_size"]
    list_select_related = ["source"]
    list_filter = ["fetched_at"]
    search_fields = ["source__url", "title"]
    fields = readonly_fields = (
        "source",
        "fetched_at",
        "final_url",
        "title",
        "content_type",
        "raw_size",
        "raw_sha256",
        "text_sha256",
        "fingerprint",
        "text",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Snapshot]:
        return super().get_queryset(request).defer("raw_body")


@admin.register(Check)
class CheckAdmin(ReadOnlyAdmin):
    list_display = ["source", "started_at", "outcome", "http_status", "duration_ms", "bytes", "error"]
    list_select_related = ["source"]
    list_filter = ["outcome", "started_at"]
    search_fields = ["source__url"]
    fields = readonly_fields = (
        "source",
        "started_at",
        "duration_ms",
        "outcome",
        "http_status",
        "bytes",
        "error",
        "snapshot",
    )

    @admin.display(description=_("error"))
    def error(self, check: Check) -> str:
        return check.error or "-"


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["claim", "kind", "reason", "what_changed", "raised_at", "cleared_at"]
    list_select_related = ["claim"]
    list_filter = ["kind", ("cleared_at", admin.EmptyFieldListFilter)]
    fields = readonly_fields = ("claim", "kind", "reason", "what_changed", "raised_at", "cleared_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Flag]:
        # The evidence behind a quote gone or a page changed, for the links to what changed: a query per kind.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                *(
                    models.Prefetch(
                        "claim__evidence", queryset=selectors.evidence_behind(kind), to_attr=f"behind_{kind}"
                    )
                    for kind in PAGE_CHANGE_KINDS
                )
            )
        )

    @admin.display(description=_("reason"))
    def reason(self, flag: Flag) -> str:
        return flag.reason

    @admin.display(description=_("what changed"))
    def what_changed(self, flag: Flag) -> str:
        # Made by get_queryset's prefetches for the kinds raised by a page that changed.
        behind: list[Evidence] = getattr(flag.claim, f"behind_{flag.kind}", [])
        return evidence_changes_links(behind) or "-"
