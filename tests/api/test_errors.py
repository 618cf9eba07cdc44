"""The API answers JSON everywhere, errors included, and an error stays a size a client can read."""

import json

import pytest

from claims.models import ClaimStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/claims/1/nothing/", "/api/", "/api/v2/claims/", "/api/v1/claims/x/y/z"]
)
def test_an_unknown_path_under_api_answers_json(api, editor, path):
    for client in (api(editor), api(None)):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_a_body_of_many_unknown_keys_gets_a_short_error(api, researcher, make_claim):
    claim = make_claim(ClaimStatus.RESEARCHING)
    body = {f"u{n:06d}": 0 for n in range(180_000)}
    raw = json.dumps(body, separators=(",", ":"))
    assert 2_000_000 < len(raw) < 2_621_440  # under the upload limit (2.5 MB): read, and refused for its keys

    response = api(researcher).patch(f"/api/v1/claims/{claim.pk}/", raw, content_type="application/json")

    assert response.status_code == 400
    assert len(response.content) < 10_000
    payload = response.json()
    assert payload["code"] == "invalid"
    named = [name for name in payload["errors"] if name.startswith("u0") or name.startswith("u1")]
    assert named == [f"u{n:06d}" for n in range(19)]
    assert payload["errors"]["non_field_errors"] == ["These fields and 179,981 more cannot be set here."]


def test_a_list_far_too_long_is_refused_for_its_length_before_its_items_are_read(api, researcher, make_claim):
    # 700,000 items that are not tags, 2.1 MB: DRF read every item before saying "at most 50", for seconds.
    claim = make_claim(ClaimStatus.RESEARCHING)
    raw = json.dumps({"tags": [[]] * 700_000}, separators=(",", ":"))
    assert len(raw) < 2_621_440

    response = api(researcher).patch(f"/api/v1/claims/{claim.pk}/", raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"tags": ["Ensure this field has no more than 50 elements."]}


def test_many_bad_list_items_within_the_length_get_an_error_per_item(api, researcher, make_claim):
    claim = make_claim(ClaimStatus.RESEARCHING)
    response = api(researcher).patch(f"/api/v1/claims/{claim.pk}/", {"tags": [["x"]] * 50}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]["tags"]
    assert list(errors) == [str(n) for n in range(20)]  # the first 20 of 50, and how many more in the message
    assert "30 more errors" in response.json()["message"]
