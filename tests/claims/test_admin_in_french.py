"""A French editor reads the desk in French: flag reasons, check errors and the history included.

The translation test (tests/test_translations.py) sees the strings of the code; this one sees the pages, where
text stored or built at run time would show in the language it was written in.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from claims.models import Check, CheckOutcome, Flag, FlagKind, Source, SourceState
from claims.reasons import flag_reason_text, reason_text
from tests.factories import S, claim_at

# Words of the English desk, django-simple-history and Django that a French page must not show.
ENGLISH = [
    "None",
    "Deleted",
    "Draft",
    "Researching",
    "In review",
    "Published",
    "History",
    "Changes",
    "Changed by",
    "Change reason",
    "Loaded version",
    "Last error",
    "Error",
    "Reason",
    "Details",
    "Url",
    "entries",
    "Historique de vue",
]


def page_text(response) -> str:
    """What a reader sees of the page's content: its text, scripts, hidden inputs and the menu left out."""
    assert response.status_code == 200
    content = response.content.decode()
    content = content[content.index('<div id="content"') :]
    content = re.sub(r"<(script|style|select)\b.*?</\1>", " ", content, flags=re.S)
    content = re.sub(r'<div class="form-row hidden[^"]*">.*?</div>', " ", content, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content)))


@pytest.fixture
def watched_claim(db):
    """A published claim whose quote left its page, then whose page's host name stopped resolving."""
    claim = claim_at(S.PUBLISHED, verdict="unproven")
    source = Source.objects.get(evidence__claim=claim)
    Check.objects.create(
        source=source,
        outcome=CheckOutcome.NETWORK_ERROR,
        error_code="name_not_found",
        error_params={"host": "arxiv.org"},
    )
    Source.objects.filter(pk=source.pk).update(
        state=SourceState.DEAD,
        last_error_code="name_not_found",
        last_error_params={"host": "arxiv.org"},
        last_checked_at=timezone.now(),
    )
    Flag.objects.create(claim=claim, kind=FlagKind.QUOTE_MISSING)
    return claim


def french_pages(client, editor, claim):
    source = Source.objects.get(evidence__claim=claim)
    client.force_login(editor)
    urls = {
        "claim": reverse("admin:claims_claim_change", args=[claim.pk]),
        "history": reverse("admin:claims_claim_history", args=[claim.pk]),
        "source": reverse("admin:claims_source_change", args=[source.pk]),
        "checks": reverse("admin:claims_check_changelist"),
        "flags": reverse("admin:claims_flag_changelist"),
    }
    return {name: page_text(client.get(url, HTTP_ACCEPT_LANGUAGE="fr")) for name, url in urls.items()}


def test_reasons_and_errors_are_said_in_french(client, editor, watched_claim):
    pages = french_pages(client, editor, watched_claim)
    with translation.override("en"):
        flag_en = flag_reason_text(FlagKind.QUOTE_MISSING, {})
        error_en = reason_text("name_not_found", {"host": "arxiv.org"})
    with translation.override("fr"):
        flag_fr = flag_reason_text(FlagKind.QUOTE_MISSING, {})
        error_fr = reason_text("name_not_found", {"host": "arxiv.org"})
    assert flag_fr == "Un passage cité n’est plus sur sa page."
    assert error_fr == "Le nom arxiv.org est introuvable."
    assert flag_fr in pages["claim"] and flag_fr in pages["flags"]
    assert error_fr in pages["source"] and error_fr in pages["checks"]
    for name, text in pages.items():
        assert flag_en not in text, name
        assert error_en not in text, name


def test_the_history_is_said_in_french(client, editor, watched_claim):
    history = french_pages(client, editor, watched_claim)["history"]
    assert "Historique : DeepSeek a entraîné" in history
    assert "Statut : Brouillon → En vérification" in history
    assert "Statut : En relecture → Publiée" in history
    assert "Verdict : — → Non prouvé" in history
    assert "Modifications" in history


@pytest.mark.parametrize("page", ["claim", "history", "source", "checks", "flags"])
def test_no_english_word_on_a_french_page(client, editor, watched_claim, page):
    text = french_pages(client, editor, watched_claim)[page]
    found = [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    assert not found, f"English on the French {page} page: {found}\n{text}"
