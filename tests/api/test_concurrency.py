"""Two clients edit the same claim from the same ETag: exactly one wins, the other is told (412), nothing is lost."""

import threading

import pytest
from django.db import connection

from claims.models import Claim, ClaimStatus
from tests.conftest import client_for
from tests.factories import ClaimFactory, UserFactory


def test_the_second_writer_with_the_same_etag_gets_412(api, researcher, editor, make_claim):
    claim = make_claim(ClaimStatus.RESEARCHING)
    alice, bob = api(researcher), api(editor)
    etag = alice.get(f"/api/v1/claims/{claim.pk}/")["ETag"]
    assert bob.get(f"/api/v1/claims/{claim.pk}/")["ETag"] == etag

    first = alice.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Alice."}, format="json", HTTP_IF_MATCH=etag)
    second = bob.patch(f"/api/v1/claims/{claim.pk}/", {"claimant": "Bob."}, format="json", HTTP_IF_MATCH=etag)

    assert (first.status_code, second.status_code) == (200, 412)
    claim.refresh_from_db()
    assert (claim.summary, claim.claimant) == ("Alice.", "OpenAI")
    # Bob reloads and makes his change again: now both are kept.
    fresh = bob.get(f"/api/v1/claims/{claim.pk}/")["ETag"]
    assert (
        bob.patch(f"/api/v1/claims/{claim.pk}/", {"claimant": "Bob."}, format="json", HTTP_IF_MATCH=fresh).status_code
        == 200
    )
    claim.refresh_from_db()
    assert (claim.summary, claim.claimant) == ("Alice.", "Bob.")


@pytest.mark.django_db(transaction=True)
def test_two_threads_patching_at_once_one_wins_one_gets_412(desk_defaults):
    """Real concurrency: two requests in two threads, two database connections, the same ETag."""
    researcher = UserFactory(username="alice", role="researcher")
    editor = UserFactory(username="bob", role="editor")
    claim = ClaimFactory()
    etag = f'"{claim.pk}-{claim.version}"'
    start = threading.Barrier(2)
    results: dict[str, int] = {}

    def edit(name: str, user, field: str) -> None:
        try:
            client = client_for(user)
            start.wait(timeout=10)
            response = client.patch(f"/api/v1/claims/{claim.pk}/", {field: name}, format="json", HTTP_IF_MATCH=etag)
            results[name] = response.status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=("alice", researcher, "summary")),
        threading.Thread(target=edit, args=("bob", editor, "claimant")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == [200, 412], results
    winner = next(name for name, code in results.items() if code == 200)
    claim.refresh_from_db()
    assert claim.version == 2
    if winner == "alice":
        assert (claim.summary, claim.claimant) == ("alice", "OpenAI")
    else:
        assert (claim.summary, claim.claimant) == ("", "bob")
    assert Claim.history.filter(id=claim.pk).count() == 2  # created, then the one winning edit
