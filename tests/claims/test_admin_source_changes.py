"""A source's changes page in the admin: the text diff between two snapshots, the cited quotes marked, a re-check
button; the flags of a quote gone or a page changed link to it."""

import html
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.flags import flags_sweep
from claims.models import Flag, FlagKind, Source
from tests.factories import S, SnapshotFactory, SourceFactory, claim_at
from tests.pages import HTML, WITH_QUOTE, WITHOUT_QUOTE
from tests.watch import check_now


def changes_url(source, **query):
    url = reverse("admin:claims_source_changes", args=[source.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def quote_gone(http_server):
    """A claim under research whose quote (“aucune preuve”) was on its page when cited and left it since."""
    url = http_server.route("/enquete", headers=HTML, body=WITH_QUOTE)
    claim = claim_at(S.RESEARCHING, evidence_url=url)
    source = Source.objects.get(evidence__claim=claim)
    check_now(source)
    http_server.route("/enquete", headers=HTML, body=WITHOUT_QUOTE)
    check_now(source, now=timezone.now() + timedelta(hours=1))
    flags_sweep()
    return claim, source


def test_the_diff_shows_the_removed_quote(client, editor, quote_gone):
    claim, source = quote_gone
    client.force_login(editor)
    # The flag raised for the quote links to what changed on its page.
    flags = client.get(
        reverse("admin:claims_flag_changelist"), {"kind__exact": FlagKind.QUOTE_MISSING}
    ).content.decode()
    evidence = claim.evidence.get()
    link = changes_url(source, evidence=evidence.pk)
    assert f'href="{html.escape(link)}"' in flags

    page = client.get(link)
    assert page.status_code == 200
    content = page.content.decode()
    # The sentence that held the quote is removed, the quote marked in it; the new sentence is added.
    assert (
        '<li class="fc-diff-removed"><del>Pour l’instant, <mark>aucune preuve</mark> n’a été présentée.</del></li>'
        in content
    )
    assert '<li class="fc-diff-added"><ins>Le rapport complet sera publié demain.</ins></li>' in content
    assert "1 sentence removed" in content and "1 sentence added" in content
    # The quotes' table says where the quote is: in the copy as cited, not in the latest.
    row = content[content.index('<table class="fc-quotes">') :]
    assert "<td><mark>aucune preuve</mark></td>" in row
    assert "<td>yes</td>" in row and "<td><strong>no</strong></td>" in row


def test_the_claims_page_links_its_flag_to_what_changed(client, editor, quote_gone):
    claim, source = quote_gone
    assert Flag.objects.filter(claim=claim, kind=FlagKind.QUOTE_MISSING, cleared_at__isnull=True).exists()
    client.force_login(editor)
    content = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    link = html.escape(changes_url(source, evidence=claim.evidence.get().pk))
    # The page changed too: both flags link to it, and the evidence's “see what changed”.
    assert content.count(f'href="{link}"') == 3
    workflow = content[content.index('<ul class="fc-flags">') :]
    assert workflow.index("Quote missing") < workflow.index(link) < workflow.index("Source changed")


def test_the_page_text_is_shown_escaped(client, editor):
    source = SourceFactory()
    SnapshotFactory(source=source, text="Début.", fetched_at=timezone.now() - timedelta(days=1))
    SnapshotFactory(source=source, text='Début.\n<script>alert("pris")</script><img src=x onerror=alert(1)>')
    client.force_login(editor)
    content = client.get(changes_url(source)).content.decode()
    assert "<script>alert" not in content and "<img src=x" not in content
    assert "&lt;script&gt;alert(&quot;pris&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in content


def test_two_snapshots_are_chosen_and_the_older_always_comes_first(client, editor):
    source = SourceFactory()
    now = timezone.now()
    first = SnapshotFactory(source=source, text="Version une.", fetched_at=now - timedelta(days=3))
    SnapshotFactory(source=source, text="Version deux.", fetched_at=now - timedelta(days=2))
    third = SnapshotFactory(source=source, text="Version trois.", fetched_at=now - timedelta(days=1))
    client.force_login(editor)
    # By default, with no evidence captured: the latest against the one before.
    default = client.get(changes_url(source)).content.decode()
    assert "<del>Version deux.</del>" in default and "<ins>Version trois.</ins>" in default

    chosen = client.get(changes_url(source, old=third.pk, new=first.pk)).content.decode()
    assert "<del>Version une.</del>" in chosen and "<ins>Version trois.</ins>" in chosen

    # A snapshot of another page is not one to choose: the defaults stand, and the form says so.
    other = SnapshotFactory(text="Une autre page.")
    refused = client.get(changes_url(source, old=other.pk, new=third.pk)).content.decode()
    assert "Select a valid choice." in refused and "<del>Version deux.</del>" in refused


def test_a_huge_page_is_compared_in_bounds_and_the_cut_is_said(client, editor):
    source = SourceFactory()
    old = "\n".join(f"Phrase numéro {n} de l'ancienne version de la page." for n in range(12_000))
    SnapshotFactory(source=source, text=old, fetched_at=timezone.now() - timedelta(days=1))
    SnapshotFactory(source=source, text=old.replace("ancienne", "nouvelle"))
    client.force_login(editor)
    started = time.monotonic()
    response = client.get(changes_url(source))
    assert time.monotonic() - started < 10
    assert "Diff truncated" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status", "button"),
    [("viewer", 200, False), ("researcher", 200, True), ("editor", 200, True), ("outsider", 403, False)],
)
def test_desk_readers_see_the_changes_and_those_who_maintain_evidence_the_button(client, users, role, status, button):
    source = SourceFactory()
    SnapshotFactory(source=source)
    client.force_login(users[role])
    response = client.get(changes_url(source))
    assert response.status_code == status
    recheck = reverse("admin:claims_source_recheck", args=[source.pk])
    assert (f'action="{recheck}"' in response.content.decode()) is button


@pytest.mark.parametrize(("role", "allowed"), [("viewer", False), ("researcher", True), ("editor", True)])
def test_the_button_asks_for_a_check(client, users, role, allowed):
    later = timezone.now() + timedelta(days=1)
    source = SourceFactory(next_check_at=later)
    client.force_login(users[role])
    recheck = reverse("admin:claims_source_recheck", args=[source.pk])
    assert client.get(recheck).status_code == 405
    response = client.post(recheck, follow=True)
    source.refresh_from_db()
    assert (source.next_check_at < later) is allowed
    if allowed:
        assert response.redirect_chain == [(changes_url(source), 302)]
        assert messages_of(response)[0].startswith("A check of the page is asked")
        assert "No copy of this page was captured yet" in response.content.decode()
    else:
        assert response.status_code == 403


def test_the_sources_page_leads_to_its_changes(client, viewer):
    source = SourceFactory()
    older = SnapshotFactory(source=source, fetched_at=timezone.now() - timedelta(days=1))
    newer = SnapshotFactory(source=source, text="Autre texte.")
    client.force_login(viewer)
    content = client.get(reverse("admin:claims_source_change", args=[source.pk])).content.decode()
    assert f'href="{changes_url(source)}"' in content
    assert f'href="{html.escape(changes_url(source, old=older.pk, new=newer.pk))}"' in content


def test_the_flag_list_reads_the_evidence_behind_its_flags_in_one_query(client, editor, django_assert_num_queries):
    def flagged():
        claim = claim_at(S.RESEARCHING)
        claim.evidence.update(page_changed=True)
        Flag.objects.create(claim=claim, kind=FlagKind.SOURCE_CHANGED)

    flagged()
    client.force_login(editor)
    url = reverse("admin:claims_flag_changelist")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        flagged()
    with django_assert_num_queries(len(few.captured_queries)):
        content = client.get(url).content.decode()
    assert content.count('class="fc-changes-link"') == 6


def test_the_changes_page_reads_in_french(client, editor, quote_gone):
    _claim, source = quote_gone
    client.force_login(editor)
    content = client.get(changes_url(source), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce qui a changé" in content
    assert "1 phrase supprimée" in content
