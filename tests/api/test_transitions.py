"""Moves over the API obey the same rules as in the admin: same refusals, same codes, same history."""

import pytest

from claims.models import ClaimStatus, QuoteStatus, Stance
from tests.factories import EvidenceFactory, rating
from tests.workflow_grid import every_move, refusal

S = ClaimStatus


@every_move
def test_every_move_for_every_role(role, frm, to, api, users, make_claim):
    claim = make_claim(frm)
    version = claim.version

    response = api(users[role]).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"to": to, "comment": "Relu."}, format="json"
    )

    claim.refresh_from_db()
    refused = refusal(role, frm, to)
    if refused is None:
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == to
        assert response["ETag"] == f'"{claim.pk}-{version + 1}"'
        last = claim.transitions.latest("id")
        assert (last.from_status, last.to_status, last.by, last.comment) == (frm, to, users[role], "Relu.")
    else:
        # A role that moves nothing is refused at the door (403); a move the role lacks is 403; one the workflow
        # lacks is 409.
        expected = 403 if refused == "role" or role in ("viewer", "outsider") else 409
        assert response.status_code == expected, response.json()
        assert response.json()["message"]
        assert (claim.status, claim.version) == (frm, version)


@pytest.mark.parametrize(
    ("setup", "to", "code"),
    [
        ("no rating", S.IN_REVIEW, "rating_required"),
        ("no decisive evidence", S.IN_REVIEW, "decisive_evidence_required"),
        ("no summary", S.PUBLISHED, "summary_required"),
        ("quote not found", S.PUBLISHED, "quote_not_verified"),
        ("four eyes", S.PUBLISHED, "four_eyes"),
        ("no comment", S.REJECTED, "comment_required"),
    ],
)
def test_a_rule_refuses_with_409_and_names_itself(setup, to, code, api, editor, make_claim):
    frm = S.RESEARCHING if to in (S.IN_REVIEW, S.REJECTED) else S.IN_REVIEW
    claim = make_claim(frm, sent_to_review_by=editor if setup == "four eyes" else None)
    if setup == "no rating":
        claim.rating = None
        claim.save()
    elif setup == "no decisive evidence":
        claim.evidence.update(stance=Stance.CONTEXT)
    elif setup == "no summary":
        claim.summary = ""
        claim.save()
    elif setup == "quote not found":
        EvidenceFactory(claim=claim, quote="introuvable", quote_status=QuoteStatus.MISSING)

    response = api(editor).post(f"/api/v1/claims/{claim.pk}/transitions/", {"to": to}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == code
    claim.refresh_from_db()
    assert claim.status == frm


def test_a_stale_etag_on_a_move_is_412(api, researcher, make_claim):
    claim = make_claim(S.DRAFT)
    stale = f'"{claim.pk}-{claim.version}"'
    api(researcher).patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Changé."}, format="json")

    response = api(researcher).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"to": "researching"}, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    claim.refresh_from_db()
    assert claim.status == S.DRAFT


def test_unproven_goes_to_review_without_decisive_evidence(api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    claim.evidence.all().delete()
    claim.rating = rating("unproven")
    claim.save()
    response = api(researcher).post(f"/api/v1/claims/{claim.pk}/transitions/", {"to": "in_review"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"to": "launched"}, {"to": ""}, {"to": None}, {"to": ["published"]}, ["researching"], "researching"]
)
def test_a_bad_move_request_is_400(body, api, researcher, make_claim):
    claim = make_claim(S.DRAFT)
    response = api(researcher).post(f"/api/v1/claims/{claim.pk}/transitions/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"]


@pytest.mark.parametrize(
    ("frm", "to", "sent_by_self"),
    [(S.IN_REVIEW, S.PUBLISHED, True), (S.DRAFT, S.PUBLISHED, False), (S.RESEARCHING, S.REJECTED, False)],
)
def test_the_api_refuses_with_the_admins_words(frm, to, sent_by_self, api, editor, make_claim, client):
    """The admin and the API are two doors onto one service: the same refusal, word for word."""
    from django.contrib.messages import get_messages
    from django.urls import reverse

    from tests.browser_forms import form_fields

    claim = make_claim(frm, sent_to_review_by=editor if sent_by_self else None)
    client.force_login(editor)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = form_fields(client.get(url).content.decode(), "claim_form") | {"workflow_move": to}
    admin = client.post(url, data, follow=True)
    [admin_message] = [str(message) for message in get_messages(admin.wsgi_request)] or [
        str(message) for message in admin.context["messages"]
    ]

    response = api(editor).post(f"/api/v1/claims/{claim.pk}/transitions/", {"to": to}, format="json")

    assert response.status_code == 409
    assert admin_message == f"Saved, but not moved: {response.json()['message']}"


def test_a_long_comment_and_a_long_note_for_readers_are_kept_whole(api, editor, make_claim):
    # The API takes up to 5,000 characters; the desk's history once held 100 and answered 500 past them.
    comment = "Hors de notre champ : " + "une opinion sur la stratégie de l’entreprise, pas un fait vérifiable. " * 68
    note = "Précision : " + "le chiffre cité vient du rapport annuel de l’entreprise, page douze. " * 70
    assert 4_500 < len(comment) <= 5_000 and 4_500 < len(note) <= 5_000
    rejected, published = make_claim(S.DRAFT), make_claim(S.PUBLISHED)

    moved = api(editor).post(
        f"/api/v1/claims/{rejected.pk}/transitions/", {"to": "rejected", "comment": comment}, format="json"
    )
    changed = api(editor).patch(
        f"/api/v1/claims/{published.pk}/",
        {"summary": "Aucune preuve publiée à ce jour.", "change_kind": "clarification", "change_note": note},
        format="json",
    )

    assert (moved.status_code, changed.status_code) == (200, 200), (moved.json(), changed.json())
    assert rejected.transitions.get().comment == comment.strip()
    assert published.published_changes.get().note == note.strip()
    for claim, text in [(rejected, comment), (published, note)]:
        history = api(editor).get(f"/api/v1/claims/{claim.pk}/history/").json()
        assert text.strip() in [entry["comment"] for entry in history["results"] if entry["kind"] == "claim"]


def test_an_editor_who_rewrote_the_verdict_over_the_api_cannot_publish_it_alone(api, researcher, editor, make_claim):
    # As seen from outside: sent to review by a researcher, rewritten and re-rated by editor A, published by A: 200.
    claim = make_claim(S.IN_REVIEW)
    client = api(editor)
    edited = client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"summary": "Réécrit par l’éditeur.", "rating": "mostly-false", "text": "DeepSeek a triché."},
        format="json",
    )
    assert edited.status_code == 200, edited.json()

    published = client.post(f"/api/v1/claims/{claim.pk}/transitions/", {"to": "published"}, format="json")

    assert published.status_code == 409
    assert published.json()["code"] == "four_eyes"
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW
