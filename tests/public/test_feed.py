"""The Atom feed of published and corrected fact-checks, read the way a feed reader reads it."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from claims.models import ClaimStatus
from claims.services.workflow import claim_transition

S = ClaimStatus
pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, **headers) -> ET.Element:
    response = client.get("/factchecks/feed/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries_by_title(feed: ET.Element) -> dict[str, ET.Element]:
    return {entry.findtext(f"{ATOM}title"): entry for entry in feed.findall(f"{ATOM}entry")}


def test_the_feed_is_atom_with_one_entry_per_public_fact_check(publish, make_claim, client, settings):
    settings.FACTCHECK_SITE_URL = "https://verif.example.org"
    claim = publish()
    make_claim(S.IN_REVIEW, text="Une affirmation en relecture.")

    feed = read_feed(client, HTTP_ACCEPT_LANGUAGE="en")

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "factcheck: fact-checks"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "https://verif.example.org/factchecks/"
    assert feed.findtext(f"{ATOM}id")
    datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == claim.text
    assert entry.find(f"{ATOM}link").get("href") == (
        f"https://verif.example.org/factchecks/{claim.pk}-deepseek-a-entraine-son-modele-pour-six-millions-de-dollars/"
    )
    assert entry.findtext(f"{ATOM}id") == f"https://verif.example.org/factchecks/{claim.pk}/"
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == claim.first_published_at
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == claim.published_at
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "<p>Verdict: False.</p><p>Le chiffre ne couvre que la dernière phase d’entraînement.</p>"


def test_a_fact_check_being_corrected_stays_in_the_feed_as_published_with_its_note(publish, editor, client):
    claim = publish()
    claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Le coût cité était celui d’une phase.")

    [entry] = read_feed(client, HTTP_ACCEPT_LANGUAGE="fr").findall(f"{ATOM}entry")

    assert entry.findtext(f"{ATOM}title") == claim.text
    assert "Le coût cité était celui d’une phase." in entry.findtext(f"{ATOM}summary")
    assert "Faux" in entry.findtext(f"{ATOM}summary")


def test_a_corrected_fact_check_is_updated_at_its_last_publication(publish, editor, second_editor, client):
    claim = publish()
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Correction du chiffre.")
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=editor)
    claim = claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor)

    [entry] = read_feed(client).findall(f"{ATOM}entry")

    published = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert published == claim.first_published_at
    assert updated == claim.published_at
    assert updated > published


def test_the_desks_text_is_escaped_in_the_feed(publish, client):
    publish(summary="Voir <b>ceci</b> & cela", text="Il a dit </title> & <entry>")

    [entry] = read_feed(client, HTTP_ACCEPT_LANGUAGE="fr").findall(f"{ATOM}entry")

    assert entry.findtext(f"{ATOM}title") == "Il a dit </title> & <entry>"
    assert "<p>Voir &lt;b&gt;ceci&lt;/b&gt; &amp; cela</p>" in entry.findtext(f"{ATOM}summary")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_feed_says_its_language_as_the_reader_asked_it(publish, client, language):
    publish()
    response = client.get("/factchecks/feed/", HTTP_ACCEPT_LANGUAGE=language)

    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert b"bound method" not in response.content and b" at 0x" not in response.content
