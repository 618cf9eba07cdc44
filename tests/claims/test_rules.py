"""The four-eyes rule as a query (rules.claims_may_publish) answers as the rule itself (rules.may_publish)."""

import pytest

from claims import rules
from claims.models import Claim, ClaimStatus, Rating
from claims.services.claims import claim_update
from claims.services.workflow import claim_transition
from tests.factories import UserFactory, claim_at

S = ClaimStatus


def situations(editor, second_editor) -> dict[str, Claim]:
    """Claims in review, each in one of the situations four-eyes tells apart, from the editor's point of view."""
    sent_by_me = claim_at(S.IN_REVIEW, sent_to_review_by=editor)
    sent_by_colleague = claim_at(S.IN_REVIEW)
    summary_changed_by_me = claim_at(S.IN_REVIEW)
    claim_update(claim=summary_changed_by_me, by=editor, changes={"summary": "Un résumé plus précis."})
    rating_changed_by_me = claim_at(S.IN_REVIEW)
    claim_update(claim=rating_changed_by_me, by=editor, changes={"rating": Rating.objects.get(slug="mixed")})
    assignee_changed_by_me = claim_at(S.IN_REVIEW)  # not part of the verdict
    claim_update(claim=assignee_changed_by_me, by=editor, changes={"assignee": second_editor})
    changed_by_colleague = claim_at(S.IN_REVIEW)
    claim_update(claim=changed_by_colleague, by=second_editor, changes={"summary": "Reformulé."})
    # Changed by me before the latest sending to review: it was reviewed since.
    changed_before_sending = claim_at(S.IN_REVIEW)
    claim_transition(claim=changed_before_sending, to=S.RESEARCHING, by=second_editor)
    claim_update(claim=changed_before_sending, by=editor, changes={"text": "Un texte corrigé."})
    claim_transition(claim=changed_before_sending, to=S.IN_REVIEW, by=second_editor)
    never_sent = claim_at(S.RESEARCHING)
    return {
        "sent by me": sent_by_me,
        "sent by a colleague": sent_by_colleague,
        "summary changed by me": summary_changed_by_me,
        "rating changed by me": rating_changed_by_me,
        "assignee changed by me": assignee_changed_by_me,
        "changed by a colleague": changed_by_colleague,
        "changed by me before it was sent again": changed_before_sending,
        "never sent to review": never_sent,
    }


@pytest.mark.parametrize("four_eyes", [True, False])
def test_the_query_form_of_four_eyes_answers_as_the_rule(editor, second_editor, settings, four_eyes):
    settings.FACTCHECK_FOUR_EYES = four_eyes
    claims = situations(editor, second_editor)

    for user in (editor, second_editor):
        by_rule = {name for name, claim in claims.items() if rules.may_publish(claim, user)}
        by_query = set(rules.claims_may_publish(Claim.objects.all(), user).values_list("pk", flat=True))
        assert {name for name, claim in claims.items() if claim.pk in by_query} == by_rule

    if four_eyes:
        assert {name for name, claim in claims.items() if not rules.may_publish(claim, editor)} == {
            "sent by me",
            "summary changed by me",
            "rating changed by me",
        }


def test_the_query_form_tells_when_each_claim_was_last_sent_to_review(editor):
    claim = claim_at(S.IN_REVIEW)
    sent = claim.transitions.filter(to_status=S.IN_REVIEW).latest("at")
    annotated = rules.claims_may_publish(Claim.objects.filter(pk=claim.pk), editor).get()
    assert annotated.sent_to_review_at == sent.at


def test_a_persons_permissions_are_their_roles_and_their_own_read_in_one_query(db, django_assert_num_queries):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    person = UserFactory(username="one-query", role="researcher")
    person.user_permissions.add(Permission.objects.get(codename="publish_claim"))
    fresh = get_user_model().objects.get(pk=person.pk)
    with django_assert_num_queries(1):
        granted = fresh.get_all_permissions()
        assert fresh.has_perm("claims.publish_claim") and fresh.has_perm("claims.change_claim")
    assert "claims.publish_claim" in granted and "claims.reject_claim" not in granted
    fresh.is_active = False
    assert not fresh.has_perm("claims.change_claim")
    # A superuser holds every permission, granted or not.
    boss = get_user_model().objects.get(pk=UserFactory(username="boss", is_superuser=True).pk)
    assert len(boss.get_all_permissions()) == Permission.objects.count()
