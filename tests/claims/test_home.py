"""The desk's home page (the admin index) as each role sees it: the work queue, sources by state, the charts."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims import home
from claims.admin import when
from claims.models import ClaimStatus, Flag, FlagKind, SourceState
from claims.services.claims import claim_update
from claims.services.figures import desk_day_record
from tests.factories import SourceFactory, claim_at

S = ClaimStatus
ROLES = ["viewer", "researcher", "editor", "superuser"]
INDEX = "/admin/"


def login(client, user):
    client.force_login(user)
    return client


def section(page: str, title: str) -> str:
    """The HTML of the home page's block with this title (up to the next block)."""
    start = page.index(f">{title}</h2>")
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


def busy_desk(count: int, *, assignee=None) -> None:
    """`count` claims at each step of the workflow, published ones with open flags, flags raised this week."""
    for n in range(count):
        for status in (S.RESEARCHING, S.IN_REVIEW, S.PUBLISHED):
            claim = claim_at(status, assignee=assignee, evidence_url=f"https://example.org/busy-{status}-{count}-{n}")
            if status == S.PUBLISHED:
                Flag.objects.create(claim=claim, kind=FlagKind.QUOTE_MISSING)
                Flag.objects.create(claim=claim, kind=FlagKind.EVIDENCE_LOST)
        SourceFactory(state=SourceState.DEAD)
    desk_day_record()


# --- Each role, a constant number of queries ----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_renders_for_each_role_with_a_constant_number_of_queries(
    role, client, users, django_assert_num_queries
):
    user = users[role]
    login(client, user)
    busy_desk(1, assignee=user if role != "viewer" else None)
    client.get(INDEX)  # the first request of a session loads the user's permissions
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    busy_desk(12, assignee=user if role != "viewer" else None)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(INDEX)

    page = response.content.decode()
    assert response.status_code == 200
    # The lists are bounded, each with its link to all of them; the admin's list of pages is still there.
    assert section(page, "Published fact-checks with open flags, oldest flag first").count("<tr>") == 1 + home.HOME_ROWS
    assert "All published fact-checks with open flags" in page
    assert 'id="content-main"' in page and reverse("admin:claims_claim_changelist") in page
    assert ("Waiting for review, that I may publish" in page) is (role in ("editor", "superuser"))
    for name in ("health", "flags", "verdicts"):
        assert f'src="{reverse("admin:desk_chart", args=[name])}"' in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("chart", ["health", "flags", "verdicts"])
def test_each_chart_renders_for_each_role_with_a_constant_number_of_queries(
    chart, role, client, users, django_assert_num_queries
):
    login(client, users[role])
    url = reverse("admin:desk_chart", args=[chart])
    busy_desk(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    busy_desk(6)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")


def test_a_staff_account_without_a_role_sees_no_desk_and_no_chart(client, outsider):
    busy_desk(1)
    page = login(client, outsider).get(INDEX).content.decode()
    assert "Claims assigned to me" not in page
    assert client.get(reverse("admin:desk_chart", args=["health"])).status_code == 403


def test_signed_out_the_charts_send_to_the_sign_in(client):
    response = client.get(reverse("admin:desk_chart", args=["flags"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_chart_is_404(client, viewer):
    assert login(client, viewer).get("/admin/desk/charts/pie.svg").status_code == 404


# --- The lists ----------------------------------------------------------------------------------


def test_a_claim_assigned_to_me_is_on_my_home_page_and_not_on_a_colleagues(client, researcher, editor):
    claim_at(S.RESEARCHING, assignee=researcher, text="Le modèle a coûté six millions de dollars.")
    claim_at(S.PUBLISHED, assignee=researcher, text="Une affirmation déjà publiée.")

    mine = section(login(client, researcher).get(INDEX).content.decode(), "Claims assigned to me")
    theirs = section(login(client, editor).get(INDEX).content.decode(), "Claims assigned to me")

    assert "Le modèle a coûté six millions de dollars." in mine
    assert "Une affirmation déjà publiée." not in mine  # done: not in the work queue
    assert "Le modèle a coûté six millions de dollars." not in theirs
    assert "No claim is assigned to you." in theirs

    # Its link to all of them lists the same: the claims still to do, not the published one.
    link = html.unescape(re.search(r'<a href="([^"]+)">All claims assigned to me', mine).group(1))
    listed = login(client, researcher).get(link).content.decode()
    assert "Le modèle a coûté six millions de dollars." in listed
    assert "Une affirmation déjà publiée." not in listed


def test_a_claim_i_sent_to_review_is_not_in_my_list_to_publish_under_four_eyes(client, editor, second_editor):
    claim_at(S.IN_REVIEW, sent_to_review_by=editor, text="Envoyée en relecture par moi.")
    claim_at(S.IN_REVIEW, text="Envoyée en relecture par un collègue.")

    mine = section(login(client, editor).get(INDEX).content.decode(), "Waiting for review, that I may publish")
    other = section(login(client, second_editor).get(INDEX).content.decode(), "Waiting for review, that I may publish")

    assert "Envoyée en relecture par un collègue." in mine
    assert "Envoyée en relecture par moi." not in mine
    assert "Envoyée en relecture par moi." in other and "Envoyée en relecture par un collègue." in other


def test_a_claim_whose_summary_i_changed_in_review_is_not_mine_to_publish(client, editor):
    claim = claim_at(S.IN_REVIEW, text="Résumé retouché pendant la relecture.")
    claim_update(claim=claim, by=editor, changes={"summary": "Un résumé plus précis."})

    mine = section(login(client, editor).get(INDEX).content.decode(), "Waiting for review, that I may publish")

    assert "Résumé retouché pendant la relecture." not in mine


def test_the_link_to_all_claims_i_may_publish_filters_the_claim_list_the_same_way(client, editor):
    claim_at(S.IN_REVIEW, sent_to_review_by=editor, text="Envoyée en relecture par moi.")
    claim_at(S.IN_REVIEW, text="Envoyée en relecture par un collègue.")
    login(client, editor)
    link = re.search(r'<a href="([^"]+)">All claims I may publish</a>', client.get(INDEX).content.decode())
    assert link is not None

    page = client.get(link.group(1).replace("&amp;", "&")).content.decode()

    assert "Envoyée en relecture par un collègue." in page
    assert "Envoyée en relecture par moi." not in page


def test_researchers_and_viewers_are_not_offered_a_list_to_publish(client, researcher, viewer):
    claim_at(S.IN_REVIEW, text="En relecture.")
    for user in (researcher, viewer):
        assert "Waiting for review, that I may publish" not in login(client, user).get(INDEX).content.decode()


def test_published_fact_checks_with_open_flags_come_oldest_flag_first(client, viewer):
    now = timezone.now()
    recent = claim_at(S.PUBLISHED, text="Signalée hier.")
    old = claim_at(S.PUBLISHED, text="Signalée il y a trois semaines.")
    middle = claim_at(S.PUBLISHED, text="Signalée la semaine dernière.")
    claim_at(S.PUBLISHED, text="Sans signalement.")
    researching = claim_at(S.RESEARCHING, text="En recherche, signalée.")
    Flag.objects.create(claim=recent, kind=FlagKind.QUOTE_MISSING, raised_at=now - timedelta(days=1))
    Flag.objects.create(claim=old, kind=FlagKind.EVIDENCE_LOST, raised_at=now - timedelta(days=21))
    Flag.objects.create(claim=middle, kind=FlagKind.SOURCE_CHANGED, raised_at=now - timedelta(days=8))
    # A cleared flag, older than all, does not count.
    Flag.objects.create(
        claim=recent, kind=FlagKind.UNPROVEN, raised_at=now - timedelta(days=60), cleared_at=now - timedelta(days=50)
    )
    Flag.objects.create(claim=researching, kind=FlagKind.UNPROVEN, raised_at=now - timedelta(days=90))

    block = section(
        login(client, viewer).get(INDEX).content.decode(), "Published fact-checks with open flags, oldest flag first"
    )

    positions = [block.find(text) for text in ("trois semaines", "la semaine dernière", "Signalée hier")]
    assert -1 not in positions and positions == sorted(positions)
    assert "Sans signalement" not in block and "En recherche" not in block
    assert "Evidence lost" in block


def test_the_all_link_of_flagged_fact_checks_lists_those_with_any_open_flag(client, viewer):
    flagged = claim_at(S.PUBLISHED, text="Publiée et signalée.")
    claim_at(S.PUBLISHED, text="Publiée, sans signalement.")
    Flag.objects.create(claim=flagged, kind=FlagKind.QUOTE_MISSING)

    page = login(client, viewer).get(
        reverse("admin:claims_claim_changelist"), {"status__exact": "published", "flag": "any"}
    )

    assert "Publiée et signalée." in page.content.decode()
    assert "Publiée, sans signalement." not in page.content.decode()


def test_flags_raised_this_week_are_listed_with_their_reason_and_last_weeks_are_not(client, viewer):
    monday = home.this_week_start()
    this_week = claim_at(S.PUBLISHED, text="Signalée cette semaine.")
    last_week = claim_at(S.PUBLISHED, text="Signalée la semaine d'avant.")
    Flag.objects.create(claim=this_week, kind=FlagKind.EVIDENCE_LOST, raised_at=monday + timedelta(minutes=1))
    Flag.objects.create(claim=last_week, kind=FlagKind.EVIDENCE_LOST, raised_at=monday - timedelta(minutes=1))
    login(client, viewer)

    page = client.get(INDEX).content.decode()
    block = section(page, "Flags raised this week")
    link = re.search(r'<a href="([^"]+)">All flags raised this week</a>', block)
    assert link is not None
    flag_list = client.get(link.group(1).replace("&amp;", "&")).content.decode()

    assert "Signalée cette semaine." in block and "Signalée la semaine d" not in block
    assert "Signalée cette semaine." in flag_list and "Signalée la semaine d" not in flag_list


def test_sources_are_counted_by_state_with_links_to_each(client, viewer):
    SourceFactory(state=SourceState.ALIVE)
    SourceFactory(state=SourceState.DEAD)
    SourceFactory(state=SourceState.DEAD)

    block = section(login(client, viewer).get(INDEX).content.decode(), "Sources by state")

    assert re.search(
        r'<a href="/admin/claims/source/\?state__exact=dead">Dead</a></th><td class="fc-count">2</td>', block
    )
    assert re.search(r">Alive</a></th><td class=\"fc-count\">1</td>", block)
    assert re.search(r">Restricted</a></th><td class=\"fc-count\">0</td>", block)


def test_times_are_shown_in_the_desks_time_zone_as_the_rest_of_the_admin_shows_them(client, researcher, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # far from UTC, so that a time in UTC would show
    claim = claim_at(S.RESEARCHING, assignee=researcher)
    page = login(client, researcher).get(INDEX).content.decode()
    assert when(claim.updated_at) in section(page, "Claims assigned to me")


def test_the_home_page_speaks_french(client, editor):
    claim_at(S.IN_REVIEW, text="À publier.")
    login(client, editor)
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les affirmations qui me sont confiées" in page
    svg = client.get(reverse("admin:desk_chart", args=["flags"]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Alertes déclenchées et levées par semaine" in svg


# --- The charts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", ["health", "flags", "verdicts"])
def test_a_chart_is_an_svg_with_no_script_and_nothing_from_elsewhere(chart, client, viewer):
    busy_desk(2)
    response = login(client, viewer).get(reverse("admin:desk_chart", args=[chart]))

    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "<svg" in svg and "<style" in svg
    assert "<script" not in svg.lower()
    assert "kozea.github.io" not in svg and "googleapis" not in svg
    # The only addresses are XML namespaces' names, never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    # Opened on its own, its inline styles apply and no script may run.
    policy = {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["script-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    # Kept a few minutes by the reader's browser only: the figures are theirs to see, not a shared cache's.
    assert set(response["Cache-Control"].split(", ")) == {"private", "max-age=300"}


def test_each_chart_has_alternative_text_and_its_figures_as_a_table(client, viewer):
    claim_at(S.PUBLISHED, verdict="false")
    desk_day_record()
    page = login(client, viewer).get(INDEX).content.decode()

    images = re.findall(r'<img src="/admin/desk/charts/(\w+)\.svg" alt="([^"]+)"', page)
    assert [name for name, _ in images] == ["health", "flags", "verdicts"]
    assert all(alt.startswith("Chart: ") for _, alt in images)
    assert page.count("<summary>The figures</summary>") == 3
    # This week's health: one published fact-check, healthy.
    assert "<td>1</td><td>1</td><td>100 %</td>" in page


def drawn_values(svg: str) -> list[float]:
    """The values pygal drew, one per bar (its <desc class="value">)."""
    return [float(value) for value in re.findall(r'<desc class="value">([^<]*)</desc>', svg)]


def test_the_verdicts_chart_takes_the_scales_labels_and_colours(client, viewer):
    chart_url = reverse("admin:desk_chart", args=["verdicts"])
    assert sum(drawn_values(login(client, viewer).get(chart_url).content.decode())) == 0

    claim_at(S.PUBLISHED, verdict="false")
    claim_at(S.PUBLISHED, verdict="mostly-true")
    claim_at(S.PUBLISHED, verdict="mostly-true")
    svg = client.get(chart_url).content.decode()
    # This month's bars: one fact-check rated false, two mostly true.
    assert sorted(value for value in drawn_values(svg) if value) == [1, 2]
    assert "False" in svg and "Mostly true" in svg
    # pygal writes the series' colours in the SVG's style: the scale's own.
    assert "#cf222e" in svg.lower() and "#4c9a2a" in svg.lower()
