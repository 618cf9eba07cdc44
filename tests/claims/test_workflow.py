"""The workflow service: every move for every role, the evidence rules, four-eyes publishing."""

import pytest

from claims.errors import InvalidInput, NotAllowed, RuleViolation, StaleVersion
from claims.models import ClaimStatus, QuoteStatus, Stance, Transition
from claims.services.claims import claim_update
from claims.services.evidence import evidence_add, evidence_delete, evidence_quote_override, evidence_update
from claims.services.workflow import claim_transition
from tests.factories import EvidenceFactory, rating
from tests.workflow_grid import every_move, refusal

S = ClaimStatus


@every_move
def test_every_move_for_every_role(role, frm, to, users, make_claim):
    claim = make_claim(frm)
    version = claim.version

    if refusal(role, frm, to) is None:
        moved = claim_transition(claim=claim, to=to, by=users[role], comment="Relu.")
        assert moved.status == to
        claim.refresh_from_db()
        assert claim.status == to
        assert claim.version == version + 1
        last = claim.transitions.latest("id")
        assert (last.from_status, last.to_status, last.by, last.comment) == (frm, to, users[role], "Relu.")
    else:
        expected = NotAllowed if refusal(role, frm, to) == "role" else RuleViolation
        with pytest.raises(expected) as refused:
            claim_transition(claim=claim, to=to, by=users[role], comment="Relu.")
        assert refused.value.message
        claim.refresh_from_db()
        assert (claim.status, claim.version) == (frm, version)


def test_an_impossible_move_says_where_the_claim_can_go(editor, make_claim):
    claim = make_claim(S.DRAFT)
    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    assert refusal.value.code == "transition_not_allowed"
    assert "researching" in refusal.value.message and "rejected" in refusal.value.message


def test_an_unknown_status_is_invalid_input(editor, make_claim):
    claim = make_claim(S.DRAFT)
    with pytest.raises(InvalidInput) as refusal:
        claim_transition(claim=claim, to="archived", by=editor)
    assert refusal.value.errors == {"to": ["Unknown status."]}


# --- Four-eyes ------------------------------------------------------------------------------------


def test_who_sent_a_claim_to_review_cannot_publish_it(editor, second_editor, make_claim):
    claim = make_claim(S.RESEARCHING)
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=editor)

    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    assert refusal.value.code == "four_eyes"
    assert "someone else must publish" in refusal.value.message

    published = claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor)
    assert published.status == S.PUBLISHED


def test_four_eyes_looks_at_the_latest_sending_to_review(editor, second_editor, make_claim):
    claim = make_claim(S.RESEARCHING)
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=second_editor)
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor)
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=editor)
    with pytest.raises(RuleViolation, match="four-eyes"):
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    assert claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor).status == S.PUBLISHED


def test_four_eyes_can_be_turned_off(settings, editor, make_claim):
    settings.FACTCHECK_FOUR_EYES = False
    claim = claim_transition(claim=make_claim(S.RESEARCHING), to=S.IN_REVIEW, by=editor)
    assert claim_transition(claim=claim, to=S.PUBLISHED, by=editor).status == S.PUBLISHED


# --- What a claim needs to go to review and to be published -------------------------------------


def test_review_needs_a_rating(researcher, make_claim):
    claim = claim_update(claim=make_claim(S.RESEARCHING), by=researcher, changes={"rating": None})
    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher)
    assert refusal.value.code == "rating_required"


def test_review_needs_evidence_that_supports_or_refutes(researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    evidence_update(evidence=claim.evidence.get(), stance=Stance.CONTEXT, by=researcher)
    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher)
    assert refusal.value.code == "decisive_evidence_required"

    evidence_add(claim=claim, url="https://example.org/rapport", stance=Stance.REFUTES, by=researcher)
    assert claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher).status == S.IN_REVIEW


def test_an_unproven_claim_goes_to_review_without_evidence(researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    evidence_delete(evidence=claim.evidence.get(), by=researcher)
    claim = claim_update(claim=claim, by=researcher, changes={"rating": rating("unproven")})
    assert claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher).status == S.IN_REVIEW


def test_publishing_needs_a_summary(researcher, editor, make_claim):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    claim.summary = "   "
    claim.save()
    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    assert refusal.value.code == "summary_required"


@pytest.mark.parametrize("quote_status", [QuoteStatus.UNVERIFIED, QuoteStatus.MISSING])
def test_publishing_needs_every_quote_found_or_vouched_for(quote_status, researcher, editor, make_claim):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    evidence = EvidenceFactory(claim=claim, stance=Stance.CONTEXT, quote="six millions", quote_status=quote_status)
    EvidenceFactory(claim=claim, stance=Stance.CONTEXT, quote="", quote_status=QuoteStatus.UNVERIFIED)

    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    assert refusal.value.code == "quote_not_verified"
    assert evidence.source.url in refusal.value.message

    evidence_quote_override(evidence=evidence, reason="Vu sur la version papier.", by=editor)
    assert claim_transition(claim=claim, to=S.PUBLISHED, by=editor).status == S.PUBLISHED


def test_only_editors_vouch_for_quotes_and_say_why(researcher, editor):
    evidence = EvidenceFactory(quote="six millions")
    with pytest.raises(NotAllowed):
        evidence_quote_override(evidence=evidence, reason="Confiance.", by=researcher)
    with pytest.raises(InvalidInput):
        evidence_quote_override(evidence=evidence, reason="  ", by=editor)
    evidence.refresh_from_db()
    assert evidence.quote_override_by is None


@pytest.mark.parametrize(
    ("frm", "to"), [(S.DRAFT, S.REJECTED), (S.IN_REVIEW, S.REJECTED), (S.PUBLISHED, S.RESEARCHING)]
)
def test_rejecting_and_reopening_need_a_comment(frm, to, editor, make_claim):
    claim = make_claim(frm)
    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=to, by=editor, comment="  ")
    assert refusal.value.code == "comment_required"


def test_reopening_keeps_the_first_publication_and_the_correction_note(researcher, editor, second_editor, make_claim):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    claim = claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    first = claim.first_published_at

    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Le montant exact était 5,6 M$.")
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher)
    claim = claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor)

    assert claim.first_published_at == first
    assert claim.published_at > first
    corrections = Transition.objects.filter(claim=claim, from_status=S.PUBLISHED).values_list("comment", flat=True)
    assert list(corrections) == ["Le montant exact était 5,6 M$."]


def test_a_stale_version_is_refused_and_changes_nothing(researcher, make_claim):
    claim = make_claim(S.DRAFT)
    with pytest.raises(StaleVersion):
        claim_transition(claim=claim, to=S.RESEARCHING, by=researcher, expected_version=claim.version + 1)
    claim.refresh_from_db()
    assert claim.status == S.DRAFT
    assert not claim.transitions.exists()


def test_the_transition_comment_is_in_the_claims_history(editor, make_claim):
    claim = make_claim(S.DRAFT)
    claim_transition(claim=claim, to=S.REJECTED, by=editor, comment="Une opinion, pas un fait.")
    record = claim.history.latest()
    assert (record.status, record.history_user, record.history_change_reason) == (
        S.REJECTED,
        editor,
        "Une opinion, pas un fait.",
    )


def test_a_fact_check_being_corrected_cannot_be_deleted(editor, make_claim):
    from claims.services.claims import claim_delete

    claim = claim_transition(claim=make_claim(S.PUBLISHED), to=S.RESEARCHING, by=editor, comment="Erreur.")
    with pytest.raises(RuleViolation) as refusal:
        claim_delete(claim=claim, by=editor)
    assert refusal.value.code == "published_claim_not_deletable"
    assert type(claim).objects.filter(pk=claim.pk).exists()


@pytest.mark.parametrize(
    ("changes", "code"), [({"summary": ""}, "summary_required"), ({"rating": None}, "reopen_to_change_verdict")]
)
def test_a_published_fact_check_is_only_edited_into_one_that_could_be_published(editor, make_claim, changes, code):
    claim = make_claim(S.PUBLISHED)
    with pytest.raises(RuleViolation) as refusal:
        claim_update(claim=claim, by=editor, changes=changes, change_kind="update", change_note="Mise à jour.")
    assert refusal.value.code == code
    claim.refresh_from_db()
    assert claim.summary and claim.rating is not None
    corrected = claim_update(
        claim=claim,
        by=editor,
        changes={"summary": "Résumé corrigé."},
        change_kind="correction",
        change_note="Coquille.",
    )
    assert corrected.summary == "Résumé corrigé."


def test_the_evidence_of_a_published_fact_check_changes_only_after_reopening(editor, make_claim):
    from claims.services.evidence import evidence_add

    claim = make_claim(S.PUBLISHED)
    with pytest.raises(RuleViolation) as refusal:
        evidence_add(claim=claim, url="https://example.org/x", stance="supports", by=editor)
    assert refusal.value.code == "reopen_to_change_evidence"
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Ajout d'une source.")
    assert evidence_add(claim=claim, url="https://example.org/x", stance="supports", by=editor).pk


# --- Published means accountable -----------------------------------------------------------------


def test_four_eyes_also_refuses_whoever_changed_the_verdict_since_it_was_sent_to_review(
    researcher, editor, second_editor, make_claim
):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    claim = claim_update(
        claim=claim, by=editor, changes={"rating": rating("mostly-false"), "summary": "Réécrit par l'éditeur."}
    )

    with pytest.raises(RuleViolation) as refusal:
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    assert refusal.value.code == "four_eyes"
    assert "since it was sent to review" in refusal.value.message
    # Another editor saw the verdict as changed: they may publish it.
    assert claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor).status == S.PUBLISHED


@pytest.mark.parametrize("field", ["text", "summary", "rating"])
def test_each_field_of_the_verdict_counts_for_four_eyes(field, researcher, editor, make_claim):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    value = {"text": "Texte réécrit.", "summary": "Résumé réécrit.", "rating": rating("misleading")}[field]
    claim = claim_update(claim=claim, by=editor, changes={field: value})
    with pytest.raises(RuleViolation, match="since it was sent to review"):
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)


def test_desk_fields_changed_by_the_publisher_do_not_count_for_four_eyes(researcher, editor, make_claim):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    claim = claim_update(claim=claim, by=editor, changes={"assignee": editor}, tags=["ia"])
    assert claim_transition(claim=claim, to=S.PUBLISHED, by=editor).status == S.PUBLISHED


def test_an_edit_before_the_claim_was_sent_again_to_review_does_not_count(researcher, editor, make_claim):
    claim = make_claim(S.IN_REVIEW, sent_to_review_by=researcher)
    claim = claim_update(claim=claim, by=editor, changes={"summary": "Réécrit."})
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=researcher)
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher)
    assert claim_transition(claim=claim, to=S.PUBLISHED, by=editor).status == S.PUBLISHED


def test_a_published_verdict_changes_only_through_a_reopening(editor, make_claim):
    claim = make_claim(S.PUBLISHED)
    with pytest.raises(RuleViolation) as refusal:
        claim_update(
            claim=claim, by=editor, changes={"rating": rating("true")}, change_kind="correction", change_note="Vrai."
        )
    assert refusal.value.code == "reopen_to_change_verdict"
    claim.refresh_from_db()
    assert claim.rating.slug == "false"


@pytest.mark.parametrize("changes", [{"summary": "Résumé précisé."}, {"text": "Texte précisé."}])
def test_a_change_readers_see_needs_a_note_for_them(changes, editor, make_claim):
    claim = make_claim(S.PUBLISHED)
    with pytest.raises(RuleViolation) as refusal:
        claim_update(claim=claim, by=editor, changes=changes)
    assert refusal.value.code == "change_note_required"
    assert not claim.published_changes.exists()

    claim_update(claim=claim, by=editor, changes=changes, change_kind="clarification", change_note="Précision.")
    (change,) = claim.published_changes.all()
    assert (change.kind, change.note, change.fields, change.by) == ("clarification", "Précision.", [*changes], editor)


def test_tags_and_assignee_of_a_published_fact_check_change_freely(editor, make_claim):
    claim = make_claim(S.PUBLISHED)
    claim = claim_update(claim=claim, by=editor, changes={"assignee": editor}, tags=["suivi"])
    assert claim.assignee == editor
    assert not claim.published_changes.exists()
