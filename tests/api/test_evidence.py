"""Evidence over the API: citing a page creates or reuses its source by normalized URL and asks for a check."""

import pytest
from django.utils import timezone

from claims.models import ClaimStatus, Evidence, QuoteStatus, Source

S = ClaimStatus


def test_citing_a_page_creates_its_source_and_asks_for_a_check(
    api, researcher, make_claim, django_capture_on_commit_callbacks, published_tasks
):
    claim = make_claim(S.RESEARCHING)
    version = claim.version

    with django_capture_on_commit_callbacks(execute=True):
        response = api(researcher).post(
            f"/api/v1/claims/{claim.pk}/evidence/",
            {
                "url": "HTTPS://Example.COM:443/article?utm_source=x#top",
                "stance": "supports",
                "quote": " « six millions » ",
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == "https://example.com/article"
    assert body["quote"] == "« six millions »"
    assert body["quote_status"] == "unverified"
    assert body["source"]["state"] == "pending"
    source = Source.objects.get(url="https://example.com/article")
    assert source.next_check_at <= timezone.now()
    # Once the request committed, the checkers were told: a dispatch, on the checks queue, and nothing else.
    assert published_tasks == [("claims.sources.tasks.sources_dispatch_task", "checks")]
    claim.refresh_from_db()
    assert claim.version == version + 1


def test_the_same_page_typed_differently_shares_one_source(api, researcher, make_claim):
    first, second = make_claim(S.RESEARCHING), make_claim(S.RESEARCHING)
    client = api(researcher)
    a = client.post(
        f"/api/v1/claims/{first.pk}/evidence/", {"url": "https://example.com/a", "stance": "refutes"}, format="json"
    )
    b = client.post(
        f"/api/v1/claims/{second.pk}/evidence/",
        {"url": "https://EXAMPLE.com/a?fbclid=1", "stance": "context"},
        format="json",
    )
    assert a.json()["source"]["id"] == b.json()["source"]["id"]
    assert Source.objects.filter(url="https://example.com/a").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "http://",
        "https://exa mple.com/",
        "not a url",
        "//example.com/a",
        "https://user:pw@example.com/",
        "https://example.com:99999/",
        "https://" + "a" * 2100 + ".com/",
        "",
        "   ",
    ],
)
def test_a_bad_url_is_400_on_the_url_field(url, api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    response = api(researcher).post(
        f"/api/v1/claims/{claim.pk}/evidence/", {"url": url, "stance": "supports"}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"]["url"]
    assert claim.evidence.count() == 1


def test_the_evidence_list_of_a_claim(api, viewer, make_claim):
    claim = make_claim(S.RESEARCHING)
    response = api(viewer).get(f"/api/v1/claims/{claim.pk}/evidence/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == claim.evidence.get().pk
    assert row["source"]["state"] == "pending"


def test_editing_the_quote_makes_it_unverified_again(api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    evidence = claim.evidence.get()
    response = api(researcher).patch(f"/api/v1/evidence/{evidence.pk}/", {"quote": "autre passage"}, format="json")
    assert response.status_code == 200
    assert (response.json()["quote"], response.json()["quote_status"]) == ("autre passage", "unverified")


def test_an_editor_vouches_for_a_quote_with_a_reason(api, editor, researcher, make_claim):
    claim = make_claim(S.IN_REVIEW)
    evidence = claim.evidence.get()
    Evidence.objects.filter(pk=evidence.pk).update(quote_status=QuoteStatus.MISSING)

    refused = api(researcher).patch(
        f"/api/v1/evidence/{evidence.pk}/", {"quote_override_reason": "PDF."}, format="json"
    )
    empty = api(editor).patch(f"/api/v1/evidence/{evidence.pk}/", {"quote_override_reason": "  "}, format="json")
    vouched = api(editor).patch(
        f"/api/v1/evidence/{evidence.pk}/", {"quote_override_reason": "Page payante."}, format="json"
    )

    assert refused.status_code == 403
    assert empty.status_code == 400
    assert vouched.status_code == 200
    assert vouched.json()["quote_overridden"] is True
    assert vouched.json()["quote_override_reason"] == "Page payante."


def test_deleting_evidence(api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    evidence = claim.evidence.get()
    assert api(researcher).delete(f"/api/v1/evidence/{evidence.pk}/").status_code == 204
    assert not claim.evidence.exists()
    assert api(researcher).get(f"/api/v1/evidence/{evidence.pk}/").status_code == 404
