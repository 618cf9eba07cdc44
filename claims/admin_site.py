"""The desk's admin site: its index is the editors' home page (the work queue and the charts), its charts are SVG
drawn on the server and served at their own addresses, for the desk's readers only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from claims import charts, home, rules, stats
from claims.models import SourceState

# An SVG opened on its own is a document: its <style> elements need the policy's leave, and it runs no script.
CHART_POLICY = {"style-src": [UNSAFE_INLINE], "script-src": [NONE]}


@dataclass(frozen=True)
class SourceCount:
    state: str
    label: str
    count: int
    url: str


# Seconds a browser may show a chart it has before asking again.
CHART_MAX_AGE = 300


class DeskAdminSite(admin.AdminSite):
    index_template = "admin/desk_index.html"

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # django-csp types its decorators for views that take the request alone; this one takes the chart's name too.
        chart = self.admin_view(csp_replace(CHART_POLICY)(self.chart_view), cacheable=True)  # type: ignore[arg-type]
        return [path("desk/charts/<slug:name>.svg", chart, name="desk_chart"), *super().get_urls()]

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {**(extra_context or {})}
        if rules.can_read_desk(request.user):
            context["desk"] = desk_home(request)
        return super().index(request, context)

    def chart_view(self, request: HttpRequest, name: str) -> HttpResponse:
        """One chart as an SVG image, in the reader's language, for the desk's readers."""
        if not rules.can_read_desk(request.user):
            raise PermissionDenied
        if name not in charts.CHARTS:
            raise Http404(_("There is no such chart."))
        response = HttpResponse(
            charts.chart_svg(name, timezone.localdate()), content_type="image/svg+xml; charset=utf-8"
        )
        # The figures change with the sweeps and beat's hourly record: the browser keeps a chart a few minutes
        # rather than drawing it again on each visit of the home page.
        patch_cache_control(response, private=True, max_age=CHART_MAX_AGE)
        return response


def changelist(model: str, **filters: object) -> str:
    url = reverse(f"admin:claims_{model}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def desk_home(request: HttpRequest) -> dict[str, Any]:
    """What the home page shows this desk member: their lists, the sources by state and the charts' figures."""
    user = rules.signed_in(request.user)
    now = timezone.now()
    week_start = home.this_week_start(now)
    may_publish = rules.can_publish(user)
    figures = stats.desk_figures(today=timezone.localdate(now))
    return {
        "assigned": home.bounded(home.claims_assigned_to(user)),
        "assigned_url": changelist("claim", assignee__id__exact=user.pk, status__in=",".join(home.IN_PROGRESS)),
        "to_publish": home.bounded(home.claims_to_publish_by(user)) if may_publish else None,
        "to_publish_url": changelist("claim", review="mine"),
        "flagged": home.bounded(home.published_with_open_flags()),
        "flagged_url": changelist("claim", status__exact="published", flag="any"),
        "flags_this_week": home.bounded(home.flags_raised_since(week_start)),
        "flags_this_week_url": changelist("flag", raised_at__gte=week_start.isoformat()),
        "week_start": week_start,
        "sources": [
            SourceCount(state, str(SourceState(state).label), count, changelist("source", state__exact=state))
            for state, count in figures.sources.items()
        ],
        "figures": figures,
        "charts": [
            {
                "name": name,
                "url": reverse("admin:desk_chart", args=[name]),
                "alt": charts.CHARTS[name],
                "table": figures_table(name, figures),
            }
            for name in charts.CHARTS
        ],
    }


@dataclass(frozen=True)
class Table:
    """A chart's figures, for those who do not see the chart: a head row and rows of text."""

    head: list[str]
    rows: list[list[str]]


def figures_table(name: str, figures: stats.DeskFigures) -> Table:
    def number(value: int | None) -> str:
        return "-" if value is None else str(value)

    if name == "health":
        return Table(
            [str(_("week of")), str(_("published")), str(_("healthy")), str(_("share"))],
            [
                [
                    charts.week_label(week.week),
                    number(week.published),
                    number(week.healthy),
                    charts.percent(None if week.share is None else week.share * 100),
                ]
                for week in figures.health
            ],
        )
    if name == "flags":
        return Table(
            [str(_("week of")), str(_("raised")), str(_("cleared"))],
            [[charts.week_label(week.week), str(week.raised), str(week.cleared)] for week in figures.flags],
        )
    return Table(
        [str(_("month")), *(rating.label for rating in figures.ratings)],
        [
            [charts.month_label(month.month), *(str(month.counts.get(rating.slug, 0)) for rating in figures.ratings)]
            for month in figures.verdicts
        ],
    )
