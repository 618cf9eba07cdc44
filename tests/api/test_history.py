"""A claim's history over the API: who changed which field, old and new, and every move with its comment."""

from claims.models import ClaimStatus


def test_history_lists_edits_evidence_and_moves_newest_first(api, researcher, viewer, make_claim):
    claim = make_claim(ClaimStatus.DRAFT)
    client = api(researcher)
    client.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Première version."}, format="json")
    client.post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"to": "researching", "comment": "On s'y met."}, format="json"
    )
    cited = client.post(
        f"/api/v1/claims/{claim.pk}/evidence/", {"url": "https://example.com/b", "stance": "context"}, format="json"
    ).json()

    response = api(viewer).get(f"/api/v1/claims/{claim.pk}/history/")

    assert response.status_code == 200
    entries = response.json()["results"]
    assert [entry["at"] for entry in entries] == sorted((entry["at"] for entry in entries), reverse=True)
    edit = next(
        e
        for e in entries
        if e["kind"] == "claim" and e["type"] == "changed" and e["changes"] and e["changes"][0]["field"] == "summary"
    )
    assert edit["by"] == "researcher"
    assert edit["changes"] == [{"field": "summary", "old": "Aucune preuve publiée.", "new": "Première version."}]
    move = next(e for e in entries if e["kind"] == "transition")
    assert (move["from_status"], move["to_status"], move["by"], move["comment"]) == (
        "draft",
        "researching",
        "researcher",
        "On s'y met.",
    )
    added = next(e for e in entries if e["kind"] == "evidence" and e["type"] == "created" and e["by"] == "researcher")
    assert added["object_id"] == cited["id"]


def test_deleted_evidence_stays_in_the_history(api, researcher, make_claim):
    claim = make_claim(ClaimStatus.RESEARCHING)
    evidence = claim.evidence.get()
    api(researcher).delete(f"/api/v1/evidence/{evidence.pk}/")
    entries = api(researcher).get(f"/api/v1/claims/{claim.pk}/history/").json()["results"]
    assert any(e["kind"] == "evidence" and e["type"] == "deleted" and e["object_id"] == evidence.pk for e in entries)
