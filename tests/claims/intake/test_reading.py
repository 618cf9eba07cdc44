"""Reading an article for real (a real HTTP server on 127.0.0.1, PostgreSQL): what the researcher finds on the intake
afterwards, for the seed article, an English report, and the pages that go wrong."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from claims.intake.models import Intake, IntakeFailure, IntakeStatus
from claims.intake.reading import INTAKE_LEASE, INTAKE_MAX_ATTEMPTS, intake_read, intake_take, intakes_due
from tests.claims.intake.articles import ENGLISH_PAGE, HTML, MAIN_CLAIMS, SEED_PAGE
from tests.pdfs import pdf

pytestmark = pytest.mark.django_db


def best_first(intake: Intake) -> list[str]:
    return [candidate.text for candidate in intake.candidates.order_by("-score", "position")]


def test_the_seed_article_served_from_loopback_has_its_main_claims_in_the_top_ten(read_intake):
    intake = read_intake(SEED_PAGE)

    assert intake.status == IntakeStatus.DONE
    assert intake.failure_reason == ""
    assert intake.title == "DeepSeek accusé de piraterie"
    assert intake.language == "fr"
    top_ten = best_first(intake)[:10]
    missing = [claim for claim, piece in MAIN_CLAIMS.items() if not any(piece in text for text in top_ten)]
    assert missing == [], top_ten
    # The page's byline is no claim, its date and time no figures.
    byline = intake.candidates.get(text="Mis à jour le 29 janvier 2025 à 10h12")
    assert byline.score < 0
    assert "figures" not in byline.reasons
    siphoning = intake.candidates.get(text__contains="siphonné le savoir de ChatGPT")
    assert siphoning.claimant == "les Américains"
    assert siphoning.reason_labels() == ["attributed to someone", "names people or organisations", "a date"]
    assert siphoning.claim is None  # nothing becomes a claim without a person choosing it


def test_an_english_article_is_ranked_with_its_reasons(read_intake):
    intake = read_intake(ENGLISH_PAGE)

    assert (intake.status, intake.language) == (IntakeStatus.DONE, "en")
    best = intake.candidates.order_by("-score", "position").first()
    assert best.text.startswith("According to the World Bank")
    assert best.claimant == "the World Bank"
    assert {"figures", "comparison", "attribution"} <= set(best.reasons)
    assert best_first(intake)[-1] == "Will prices fall next year?"


def test_a_pdf_report_is_read_too(read_intake):
    report = pdf([["Le déficit public a atteint 5,5 % du PIB en 2023, selon la Cour des comptes."]])
    intake = read_intake(report, headers=[("Content-Type", "application/pdf")])

    assert intake.status == IntakeStatus.DONE
    assert any("5,5 % du PIB" in text for text in best_first(intake)[:2])


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 404, "body": b"gone"}, "The server answered 404"),
        ({"status": 403, "body": b"no"}, "behind a login, a paywall or a refusal"),
        ({"headers": [("Content-Type", "image/png")], "body": b"\x89PNG...."}, "image/png, which is not a web page"),
        ({"headers": HTML, "body": b"<html><body>   </body></html>"}, "its text could not be read"),
        ({"headers": [("Content-Type", "application/pdf")], "body": b"%PDF-1.4 broken"}, "The PDF has no text"),
    ],
)
def test_a_page_that_cannot_be_read_ends_failed_with_the_reason_shown(read_intake, route, reason):
    intake = read_intake(**route)

    assert intake.status == IntakeStatus.FAILED
    assert reason in intake.failure_reason
    assert intake.finished_at is not None
    assert not intake.candidates.exists()


def test_a_huge_page_ends_failed_too_large(read_intake, settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 50_000
    intake = read_intake(b"<html><body>" + b"<p>Un mot de plus.</p>" * 10_000 + b"</body></html>")

    assert intake.status == IntakeStatus.FAILED
    assert "larger than 50,000 bytes" in intake.failure_reason


def test_a_server_that_never_answers_ends_failed_timeout(read_intake, settings):
    settings.FACTCHECK_FETCH_TOTAL_TIMEOUT = 1.0
    intake = read_intake(hang=True)

    assert intake.status == IntakeStatus.FAILED
    assert "did not arrive within 1 seconds" in intake.failure_reason


def test_a_failure_is_stored_as_a_code_and_said_in_the_readers_language(read_intake):
    intake = read_intake(status=404, body=b"gone")

    assert (intake.failure_code, intake.failure_params) == ("http_error", {"status": "404 Not Found"})
    with translation.override("fr"):
        french = intake.failure_reason
    assert "404" in french
    assert french != intake.failure_reason


def test_reading_twice_stores_the_sentences_once(read_intake):
    intake = read_intake(SEED_PAGE)
    count = intake.candidates.count()

    intake_read(intake_id=intake.pk)

    assert intake.candidates.count() == count > 20


def test_an_intake_a_live_worker_holds_is_not_taken_and_one_whose_worker_died_is(researcher):
    now = timezone.now()
    held = Intake.objects.create(url="http://127.0.0.1/a", requested_by=researcher, status="fetching", started_at=now)
    lost = Intake.objects.create(
        url="http://127.0.0.1/b", requested_by=researcher, status="fetching", started_at=now - INTAKE_LEASE * 2
    )

    assert intake_take(intake_id=held.pk) is None
    taken = intake_take(intake_id=lost.pk)
    assert taken is not None and taken.attempts == 1
    assert intakes_due(now=now) == []
    assert intakes_due(now=now + INTAKE_LEASE * 2) == [held.pk, lost.pk]


def test_an_article_that_kills_its_worker_every_time_ends_failed_instead_of_looping(researcher):
    lost = Intake.objects.create(
        url="http://127.0.0.1/c",
        requested_by=researcher,
        status="fetching",
        started_at=timezone.now() - INTAKE_LEASE * 2,
        attempts=INTAKE_MAX_ATTEMPTS,
    )

    assert intake_take(intake_id=lost.pk) is None
    lost.refresh_from_db()
    assert lost.status == IntakeStatus.FAILED
    assert lost.failure_code == IntakeFailure.GAVE_UP
    assert f"{INTAKE_MAX_ATTEMPTS} times" in lost.failure_reason


def test_a_queued_intake_whose_message_was_lost_is_sent_again(researcher):
    queued = Intake.objects.create(url="http://127.0.0.1/d", requested_by=researcher)

    assert intakes_due() == []
    assert intakes_due(now=timezone.now() + timedelta(minutes=5)) == [queued.pk]
