"""The home page's charts, drawn on the server as SVG by pygal: no script, nothing fetched from elsewhere.

pygal's own default loads its tooltips' script from a CDN; these charts take none (`js=[]`), and the SVG is cleaned
of the configuration script and the comments pygal writes, so that what is served is drawing and style only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pygal
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pygal.style import Style

from claims import stats
from claims.models import Rating

# Each chart by its name in its address, with the words that stand for it where it is not seen (its alt text).
CHARTS = {
    "health": gettext_lazy("Chart: the share of published fact-checks whose evidence is all healthy, week by week."),
    "flags": gettext_lazy("Chart: flags raised and cleared per week."),
    "verdicts": gettext_lazy("Chart: verdicts per month."),
}

STYLE = {
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#1f2328",
    "foreground_strong": "#1f2328",
    "foreground_subtle": "#57606a",
    "font_family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    "title_font_size": 18,
    "label_font_size": 13,
    "major_label_font_size": 13,
    "legend_font_size": 14,
    "no_data_font_size": 24,
}


def _chart(kind: Any, **options: Any) -> Any:
    """A pygal chart of this kind with the desk's settings, which renders without scripts or comments."""
    chart = kind(**_config(**options))
    chart.add_xml_filter(_drawing_only)
    return chart


def _config(**options: Any) -> dict[str, Any]:
    return {
        "js": [],
        "width": 800,
        "height": 320,
        "truncate_label": -1,
        "legend_at_bottom": True,
        "no_data_text": _("No figures yet"),
        **options,
    }


def _drawing_only(root: Any) -> Any:
    """Drop every script and comment pygal wrote into the SVG (its configuration for the tooltips, its links)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for node in list(root.iter()):
        tag = node.tag
        if callable(tag) or (isinstance(tag, str) and tag.rsplit("}", 1)[-1] == "script"):
            parents[node].remove(node)
    return root


def week_label(monday: date) -> str:
    return date_format(monday, "j M")


def month_label(first: date) -> str:
    return date_format(first, "M Y")


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} %"


def health_chart(health: list[stats.WeekHealth]) -> bytes:
    chart = _chart(
        pygal.Line,
        title=_("Published fact-checks whose evidence is all healthy (%)"),
        style=Style(**STYLE, colors=("#1a7f37",)),
        range=(0, 100),
        show_legend=False,
        value_formatter=percent,
    )
    chart.x_labels = [week_label(week.week) for week in health]
    chart.add(
        _("healthy"),
        [None if week.share is None else round(week.share * 100, 1) for week in health],
    )
    return bytes(chart.render())


def flags_chart(flags: list[stats.WeekFlags]) -> bytes:
    chart = _chart(
        pygal.Bar,
        title=_("Flags raised and cleared per week"),
        style=Style(**STYLE, colors=("#cf222e", "#0969da")),
    )
    chart.x_labels = [week_label(week.week) for week in flags]
    chart.add(_("raised"), [week.raised for week in flags])
    chart.add(_("cleared"), [week.cleared for week in flags])
    return bytes(chart.render())


def verdicts_chart(verdicts: list[stats.MonthVerdicts], ratings: list[Rating]) -> bytes:
    chart = _chart(
        pygal.StackedBar,
        title=_("Verdicts per month"),
        # Twelve "Sep 2025" side by side do not fit: slanted.
        x_label_rotation=30,
        style=Style(**STYLE, colors=tuple(rating.colour for rating in ratings) or ("#6e7781",)),
    )
    chart.x_labels = [month_label(month.month) for month in verdicts]
    for rating in ratings:
        chart.add(rating.label, [month.counts.get(rating.slug, 0) for month in verdicts])
    return bytes(chart.render())


def chart_svg(name: str, today: date) -> bytes:
    """The chart by its name (one of CHARTS), drawn from the figures it shows and only those."""
    if name == "health":
        return health_chart(stats.health_per_week(today))
    if name == "flags":
        return flags_chart(stats.flags_per_week(today))
    if name == "verdicts":
        return verdicts_chart(stats.verdicts_per_month(today), list(Rating.objects.all()))
    raise KeyError(name)
