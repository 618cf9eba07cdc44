"""Asking for an intake and making the ticked sentences draft claims, through the services the admin and the API
share."""

import pytest

from claims.errors import InvalidInput, NotAllowed, RuleViolation
from claims.intake.models import Intake, IntakeStatus
from claims.intake.services import intake_claims_create, intake_request
from claims.models import ClaimStatus

pytestmark = pytest.mark.django_db


def test_an_intake_is_queued_with_its_address_normalized(
    researcher, published_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake = intake_request(url="  HTTP://127.0.0.1/article?utm_source=x#top ", by=researcher)

    assert intake.url == "http://127.0.0.1/article"
    assert intake.status == IntakeStatus.QUEUED
    assert intake.requested_by == researcher
    assert published_tasks == [("claims.intake.tasks.intake_read_task", "checks")]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("ftp://example.org/a", "Only http and https"),
        ("http://", "This address has no host"),
        ("http://127.0.0.1:6379/", "Port 6379 is not allowed"),
        ("http://10.0.0.1/a", "private network address"),
        ("", "Enter the address"),
    ],
)
def test_an_address_the_desk_may_not_fetch_is_refused_on_its_field(researcher, url, said):
    with pytest.raises(InvalidInput) as refused:
        intake_request(url=url, by=researcher)

    assert said in refused.value.errors["url"][0]
    assert not Intake.objects.exists()


def test_a_viewer_cannot_take_articles_in(viewer):
    with pytest.raises(NotAllowed):
        intake_request(url="http://127.0.0.1/a", by=viewer)


def test_the_ticked_sentences_become_draft_claims_with_the_article_as_appearance(read_intake, editor):
    intake = read_intake()
    siphoning = intake.candidates.get(text__contains="siphonné le savoir de ChatGPT")
    losses = intake.candidates.get(text__contains="perdre des milliards en bourse")

    claims = intake_claims_create(intake=intake, candidate_ids=[losses.pk, siphoning.pk], by=editor)

    assert [claim.text for claim in claims] == [siphoning.text, losses.text]  # in the article's order
    first, second = claims
    assert first.claimant == "les Américains"
    # The losses' sentence names no one: the claim is the site's until a researcher says who.
    assert second.claimant == "127.0.0.1"
    assert {claim.status for claim in claims} == {ClaimStatus.DRAFT}
    assert {claim.appearance_url for claim in claims} == {intake.url}
    assert {claim.language for claim in claims} == {"fr"}
    assert {claim.created_by for claim in claims} == {editor}
    siphoning.refresh_from_db()
    assert siphoning.claim == first
    assert intake.candidates.filter(claim__isnull=False).count() == 2


def test_a_sentence_already_made_a_claim_is_refused_with_the_rest(read_intake, researcher):
    intake = read_intake()
    first, second = intake.candidates.order_by("position")[:2]
    intake_claims_create(intake=intake, candidate_ids=[first.pk], by=researcher)

    with pytest.raises(RuleViolation) as refused:
        intake_claims_create(intake=intake, candidate_ids=[first.pk, second.pk], by=researcher)

    assert refused.value.code == "candidate_already_claimed"
    second.refresh_from_db()
    assert second.claim is None


def test_a_sentence_of_another_article_or_none_at_all_is_refused(read_intake, researcher):
    intake, other = read_intake(), read_intake()

    with pytest.raises(InvalidInput) as refused:
        intake_claims_create(intake=intake, candidate_ids=[other.candidates.first().pk], by=researcher)
    assert "candidates" in refused.value.errors
    with pytest.raises(InvalidInput):
        intake_claims_create(intake=intake, candidate_ids=[], by=researcher)


def test_an_article_not_read_yet_has_no_sentences_to_choose(researcher):
    intake = Intake.objects.create(url="http://127.0.0.1/a", requested_by=researcher)

    with pytest.raises(RuleViolation) as refused:
        intake_claims_create(intake=intake, candidate_ids=[1], by=researcher)
    assert refused.value.code == "intake_not_done"


def test_a_viewer_cannot_make_claims_of_an_articles_sentences(read_intake, viewer):
    intake = read_intake()

    with pytest.raises(NotAllowed):
        intake_claims_create(intake=intake, candidate_ids=[intake.candidates.first().pk], by=viewer)
    assert not intake.candidates.filter(claim__isnull=False).exists()
