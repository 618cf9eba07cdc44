"""End to end in a real browser: a researcher files a claim in the admin, an editor publishes it, readers see it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from claims.models import Claim, ClaimStatus, DeskDay, Flag, FlagKind
from tests.factories import ClaimFactory, claim_at, rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAIM = "DeepSeek n’a dépensé que six millions de dollars pour entraîner son modèle."
QUOTE = "Pour l’instant, aucune preuve n’a été présentée."
SUMMARY = "Le chiffre ne couvre que la dernière phase d’entraînement, selon le rapport technique."
CHANGED_SUMMARY = "Le chiffre ne couvre que la dernière phase d’entraînement (rapport technique, page 5)."
CHANGE_NOTE = "Nous avons précisé la page du rapport technique."

# Strings of the page's frame, which the French page must show in French and only in French.
UI_STRINGS = ["Our verdict", "Evidence", "Live page", "Skip to the content", "All fact-checks", "Language"]


def wait(driver: WebDriver, seconds: float = 15) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def click_and_load(driver: WebDriver, element: WebElement) -> None:
    """Click something that loads a new page, and wait until it has.

    The old page gets a mark that a new page cannot have. While one document replaces the other, Chromium may
    answer with an error of its own instead of a stale-element one, so errors are retried until the wait's end.
    """
    driver.execute_script("window.fcLeftBehind = true")
    element.click()
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.fcLeftBehind && document.readyState === 'complete'"),
        message="the click did not load a new page",
    )


def type_into(driver: WebDriver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def log_in(driver: WebDriver, base: str, username: str) -> None:
    driver.get(f"{base}/admin/login/?next=/admin/")
    type_into(driver, "id_username", username)
    type_into(driver, "id_password", "pw")
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "#login-form [type=submit]"))
    wait(driver).until(EC.presence_of_element_located((By.ID, "logout-form")))


def log_out(driver: WebDriver) -> None:
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "#logout-form [type=submit]"))


def press_move(driver: WebDriver, to: ClaimStatus) -> WebElement:
    """Press a workflow button on the claim's admin page; the desk's answer, a message."""
    click_and_load(
        driver, driver.find_element(By.CSS_SELECTOR, f'.fc-moves button[name="workflow_move"][value="{to}"]')
    )
    return wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".messagelist li")))


def move(driver: WebDriver, to: ClaimStatus) -> None:
    """Press a workflow button and see the move made."""
    message = press_move(driver, to)
    assert "success" in message.get_attribute("class"), message.text


def csp_violations(driver: WebDriver) -> list[str]:
    """What the Content-Security-Policy blocked since the last call, as Chromium's console reported it."""
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]


def claimreview_in(driver: WebDriver) -> dict:
    script = driver.find_element(By.CSS_SELECTOR, 'script[type="application/ld+json"]')
    return json.loads(script.get_attribute("textContent"))


def test_a_claim_goes_from_the_admin_to_a_public_page_in_french_and_english(
    live_server, browser, researcher, editor, second_editor, artifacts
):
    base = live_server.url
    desk = browser("en")

    # A researcher files the claim with its evidence, proposes a verdict and sends it to review.
    log_in(desk, base, researcher.username)
    desk.get(f"{base}/admin/claims/claim/add/")
    type_into(desk, "id_text", CLAIM)
    type_into(desk, "id_claimant", "Un commentateur sur X")
    type_into(desk, "id_claim_date", "2025-01-28")
    type_into(desk, "id_appearance_url", "https://example.com/publication")
    type_into(desk, "id_language", "fr")
    Select(desk.find_element(By.ID, "id_rating")).select_by_visible_text("False")
    type_into(desk, "id_summary", "Le chiffre ne couvre que la dernière phase d’entraînement, selon le rapport.")
    type_into(desk, "id_evidence-0-url", "https://example.org/enquete")
    Select(desk.find_element(By.ID, "id_evidence-0-stance")).select_by_value("refutes")
    type_into(desk, "id_evidence-0-quote", QUOTE)
    type_into(desk, "id_evidence-0-note", "Rapport technique, page 5.")
    click_and_load(desk, desk.find_element(By.CSS_SELECTOR, 'input[name="_continue"]'))
    claim_id = int(re.search(r"/admin/claims/claim/(\d+)/change/", desk.current_url).group(1))
    move(desk, ClaimStatus.RESEARCHING)
    move(desk, ClaimStatus.IN_REVIEW)
    desk.save_screenshot(str(artifacts / "01-researcher-sent-to-review.png"))
    log_out(desk)

    # An editor vouches for the quote (nothing fetches the page in this test), sharpens the summary and presses
    # Publish in the same go: four-eyes refuses, since the verdict readers would see was changed by the one who
    # would publish it; what was typed is saved all the same.
    log_in(desk, base, editor.username)
    desk.get(f"{base}/admin/claims/claim/{claim_id}/change/")
    type_into(desk, "id_evidence-0-quote_override_reason", "Relu dans la version PDF du rapport.")
    type_into(desk, "id_summary", SUMMARY)
    refusal = press_move(desk, ClaimStatus.PUBLISHED)
    assert "error" in refusal.get_attribute("class")
    assert refusal.text.startswith("Saved, but not moved: You changed this claim's rating, summary or text"), (
        refusal.text
    )
    assert "(four-eyes rule)" in refusal.text
    assert desk.find_element(By.ID, "id_summary").get_attribute("value") == SUMMARY
    assert desk.find_element(By.ID, "id_evidence-0-quote_override_reason").get_attribute("value")
    # Nor is Publish offered to this editor any more.
    assert not desk.find_elements(By.CSS_SELECTOR, f'.fc-moves button[value="{ClaimStatus.PUBLISHED}"]')
    desk.save_screenshot(str(artifacts / "02-editor-refused-self-publish.png"))
    assert Claim.objects.get(pk=claim_id).status == ClaimStatus.IN_REVIEW
    log_out(desk)

    # A second editor reads the preview of the public page, then publishes.
    log_in(desk, base, second_editor.username)
    desk.get(f"{base}/admin/claims/claim/{claim_id}/change/")
    click_and_load(desk, desk.find_element(By.CSS_SELECTOR, '.object-tools a[href$="/preview/"]'))
    assert desk.find_element(By.ID, "preview-notice-title").text == "Preview"
    assert desk.find_element(By.CSS_SELECTOR, ".summary").text == SUMMARY
    desk.back()
    wait(desk).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".fc-moves")))
    move(desk, ClaimStatus.PUBLISHED)
    desk.save_screenshot(str(artifacts / "03-second-editor-published.png"))
    assert Claim.objects.get(pk=claim_id).status == ClaimStatus.PUBLISHED

    # A change readers will see, made once published: refused without a note for them (what was typed stays on the
    # form), then made with one, and listed on the public page with its date.
    type_into(desk, "id_summary", CHANGED_SUMMARY)
    click_and_load(desk, desk.find_element(By.CSS_SELECTOR, 'input[name="_continue"]'))
    assert desk.find_element(By.CSS_SELECTOR, ".errornote").is_displayed()
    assert desk.find_element(By.ID, "id_summary").get_attribute("value") == CHANGED_SUMMARY
    Select(desk.find_element(By.ID, "id_change_kind")).select_by_value("clarification")
    type_into(desk, "id_change_note", CHANGE_NOTE)
    click_and_load(desk, desk.find_element(By.CSS_SELECTOR, 'input[name="_continue"]'))
    assert "success" in desk.find_element(By.CSS_SELECTOR, ".messagelist li").get_attribute("class")
    assert Claim.objects.get(pk=claim_id).summary == CHANGED_SUMMARY
    assert not csp_violations(desk)

    # Readers in English: the short address leads to the fact-check, with its ClaimReview.
    reader = browser("en")
    reader.get(f"{base}/factchecks/{claim_id}/")
    wait(reader).until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.factcheck h1")))
    assert re.search(rf"/factchecks/{claim_id}-deepseek-na-depense-que-six-millions", reader.current_url)
    assert reader.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert reader.find_element(By.CSS_SELECTOR, "article.factcheck h1").text.strip('“”"') == CLAIM
    assert reader.find_element(By.CSS_SELECTOR, ".verdict").text == "False"
    assert QUOTE in reader.find_element(By.CSS_SELECTOR, ".evidence blockquote").text
    changes = reader.find_element(By.CSS_SELECTOR, ".changes").text
    assert "Clarification" in changes and CHANGE_NOTE in changes
    review = claimreview_in(reader)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == CLAIM
    assert review["reviewRating"]["alternateName"] == "Faux"
    assert review["itemReviewed"]["author"]["name"] == "Un commentateur sur X"
    assert review["dateModified"] > review["datePublished"]
    reader.save_screenshot(str(artifacts / "04-factcheck-en.png"))

    # The language switcher turns the page French.
    Select(reader.find_element(By.ID, "language-switcher")).select_by_value("fr")
    click_and_load(reader, reader.find_element(By.CSS_SELECTOR, ".language-switcher button"))
    assert reader.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"

    # Readers whose browser asks for French get the page in French straight away.
    french_reader = browser("fr")
    french_reader.get(f"{base}/factchecks/{claim_id}/")
    wait(french_reader).until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.factcheck h1")))
    assert french_reader.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    page = french_reader.find_element(By.TAG_NAME, "body").text
    assert CLAIM in page
    assert french_reader.find_element(By.CSS_SELECTOR, ".verdict").text == "Faux"
    assert "28 janvier 2025" in page
    # All the text, the skip link's (off screen until focused) included.
    all_text = french_reader.execute_script("return document.body.textContent")
    with translation.override("fr"):
        for english in UI_STRINGS:
            assert translation.gettext(english) != english, f"no French for {english!r}"
            assert translation.gettext(english) in all_text, english
            assert english not in all_text, english
    assert claimreview_in(french_reader)["claimReviewed"] == CLAIM
    french_reader.save_screenshot(str(artifacts / "05-factcheck-fr.png"))

    # And the list shows it.
    french_reader.get(f"{base}/factchecks/")
    assert CLAIM in wait(french_reader).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".factcheck-list"))).text
    # The API's docs, signed in: Swagger UI draws the operations.
    desk.get(f"{base}/api/docs/")
    wait(desk).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    assert "/api/v1/claims/" in desk.find_element(By.ID, "swagger-ui").text
    # Nothing any page needed was blocked by the Content-Security-Policy.
    for driver in (desk, reader, french_reader):
        assert not csp_violations(driver)


@pytest.mark.parametrize("width", [1366, 1400])
def test_the_claim_list_fits_a_laptop_screen(live_server, browser, editor, artifacts, width):
    """Each claim on a line or two, the assignee and the date in sight: no sideways scrolling at 1,366 px."""
    for n in range(12):
        claim = ClaimFactory(
            text=f"{CLAIM} Selon plusieurs observateurs, le chiffre avancé ne couvre qu’une partie du coût ({n}).",
            claimant="Un commentateur très suivi sur les réseaux sociaux",
            assignee=editor,
            rating=rating("mixed"),
        )
        for kind in (FlagKind.UNPROVEN, FlagKind.QUOTE_MISSING, FlagKind.SOURCE_CHANGED):
            Flag.objects.create(claim=claim, kind=kind)
    desk = browser("fr")
    desk.set_window_size(width, 900)
    log_in(desk, live_server.url, editor.username)
    desk.get(f"{live_server.url}/admin/claims/claim/")
    table = wait(desk).until(EC.presence_of_element_located((By.ID, "result_list")))
    desk.save_screenshot(str(artifacts / f"06-claim-list-{width}.png"))

    layout = desk.execute_script(
        """
        const results = document.querySelector('#changelist .results');
        const link = document.querySelector('#result_list .field-short_text a');
        const assignee = document.querySelector('#result_list td.field-assignee');
        const updated = document.querySelector('#result_list td.field-updated');
        return {
            overflow: results.scrollWidth - results.clientWidth,
            textLines: new Set([...link.getClientRects()].map(r => Math.round(r.top))).size,
            columns: [...document.querySelectorAll('#result_list tbody tr:first-child > *')].map(
                c => c.className + ':' + Math.round(c.getBoundingClientRect().width)),
            assigneeRight: assignee.getBoundingClientRect().right,
            updatedRight: updated.getBoundingClientRect().right,
            viewport: document.documentElement.clientWidth,
        };
        """
    )
    assert layout["overflow"] <= 0, layout
    assert layout["textLines"] <= 3, layout
    assert layout["updatedRight"] <= layout["viewport"] and layout["assigneeRight"] <= layout["viewport"], layout
    assert "Unproven" not in table.text  # the French desk's list: its flags in French
    assert not csp_violations(desk)


def test_an_editor_starts_the_day_from_the_home_page(live_server, browser, researcher, editor, artifacts):
    """The work queue and the three charts, drawn on the server and loaded as images, at 1,366 px, in French."""
    for n in range(3):
        claim_at(ClaimStatus.RESEARCHING, assignee=editor, text=f"{CLAIM} ({n})")
    claim_at(ClaimStatus.IN_REVIEW, text="Le laboratoire a copié les réponses d’un modèle concurrent.")
    for verdict, kind in (("false", FlagKind.QUOTE_MISSING), ("unproven", FlagKind.SOURCE_CHANGED)):
        flagged = claim_at(ClaimStatus.PUBLISHED, verdict=verdict, assignee=researcher)
        Flag.objects.create(claim=flagged, kind=kind)
    claim_at(ClaimStatus.PUBLISHED, verdict="mostly-true")
    # Twelve weeks of beat's daily records, for the health chart's history.
    today = timezone.localdate()
    for week in range(12):
        published = 3 + week
        DeskDay.objects.create(
            date=today - timedelta(weeks=11 - week),
            published=published,
            healthy=published - (week % 3),
            recorded_at=timezone.now(),
        )

    desk = browser("fr")
    desk.set_window_size(1366, 1400)
    log_in(desk, live_server.url, editor.username)
    desk.get(f"{live_server.url}/admin/")
    wait(desk).until(
        lambda driver: driver.execute_script(
            "return [...document.querySelectorAll('.fc-chart img')].every(img => img.complete && img.naturalWidth > 0)"
        )
    )
    desk.save_screenshot(str(artifacts / "08-home-fr.png"))

    page = desk.find_element(By.ID, "content").text
    assert "Les affirmations qui me sont confiées" in page and f"{CLAIM} (0)" in page
    assert "Le laboratoire a copié les réponses d’un modèle concurrent." in page  # I may publish it
    assert len(desk.find_elements(By.CSS_SELECTOR, ".fc-chart img")) == 3
    overflow = desk.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert not csp_violations(desk)
