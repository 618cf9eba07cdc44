"""The permission matrix: every role (anonymous included) against every endpoint and method, as PRODUCT.md sets it."""

import pytest

from claims.models import Claim, ClaimStatus, Evidence
from tests.factories import UserFactory

ROLES = ["anonymous", "outsider", "viewer", "researcher", "editor", "superuser"]


def expect(anonymous, outsider, viewer, researcher, editor, superuser):
    return dict(zip(ROLES, (anonymous, outsider, viewer, researcher, editor, superuser), strict=True))


READ = expect(401, 403, 200, 200, 200, 200)
RESEARCH = expect(401, 403, 403, 200, 200, 200)

# (name, method, path with {draft} {published} {evidence} {published_evidence} {source}, body, expected per role)
MATRIX = [
    ("list claims", "get", "/api/v1/claims/", None, READ),
    (
        "create claim",
        "post",
        "/api/v1/claims/",
        {"text": "Le ciel est vert.", "claimant": "X"},
        expect(401, 403, 403, 201, 201, 201),
    ),
    ("read claim", "get", "/api/v1/claims/{draft}/", None, READ),
    ("edit draft", "patch", "/api/v1/claims/{draft}/", {"summary": "Nouveau."}, RESEARCH),
    (
        "edit published",
        "patch",
        "/api/v1/claims/{published}/",
        {"summary": "Corrigé.", "change_kind": "correction", "change_note": "Une coquille corrigée."},
        expect(401, 403, 403, 403, 200, 200),
    ),
    ("delete draft", "delete", "/api/v1/claims/{draft}/", None, expect(401, 403, 403, 403, 204, 204)),
    ("delete published", "delete", "/api/v1/claims/{published}/", None, expect(401, 403, 403, 403, 409, 409)),
    ("start research", "post", "/api/v1/claims/{draft}/transitions/", {"to": "researching"}, RESEARCH),
    (
        "reopen published",
        "post",
        "/api/v1/claims/{published}/transitions/",
        {"to": "researching", "comment": "Erreur."},
        expect(401, 403, 403, 403, 200, 200),
    ),
    ("history", "get", "/api/v1/claims/{draft}/history/", None, READ),
    (
        "claimreview of published",
        "get",
        "/api/v1/claims/{published}/claimreview/",
        None,
        expect(200, 200, 200, 200, 200, 200),
    ),
    ("claimreview of draft", "get", "/api/v1/claims/{draft}/claimreview/", None, expect(404, 404, 404, 404, 404, 404)),
    ("list evidence", "get", "/api/v1/claims/{draft}/evidence/", None, READ),
    (
        "add evidence",
        "post",
        "/api/v1/claims/{draft}/evidence/",
        {"url": "https://example.com/a", "stance": "refutes"},
        expect(401, 403, 403, 201, 201, 201),
    ),
    # Readers see a published fact-check's evidence: an editor must reopen it first (409, the rule).
    (
        "add evidence to published",
        "post",
        "/api/v1/claims/{published}/evidence/",
        {"url": "https://example.com/a", "stance": "refutes"},
        expect(401, 403, 403, 403, 409, 409),
    ),
    ("read evidence", "get", "/api/v1/evidence/{evidence}/", None, READ),
    ("edit evidence", "patch", "/api/v1/evidence/{evidence}/", {"note": "Vu."}, RESEARCH),
    (
        "edit published evidence",
        "patch",
        "/api/v1/evidence/{published_evidence}/",
        {"note": "Vu."},
        expect(401, 403, 403, 403, 409, 409),
    ),
    ("delete evidence", "delete", "/api/v1/evidence/{evidence}/", None, expect(401, 403, 403, 204, 204, 204)),
    (
        "delete published evidence",
        "delete",
        "/api/v1/evidence/{published_evidence}/",
        None,
        expect(401, 403, 403, 403, 409, 409),
    ),
    ("list sources", "get", "/api/v1/sources/", None, READ),
    ("read source", "get", "/api/v1/sources/{source}/", None, READ),
    ("source checks", "get", "/api/v1/sources/{source}/checks/", None, READ),
    ("recheck source", "post", "/api/v1/sources/{source}/recheck/", None, expect(401, 403, 403, 202, 202, 202)),
    ("ratings", "get", "/api/v1/ratings/", None, READ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(role, name, method, path, body, expected, api, users, make_claim):
    draft = make_claim(ClaimStatus.DRAFT)
    published = make_claim(ClaimStatus.PUBLISHED)
    evidence = draft.evidence.get()
    ids = {
        "draft": draft.pk,
        "published": published.pk,
        "evidence": evidence.pk,
        "published_evidence": published.evidence.get().pk,
        "source": evidence.source_id,
    }
    client = api(None if role == "anonymous" else users[role])

    response = getattr(client, method)(path.format(**ids), body, format="json")

    assert response.status_code == expected[role], response.content
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
    if response.status_code in (401, 403, 409):
        assert response.json()["message"]


@pytest.mark.parametrize("role", ["anonymous", "outsider", "viewer", "researcher"])
def test_a_refused_write_changes_nothing(role, api, users, make_claim):
    published = make_claim(ClaimStatus.PUBLISHED)
    before = Claim.objects.values().get(pk=published.pk)
    client = api(None if role == "anonymous" else users[role])

    client.patch(f"/api/v1/claims/{published.pk}/", {"summary": "Effacé."}, format="json")
    client.delete(f"/api/v1/claims/{published.pk}/")
    client.post(f"/api/v1/claims/{published.pk}/transitions/", {"to": "researching", "comment": "x"}, format="json")
    client.delete(f"/api/v1/evidence/{published.evidence.get().pk}/")

    assert Claim.objects.values().get(pk=published.pk) == before
    assert Evidence.objects.filter(claim=published).count() == 1


def test_session_auth_needs_the_csrf_token(db, make_claim):
    from rest_framework.test import APIClient

    researcher = UserFactory(username="csrf-researcher", role="researcher")
    claim = make_claim(ClaimStatus.DRAFT)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(researcher)

    assert client.get(f"/api/v1/claims/{claim.pk}/").status_code == 200
    refused = client.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Sans jeton."}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]

    client.get("/admin/")  # the admin page sets the csrftoken cookie, as a browser would get it
    token = client.cookies["csrftoken"].value
    accepted = client.patch(
        f"/api/v1/claims/{claim.pk}/", {"summary": "Avec jeton."}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200
    assert accepted.json()["summary"] == "Avec jeton."


def test_an_unknown_token_is_401(api, db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
