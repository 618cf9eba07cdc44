"""The public fact-check pages: what readers can reach and what they see."""

from __future__ import annotations

import datetime
import json
import re
from html import unescape as html_unescape

import pytest
from django.utils import timezone

from claims import rules
from claims.claimreview import claimreview_for, factcheck_url
from claims.errors import RuleViolation
from claims.models import Claim, ClaimStatus, Evidence, Snapshot
from claims.public.selectors import factcheck_published_version
from claims.services.claims import claim_update
from claims.services.evidence import evidence_add, evidence_update
from claims.services.workflow import claim_transition
from tests.factories import claim_at, rating
from tests.pages import HTML, PARAGRAPHS, article
from tests.public.conftest import snapshot_of
from tests.watch import check_now

S = ClaimStatus
pytestmark = pytest.mark.django_db

CORRECTION_NOTE = "Le coût cité était celui d’une seule phase."
CANONICAL = "deepseek-a-entraine-son-modele-pour-six-millions-de-dollars"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def page_of(claim) -> str:
    return factcheck_url(claim, base_url="")


def json_ld(html: str) -> dict:
    [found] = JSON_LD.findall(html)
    return json.loads(found)


# --- Who can reach what -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.RESEARCHING, S.IN_REVIEW, S.REJECTED])
def test_an_unpublished_claim_is_not_found(status, make_claim, client):
    claim = make_claim(status)
    evidence = claim.evidence.get()
    snapshot = snapshot_of(evidence, "Le texte de la page.")

    assert client.get(page_of(claim)).status_code == 404
    assert client.get(f"/factchecks/{claim.pk}/").status_code == 404
    assert client.get(f"/factchecks/snapshots/{snapshot.pk}/").status_code == 404
    assert claim.text not in client.get("/factchecks/").content.decode()


def test_a_fact_check_once_published_cannot_be_rejected_and_stays_public(publish, editor, client):
    claim = publish()
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Erreur de chiffre.")
    # An editor may reject a claim in research, but this one is not offered the move, and is refused it.
    assert S.REJECTED not in rules.moves_for(editor, claim)
    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.REJECTED, by=editor, comment="Invérifiable finalement.")
    assert refusal.value.code == "published_claim_not_rejectable"
    assert S.REJECTED in rules.moves_for(editor, Claim(status=S.RESEARCHING))

    assert client.get(page_of(claim)).status_code == 200


def test_a_published_fact_check_shows_everything_a_reader_needs(publish, client):
    claim = publish()
    evidence = claim.evidence.get()
    snapshot = snapshot_of(evidence, "Le rapport technique de DeepSeek.")

    response = client.get(page_of(claim), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert "DeepSeek a entraîné son modèle pour six millions de dollars." in html
    assert "David Sacks" in html
    assert '<time datetime="2025-01-29">Jan. 29, 2025</time>' in html
    assert 'style="background-color: #cf222e; color: #ffffff">False</span>' in html
    assert "Le chiffre ne couvre que la dernière phase d’entraînement." in html
    assert "Refutes" in html
    assert "Le rapport technique, page 5." in html
    assert 'href="https://example.org/enquete"' in html
    assert f'href="/factchecks/snapshots/{snapshot.pk}/"' in html
    assert "Corrections" not in html
    assert "being corrected" not in html


def test_a_snapshot_page_shows_the_captured_text_escaped(publish, client):
    claim = publish()
    snapshot = snapshot_of(claim.evidence.get(), 'Rapport <script>alert("x")</script> page 5')

    response = client.get(f"/factchecks/snapshots/{snapshot.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert "https://example.org/enquete" in html
    assert snapshot.text_sha256 in html
    assert "Enquête sur DeepSeek" in html
    assert "Feb. 1, 2025" in html
    assert "Rapport &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; page 5" in html
    assert "<script>alert" not in html


def test_a_snapshot_no_public_fact_check_cites_is_not_found(publish, make_claim, client):
    publish()
    draft_evidence = make_claim(S.DRAFT).evidence.get()
    snapshot = snapshot_of(draft_evidence, "Texte.")

    assert client.get(f"/factchecks/snapshots/{snapshot.pk}/").status_code == 404
    assert client.get("/factchecks/snapshots/999999/").status_code == 404


# --- Addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/factchecks/{pk}/", "/factchecks/{pk}-wrong-slug/", "/factchecks/{pk}-/"])
def test_a_wrong_or_missing_slug_redirects_permanently_to_the_canonical_address(
    path, publish, client, django_assert_max_num_queries
):
    claim = publish()

    with django_assert_max_num_queries(2):  # the fact-check, not its evidence and corrections
        response = client.get(path.format(pk=claim.pk))

    assert response.status_code == 301
    assert response["Location"] == f"/factchecks/{claim.pk}-{CANONICAL}/"


# --- A fact-check reopened for a correction -----------------------------------------------------


@pytest.fixture
def reopened(publish, editor):
    """A published fact-check reopened for a correction, with the desk's work in progress on it."""
    claim = publish()
    published_evidence = claim.evidence.get()
    snapshot_of(published_evidence, "Le rapport technique tel que cité.")
    claim.refresh_from_db()
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment=CORRECTION_NOTE)
    claim_update(
        claim=claim,
        by=editor,
        changes={
            "text": "Brouillon de correction en cours",
            "summary": "Résumé pas encore relu",
            "rating": rating("mixed"),
        },
    )
    evidence_update(evidence=published_evidence, by=editor, note="Note en cours de réécriture")
    evidence_add(claim=claim, url="https://example.net/nouvelle-source", stance="supports", by=editor)
    claim.refresh_from_db()
    return claim


def test_a_reopened_fact_check_shows_its_last_published_version_and_a_notice(reopened, client):
    response = client.get(f"/factchecks/{reopened.pk}/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/factchecks/{reopened.pk}-{CANONICAL}/"
    html = response.content.decode()
    assert "This fact-check is being corrected" in html
    assert CORRECTION_NOTE in html
    assert "DeepSeek a entraîné son modèle pour six millions de dollars." in html
    assert ">False</span>" in html
    assert "Le rapport technique, page 5." in html
    # None of the work in progress.
    for draft in ("Brouillon de correction", "Résumé pas encore relu", ">Mixed<", "Note en cours", "example.net"):
        assert draft not in html


def test_the_snapshot_a_reopened_fact_check_was_published_with_stays_reachable(reopened, client):
    cited = Evidence.history.filter(claim_id=reopened.pk).exclude(cited_snapshot=None).first()
    published_snapshot = cited.cited_snapshot_id
    # The desk points the evidence at another page during the correction: the published copy stays public.
    evidence = reopened.evidence.order_by("id").first()
    evidence_update(evidence=evidence, by=reopened.created_by, url="https://example.net/autre")

    assert client.get(f"/factchecks/snapshots/{published_snapshot}/").status_code == 200


def test_a_fact_check_being_corrected_keeps_the_copy_and_the_title_it_was_published_with(http_server, editor, client):
    url = http_server.route("/enquete", headers=HTML, body=article(PARAGRAPHS))
    claim = claim_at(S.PUBLISHED, evidence_url=url)
    source = claim.evidence.get().source
    check_now(source)  # The watch captures the page as cited, with its title.
    (cited,) = Snapshot.objects.filter(source=source)
    claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment=CORRECTION_NOTE)
    # During the correction the site revises the page: the quote leaves it, and so does its title.
    http_server.route("/enquete", headers=HTML, body=b"<html><head><title>Page revue</title></head><p>Autre.</p>")
    check_now(source)
    assert Snapshot.objects.filter(source=source).count() == 2

    html = client.get(factcheck_url(claim, base_url=""), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<span class="source-name">DeepSeek accusé de piraterie</span>' in html
    assert f'href="/factchecks/snapshots/{cited.pk}/"' in html
    assert "Page revue" not in html
    assert client.get(f"/factchecks/snapshots/{cited.pk}/").status_code == 200


@pytest.mark.parametrize("reopened_count", [1, 4])
def test_a_snapshot_page_reads_a_fixed_number_of_queries_however_many_corrections_cited_it(
    reopened_count, publish, editor, client, django_assert_num_queries
):
    """Fact-checks being corrected, which were published citing the snapshot and cite another page now."""
    snapshot = None
    for n in range(reopened_count):
        claim = publish(text=f"Affirmation corrigée numéro {n}.")
        evidence = claim.evidence.get()
        if snapshot is None:
            snapshot = snapshot_of(evidence, "Le rapport tel que cité.")
        else:
            evidence.snapshot = evidence.cited_snapshot = snapshot
            evidence.save(update_fields=["snapshot", "cited_snapshot"])
        claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Correction.")
        evidence_update(evidence=evidence, by=editor, url=f"https://example.net/autre-{n}")

    with django_assert_num_queries(7):
        response = client.get(f"/factchecks/snapshots/{snapshot.pk}/")
    assert response.status_code == 200
    assert "Le rapport tel que cité." in response.content.decode()


def test_a_fact_check_published_again_shows_its_correction_log(reopened, editor, second_editor, client):
    claim = claim_transition(claim=reopened, to=S.IN_REVIEW, by=editor)
    claim = claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor)

    response = client.get(page_of(claim), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Brouillon de correction en cours" in html
    assert "being corrected" not in html
    assert "Corrections" in html
    assert CORRECTION_NOTE in html
    assert "corrected version published" in html
    assert "Updated" in html


# --- ClaimReview in the page ---------------------------------------------------------------------


def test_the_page_embeds_the_same_claimreview_as_the_api(publish, client, settings):
    settings.FACTCHECK_SITE_URL = "https://verif.example.org"
    claim = publish()

    html = client.get(page_of(claim)).content.decode()

    review = json_ld(html)
    assert review == claimreview_for(claim)
    assert review["@type"] == "ClaimReview"


def test_the_page_of_a_reopened_fact_check_embeds_the_claimreview_of_its_published_version(reopened, client):
    html = client.get(page_of(factcheck_published_version(reopened).claim)).content.decode()

    review = json_ld(html)
    assert review == claimreview_for(factcheck_published_version(reopened).claim)
    assert review["claimReviewed"] == "DeepSeek a entraîné son modèle pour six millions de dollars."
    assert review["reviewRating"]["alternateName"] == "Faux"


def test_a_claim_quoting_a_closing_script_tag_cannot_break_out_of_the_json_ld(publish, client):
    claim = publish(text='Il a écrit </script><script>alert("x")</script> & <!-- sur son blog')

    html = client.get(page_of(claim)).content.decode()

    assert '<script>alert("x")' not in html
    assert html.count("</script>") == 1
    assert json_ld(html)["claimReviewed"] == 'Il a écrit </script><script>alert("x")</script> & <!-- sur son blog'


# --- The list ---------------------------------------------------------------------------------------


def published_claim(*, days_ago: int = 0, **fields):
    """A fact-check published `days_ago` days ago, through the real workflow."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return claim_at(S.PUBLISHED, at=when, summary="Résumé.", **fields)


def test_the_list_shows_published_fact_checks_newest_first(client, make_claim):
    older = published_claim(text="Une affirmation plus ancienne.", days_ago=3)
    newer = published_claim(text="Une affirmation plus récente.", days_ago=1)
    make_claim(S.IN_REVIEW, text="Une affirmation en relecture.")

    html = client.get("/factchecks/").content.decode()

    assert html.index(newer.text) < html.index(older.text)
    assert "Une affirmation en relecture." not in html
    assert f'href="/factchecks/{newer.pk}-une-affirmation-plus-recente/"' in html


def test_the_list_filters_by_verdict_and_language(client):
    false_fr = published_claim(text="Faux et en français.", verdict="false", language="fr")
    true_fr = published_claim(text="Vrai et en français.", verdict="true", language="fr")
    false_en = published_claim(text="False and in English.", verdict="false", language="en")

    by_rating = client.get("/factchecks/?rating=false").content.decode()
    by_both = client.get("/factchecks/?rating=false&language=en").content.decode()
    by_language = client.get("/factchecks/?language=fr").content.decode()

    assert false_fr.text in by_rating and false_en.text in by_rating and true_fr.text not in by_rating
    assert false_en.text in by_both and false_fr.text not in by_both
    assert false_fr.text in by_language and true_fr.text in by_language and false_en.text not in by_language


def test_the_filter_of_a_fact_check_being_corrected_is_its_published_verdict(reopened, client):
    assert "six millions de dollars" in client.get("/factchecks/?rating=false").content.decode()
    assert "six millions de dollars" not in client.get("/factchecks/?rating=mixed").content.decode()


def test_the_filters_are_a_labelled_form(client):
    html = client.get("/factchecks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<form class="filters" method="get" action="/factchecks/"' in html
    assert '<label for="id_rating">Verdict</label>' in html
    assert '<label for="id_language">Language of the claim</label>' in html
    assert '<option value="mostly-false">Mostly false</option>' in html


def test_an_unknown_filter_shows_every_fact_check(client):
    claim = published_claim(text="Une affirmation publiée.")

    response = client.get("/factchecks/?rating=nonsense&language=xx&page=abc")

    assert response.status_code == 200
    assert claim.text in response.content.decode()


def test_the_list_is_paginated_with_prev_and_next_links_that_keep_the_filters(client):
    for n in range(25):
        published_claim(text=f"Affirmation numéro {n:02d}.", days_ago=n)

    first = client.get("/factchecks/?rating=false").content.decode()
    second = client.get("/factchecks/?rating=false&page=2").content.decode()

    assert "Affirmation numéro 00." in first and "Affirmation numéro 19." in first
    assert "Affirmation numéro 20." not in first
    assert '<a rel="next" href="?rating=false&amp;page=2">' in first
    assert "Affirmation numéro 24." in second and "Affirmation numéro 19." not in second
    assert '<a rel="prev" href="?rating=false&amp;page=1">' in second


def test_the_list_marks_a_fact_check_being_corrected(reopened, client):
    html = client.get("/factchecks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "DeepSeek a entraîné son modèle pour six millions de dollars." in html
    assert "Being corrected" in html
    assert "Brouillon de correction" not in html


@pytest.mark.parametrize("count", [5, 30])
def test_the_list_takes_the_same_number_of_queries_however_many_fact_checks(
    count, client, django_assert_num_queries, editor
):
    newest = published_claim(days_ago=0)
    for n in range(1, count):
        published_claim(days_ago=n)
    # The newest, on the first page, is being corrected: its published version comes from the history.
    claim_transition(claim=newest, to=S.RESEARCHING, by=editor, comment="Correction.")

    # The verdicts for the filter, the count (none when the list fits on its first page), the page, the published
    # versions, their correction notes and their latest changes.
    with django_assert_num_queries(5 if count <= 20 else 6):
        response = client.get("/factchecks/?language=fr")
    assert response.status_code == 200


# --- Languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "lang"), [("fr-FR,fr;q=0.9", "fr"), ("en-GB,en;q=0.8", "en"), ("de", "en")])
def test_the_page_language_follows_the_browser(accept, lang, publish, client):
    claim = publish()

    for path in (page_of(claim), "/factchecks/"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        assert f'<html lang="{lang}">' in html


def test_the_language_switcher_posts_to_set_language_and_sticks(publish, client):
    claim = publish()
    html = client.get(page_of(claim), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<form class="language-switcher" action="/i18n/setlang/" method="post">' in html
    assert '<label for="language-switcher">' in html

    response = client.post("/i18n/setlang/", {"language": "fr", "next": page_of(claim)})

    assert response.status_code == 302
    assert response["Location"] == page_of(claim)
    assert '<html lang="fr">' in client.get(page_of(claim), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_french_readers_see_the_verdict_label_and_dates_in_french(publish, client):
    claim = publish()

    html = client.get(page_of(claim), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert ">Faux</span>" in html
    assert "29 janvier 2025" in html


def test_the_pages_use_their_own_stylesheet_and_no_external_resources(publish, client):
    claim = publish()

    html = client.get(page_of(claim)).content.decode()

    assert '<link rel="stylesheet" href="/static/claims/public.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(css|js|woff2?)"', html)
    assert client.get("/static/claims/public.css").status_code == 200


def test_a_long_list_says_its_count_is_an_estimate_and_every_fact_check_stays_reachable(client, monkeypatch):
    from claims import pagination
    from claims.public import views

    monkeypatch.setattr(pagination, "COUNT_EXACT_UP_TO", 2)
    monkeypatch.setattr(views, "FACTCHECKS_PER_PAGE", 2)
    published = [published_claim(text=f"Affirmation publiée numéro {n}.", days_ago=n) for n in range(5)]
    seen, url = [], "/factchecks/"
    while url:
        html = client.get(url).content.decode()
        assert re.search(r"About \d+ fact-checks", html)
        assert not re.search(r"Page \d+ of", html)
        seen += [claim.pk for claim in published if f"/factchecks/{claim.pk}-" in html]
        url = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = "/factchecks/" + html_unescape(url.group(1)) if url else None
    assert seen == [claim.pk for claim in published]


def test_a_short_list_is_counted_exactly(client):
    published_claim(text="Une seule affirmation publiée.")
    html = client.get("/factchecks/").content.decode()
    assert "1 fact-check" in html and not re.search(r"About \d+ fact-check", html)
