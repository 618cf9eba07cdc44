"""Bad input of every kind on every write endpoint: a 4xx with a clear message, never a 500, nothing written."""

import json

import pytest

from claims.models import Claim, ClaimStatus, Evidence
from tests.factories import ClaimFactory

S = ClaimStatus

# Bodies that are wrong as a whole, for every write endpoint.
WHOLE_BODY = [
    ("not json", b"{text: nope", "application/json", 400),
    ("truncated json", b'{"text": "a', "application/json", 400),
    ("json list", b"[1, 2]", "application/json", 400),
    ("json string", b'"text"', "application/json", 400),
    ("json null", b"null", "application/json", 400),
    ("json number", b"42", "application/json", 400),
    ("form encoded", b"text=a&claimant=b", "application/x-www-form-urlencoded", 415),
    ("multipart", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x", 415),
    ("xml", b"<claim/>", "application/xml", 415),
    ("no content type", b'{"text": "a"}', "", 415),
    ("latin-1 bytes", '{"text": "Société"}'.encode("latin-1"), "application/json", 400),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    # PostgreSQL text cannot hold NUL: refused before any field looks a value up (a rating slug, a username).
    ("NUL in a slug", b'{"rating": "\\u0000", "to": "\\u0000", "url": "x"}', "application/json", 400),
    ("NUL in a name", b'{"assignee": "a\\u0000b", "text": "a", "claimant": "b"}', "application/json", 400),
    ("NUL in a key", b'{"te\\u0000xt": "a"}', "application/json", 400),
]

ENDPOINTS = [
    ("post", "/api/v1/claims/"),
    ("patch", "/api/v1/claims/{claim}/"),
    ("post", "/api/v1/claims/{claim}/transitions/"),
    ("post", "/api/v1/claims/{claim}/evidence/"),
    ("patch", "/api/v1/evidence/{evidence}/"),
]


@pytest.fixture
def target(make_claim):
    claim = make_claim(S.RESEARCHING)
    return {"claim": claim.pk, "evidence": claim.evidence.get().pk}


def snapshot():
    return list(Claim.objects.values().order_by("id")), list(Evidence.objects.values().order_by("id"))


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
@pytest.mark.parametrize(("name", "body", "content_type", "expected"), WHOLE_BODY, ids=[row[0] for row in WHOLE_BODY])
def test_a_bad_body_is_refused_clearly(method, path, name, body, content_type, expected, target, api, editor):
    before = snapshot()
    response = api(editor).generic(method.upper(), path.format(**target), body, content_type=content_type)
    assert response.status_code == expected, response.content
    assert response.json()["message"]
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_a_body_over_the_limit_is_413(method, path, target, api, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"text": "x" * 2000, "claimant": "y"})
    response = api(editor).generic(method.upper(), path.format(**target), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


CLAIM_FIELDS = [
    ({"claimant": "X"}, "text"),
    ({"text": "", "claimant": "X"}, "text"),
    ({"text": "   ", "claimant": "X"}, "text"),
    ({"text": None, "claimant": "X"}, "text"),
    ({"text": ["a"], "claimant": "X"}, "text"),
    ({"text": {"a": 1}, "claimant": "X"}, "text"),
    ({"text": "a\x00b", "claimant": "X"}, "text"),
    ({"text": "\ud800", "claimant": "X"}, "text"),
    ({"text": "x" * 10_001, "claimant": "X"}, "text"),
    ({"text": "a"}, "claimant"),
    ({"text": "a", "claimant": "X" * 201}, "claimant"),
    ({"text": "a", "claimant": "X", "rating": "fa\x00lse"}, "rating"),
    ({"text": "a", "claimant": "X", "assignee": "\x00"}, "assignee"),
    ({"text": "a", "claimant": "X", "claim_date": "yesterday"}, "claim_date"),
    ({"text": "a", "claimant": "X", "claim_date": "2025-02-30"}, "claim_date"),
    ({"text": "a", "claimant": "X", "claim_date": 20250101}, "claim_date"),
    ({"text": "a", "claimant": "X", "language": "french"}, "language"),
    ({"text": "a", "claimant": "X", "language": "FR"}, "language"),
    ({"text": "a", "claimant": "X", "language": ""}, "language"),
    ({"text": "a", "claimant": "X", "rating": "sort-of"}, "rating"),
    ({"text": "a", "claimant": "X", "rating": 3}, "rating"),
    ({"text": "a", "claimant": "X", "assignee": "nobody"}, "assignee"),
    ({"text": "a", "claimant": "X", "appearance_url": "javascript:alert(1)"}, "appearance_url"),
    ({"text": "a", "claimant": "X", "appearance_url": "https://" + "a" * 2000 + ".com"}, "appearance_url"),
    ({"text": "a", "claimant": "X", "tags": "ia"}, "tags"),
    ({"text": "a", "claimant": "X", "tags": ["x" * 101]}, "tags"),
    ({"text": "a", "claimant": "X", "tags": [None]}, "tags"),
    ({"text": "a", "claimant": "X", "status": "published"}, "status"),
    ({"text": "a", "claimant": "X", "id": 1}, "id"),
]


def as_json(body: dict) -> str:
    # ASCII escapes, so that a lone surrogate travels as the \ud800 escape a client would send.
    return json.dumps(body, ensure_ascii=True)


@pytest.mark.parametrize(("body", "field"), CLAIM_FIELDS)
def test_a_bad_claim_field_is_400_on_that_field(body, field, api, researcher, db):
    response = api(researcher).generic("POST", "/api/v1/claims/", as_json(body), content_type="application/json")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][field]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(("body", "field"), [(b, f) for b, f in CLAIM_FIELDS if f in b])
def test_a_bad_claim_field_in_patch_is_400_and_changes_nothing(body, field, api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    before = snapshot()
    body = {field: body[field]}
    response = api(researcher).generic(
        "PATCH", f"/api/v1/claims/{claim.pk}/", as_json(body), content_type="application/json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][field]
    assert snapshot() == before


EVIDENCE_FIELDS = [
    ({"stance": "supports"}, "url"),
    ({"url": None, "stance": "supports"}, "url"),
    ({"url": 42, "stance": "supports"}, "url"),
    ({"url": "https://example.com/a\x00b", "stance": "supports"}, "url"),
    ({"url": "https://example.com/a"}, "stance"),
    ({"url": "https://example.com/a", "stance": "agrees"}, "stance"),
    ({"url": "https://example.com/a", "stance": "supports", "quote": "x" * 10_001}, "quote"),
    ({"url": "https://example.com/a", "stance": "supports", "note": "\x00"}, "note"),
    ({"url": "https://example.com/a", "stance": "supports", "quote_status": "found"}, "quote_status"),
    ({"url": "https://example.com/a", "stance": "supports", "source": 1}, "source"),
]


@pytest.mark.parametrize(("body", "field"), EVIDENCE_FIELDS)
def test_a_bad_evidence_field_is_400_on_that_field(body, field, api, researcher, target):
    before = snapshot()
    response = api(researcher).post(f"/api/v1/claims/{target['claim']}/evidence/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][field]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stance": "agrees"}, "stance"),
        ({"url": "ftp://x.org/"}, "url"),
        ({"quote_status": "found"}, "quote_status"),
        ({"quote_override_reason": ""}, "quote_override_reason"),
        ({"claim": 1}, "claim"),
    ],
)
def test_a_bad_evidence_edit_is_400(body, field, api, editor, target):
    before = snapshot()
    response = api(editor).patch(f"/api/v1/evidence/{target['evidence']}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][field]
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/abc/",
        "/api/v1/claims/-1/",
        "/api/v1/claims/99999999999999999999999/",
        "/api/v1/evidence/1e3/",
        "/api/v1/sources/0x10/checks/",
    ],
)
def test_a_malformed_id_is_404(path, api, editor, db):
    assert api(editor).get(path).status_code == 404
    assert api(editor).patch(path, {}, format="json").status_code in (404, 405)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        # A page that does not exist: 404, as for a page past the last.
        ("page=0", 404, "not_found"),
        ("page=-1", 404, "not_found"),
        ("page=abc", 404, "not_found"),
        ("page=999999999999999999999", 404, "not_found"),
        # A page size that is not a positive number falls back to the default size (DRF's pagination).
        ("page_size=abc", 200, None),
        ("page_size=-5", 200, None),
        # Ordering by a field the list does not offer, or a NUL in a filter: 400 naming the parameter.
        ("ordering=password", 400, "invalid"),
        ("ordering=__", 400, "invalid"),
        ("status=%00", 400, "invalid"),
        ("assignee=%00", 400, "invalid"),
        ("language=%00", 400, "invalid"),
        ("q=%00", 400, "invalid"),
    ],
)
def test_bad_list_parameters_are_answered_clearly(query, status, code, api, viewer, db):
    ClaimFactory.create_batch(3)
    response = api(viewer).get(f"/api/v1/claims/?{query}")
    assert response.status_code == status, response.json()
    if code is None:
        assert len(response.json()["results"]) == 3
    else:
        assert response.json()["code"] == code
        if status == 400:
            assert query.split("=")[0] in response.json()["errors"]


def test_a_method_the_endpoint_lacks_is_405(api, editor, target):
    assert api(editor).put(f"/api/v1/claims/{target['claim']}/", {"text": "a"}, format="json").status_code == 405
    assert api(editor).delete(f"/api/v1/claims/{target['claim']}/transitions/").status_code == 405
    assert api(editor).post("/api/v1/ratings/", {}, format="json").status_code == 405
