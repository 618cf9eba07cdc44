"""Evidence recovery through the watch itself, against a fake web archive on 127.0.0.1: pages captured when their
evidence is first verified and when a fact-check is published; lost quotes looked for in the archive's copy."""

import json
from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from claims.flags import flags_sweep
from claims.models import ClaimStatus, Event, EventType, Evidence, FlagKind, QuoteStatus, Source, SourceState
from claims.services.workflow import claim_transition
from claims.sources import recovery
from tests.factories import claim_at
from tests.pages import HTML, QUOTE, WITH_QUOTE, WITHOUT_QUOTE
from tests.watch import check_now, cite

pytestmark = pytest.mark.django_db

JSON = [("Content-Type", "application/json")]


@pytest.fixture
def archive(http_server, settings):
    """The test server is also the archive: Save Page Now at /save, the availability API, and its copies."""
    settings.FACTCHECK_ARCHIVE_URL = http_server.url("")
    cache.clear()
    http_server.route("/save", headers=JSON, body=b'{"job_id": "spn2-1"}')
    return http_server


def saves(server) -> list[str]:
    return [
        request.body.decode() for request in server.requests if request.method == "POST" and request.path == "/save"
    ]


def archived(server, path: str, *, page: bytes | None, captured_at) -> None:
    """The availability API answers a copy of `path` taken at `captured_at`, served with `page` (None: no copy)."""
    stamp = captured_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    copy = f"/web/{stamp}/{server.url(path)}"
    closest = {"status": "200", "available": True, "url": server.url(copy), "timestamp": stamp}
    answer = {"archived_snapshots": {"closest": closest} if page is not None else {}}
    server.route("/wayback/available", headers=JSON, body=json.dumps(answer).encode())
    if page is not None:
        server.route(copy, headers=HTML, body=page)


def lose_the_quote(server, path: str, evidence: Evidence, published_tasks) -> None:
    """The page drops its quote: the watch sees it missing, the sweep raises the flag and asks for a recovery."""
    server.route(path, headers=HTML, body=WITHOUT_QUOTE)
    check_now(evidence.source)
    flags_sweep(claim_ids=[evidence.claim_id])


def test_a_quote_gone_from_its_page_is_found_in_the_archives_copy(
    archive, published_tasks, django_capture_on_commit_callbacks
):
    url = archive.route("/enquete", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    with django_capture_on_commit_callbacks(execute=True):
        check_now(evidence.source)
    # First verified: the page is captured by the archive as the desk cited it.
    assert ("claims.sources.tasks.source_capture_task", "checks") in published_tasks
    recovery.source_capture(source_id=evidence.source_id)
    assert saves(archive) == [f"url={url.replace(':', '%3A').replace('/', '%2F')}&if_not_archived_within=86400"]

    evidence.refresh_from_db()
    # The archive's copy: the one the desk asked for when it first verified the evidence.
    archived(archive, "/enquete", page=WITH_QUOTE, captured_at=evidence.cited_snapshot.fetched_at)
    with django_capture_on_commit_callbacks(execute=True):
        lose_the_quote(archive, "/enquete", evidence, published_tasks)
    assert ("claims.sources.tasks.evidence_recover_task", "checks") in published_tasks

    outcome = recovery.evidence_recover(evidence_id=evidence.pk)

    evidence.refresh_from_db()
    assert outcome is not None and not outcome.transient
    assert evidence.quote_status == QuoteStatus.MISSING  # on the live page
    assert evidence.archive_url, str(outcome.reason)
    assert evidence.archive_quote_status == QuoteStatus.FOUND
    assert evidence.archive_url.startswith(archive.url("/web/")) and evidence.archive_captured_at is not None
    flag = evidence.claim.flags.get(kind=FlagKind.QUOTE_MISSING, cleared_at__isnull=True)
    assert str(outcome.reason) in flag.reason and "still holds the quote" in flag.reason
    assert Event.objects.filter(claim=evidence.claim, type=EventType.EVIDENCE_RECOVERED).count() == 1


def test_a_source_that_dies_is_recovered_from_the_archive_with_the_quote_found(archive, settings):
    settings.FACTCHECK_DEAD_AFTER_FAILURES, settings.FACTCHECK_DEAD_AFTER = 1, timedelta(0)
    settings.FACTCHECK_MIN_RECHECK = timedelta(0)
    url = archive.route("/disparue", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    evidence.refresh_from_db()
    archived(archive, "/disparue", page=WITH_QUOTE, captured_at=evidence.cited_snapshot.fetched_at)
    archive.route("/disparue", status=404, body=b"gone")
    check_now(evidence.source)
    assert Source.objects.get(pk=evidence.source_id).state == SourceState.DEAD
    flags_sweep(claim_ids=[evidence.claim_id])

    recovery.evidence_recover(evidence_id=evidence.pk)

    evidence.refresh_from_db()
    assert evidence.archive_quote_status == QuoteStatus.FOUND
    flag = evidence.claim.flags.get(kind=FlagKind.EVIDENCE_LOST)
    assert flag.reason.startswith("A cited page is dead.") and "still holds the quote" in flag.reason
    assert Event.objects.filter(claim=evidence.claim, type=EventType.EVIDENCE_RECOVERED).exists()


def test_a_dead_page_whose_copy_lacks_the_quote_says_so(archive):
    url = archive.route("/morte", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    evidence.refresh_from_db()
    Source.objects.filter(pk=evidence.source_id).update(state=SourceState.DEAD)
    archived(archive, "/morte", page=WITHOUT_QUOTE, captured_at=evidence.cited_snapshot.fetched_at)
    flags_sweep(claim_ids=[evidence.claim_id])

    recovery.evidence_recover(evidence_id=evidence.pk)

    evidence.refresh_from_db()
    assert evidence.archive_quote_status == QuoteStatus.MISSING
    flag = evidence.claim.flags.get(kind=FlagKind.EVIDENCE_LOST)
    assert "does not hold the quote either" in flag.reason
    assert not Event.objects.filter(type=EventType.EVIDENCE_RECOVERED).exists()


def test_an_archive_with_no_copy_leaves_a_readable_reason(archive):
    url = archive.route("/sans-copie", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    archived(archive, "/sans-copie", page=None, captured_at=timezone.now())
    archive.route("/sans-copie", headers=HTML, body=WITHOUT_QUOTE)
    check_now(evidence.source)
    flags_sweep(claim_ids=[evidence.claim_id])

    recovery.evidence_recover(evidence_id=evidence.pk)

    evidence.refresh_from_db()
    assert (evidence.archive_url, evidence.archive_quote_status) == ("", "")
    assert evidence.archive_checked_at is not None  # asked, and not asked again by the next sweeps
    flag = evidence.claim.flags.get(kind=FlagKind.QUOTE_MISSING)
    assert flag.reason.startswith("A quoted passage is no longer on its page.") and "archive" in flag.reason


def test_an_archive_that_is_down_leaves_a_readable_reason_at_once(http_server, settings):
    settings.FACTCHECK_ARCHIVE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [*settings.FACTCHECK_FETCH_ALLOWED_PORTS, 9]
    url = http_server.route("/hors-ligne", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    http_server.route("/hors-ligne", headers=HTML, body=WITHOUT_QUOTE)
    check_now(evidence.source)
    flags_sweep(claim_ids=[evidence.claim_id])

    outcome = recovery.evidence_recover(evidence_id=evidence.pk)

    # Said at once, and asked again later (the task retries a transient failure with backoff; not marked asked).
    assert outcome is not None and outcome.transient and "refused the connection" in str(outcome.reason)
    evidence.refresh_from_db()
    assert evidence.archive_checked_at is None
    assert "refused the connection" in evidence.claim.flags.get(kind=FlagKind.QUOTE_MISSING).reason


def test_publishing_asks_for_a_capture_and_the_archive_is_asked_once_a_day(
    archive, editor, published_tasks, django_capture_on_commit_callbacks
):
    url = archive.route("/publiee", headers=HTML, body=WITH_QUOTE)
    claim = claim_at(ClaimStatus.IN_REVIEW, evidence_url=url)
    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claim=claim, to=ClaimStatus.PUBLISHED, by=editor)
    assert ("claims.sources.tasks.source_capture_task", "checks") in published_tasks

    source_id = claim.evidence.get().source_id
    first, again = recovery.source_capture(source_id=source_id), recovery.source_capture(source_id=source_id)

    assert (first.status, again.status) == ("asked", "skipped")
    assert len(saves(archive)) == 1


def test_without_an_archive_nothing_is_asked(http_server, published_tasks, django_capture_on_commit_callbacks):
    url = http_server.route("/rien", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    with django_capture_on_commit_callbacks(execute=True):
        check_now(evidence.source)
        http_server.route("/rien", headers=HTML, body=WITHOUT_QUOTE)
        check_now(evidence.source)
        flags_sweep(claim_ids=[evidence.claim_id])
    assert not [task for task, _ in published_tasks if "capture" in task or "recover" in task]
    assert recovery.evidence_recover(evidence_id=evidence.pk) is None
    assert not [request for request in http_server.requests if request.path.startswith(("/save", "/wayback"))]


def test_the_public_page_links_the_archives_copy_also_while_being_corrected(archive, client, editor):
    url = archive.route("/publique", headers=HTML, body=WITH_QUOTE)
    claim = claim_at(ClaimStatus.PUBLISHED, evidence_url=url)
    evidence = claim.evidence.get()
    check_now(evidence.source)
    evidence.refresh_from_db()
    archived(archive, "/publique", page=WITH_QUOTE, captured_at=evidence.cited_snapshot.fetched_at)
    archive.route("/publique", headers=HTML, body=WITHOUT_QUOTE)
    check_now(evidence.source)
    flags_sweep(claim_ids=[claim.pk])
    # Reopened for a correction meanwhile: readers still see the fact-check as published, and the copy.
    claim = claim_transition(claim=claim, to=ClaimStatus.RESEARCHING, by=editor, comment="La page citée a changé.")
    recovery.evidence_recover(evidence_id=evidence.pk)
    evidence.refresh_from_db()

    page = client.get(f"/factchecks/{claim.pk}-{claim.slug}/").content.decode()
    assert f'href="{evidence.archive_url}"' in page and "Web archive's copy of" in page


def test_a_page_on_a_private_address_is_not_handed_to_the_archive(archive, settings):
    source = Source.objects.create(url="http://10.1.2.3/intranet/rapport", host="10.1.2.3")
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = []
    assert recovery.source_capture(source_id=source.pk) is None
    assert saves(archive) == []


def test_one_lookup_per_piece_of_evidence_however_many_of_its_flags_are_raised(
    archive, published_tasks, django_capture_on_commit_callbacks, settings
):
    url = archive.route("/tout-perdu", headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    # Dead, its quote gone and changed materially at once: three flags, one lookup.
    Evidence.objects.filter(pk=evidence.pk).update(quote_status=QuoteStatus.MISSING, page_changed=True)
    Source.objects.filter(pk=evidence.source_id).update(state=SourceState.DEAD)
    with django_capture_on_commit_callbacks(execute=True):
        flags_sweep(claim_ids=[evidence.claim_id])
    assert evidence.claim.flags.filter(cleared_at__isnull=True).count() >= 3
    assert [task for task, _ in published_tasks if task.endswith("evidence_recover_task")] == [
        "claims.sources.tasks.evidence_recover_task"
    ]


def test_a_copy_whose_address_is_too_long_to_keep_is_said_so(archive):
    long_path = "/" + "a" * 1960
    url = archive.route(long_path, headers=HTML, body=WITH_QUOTE)
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    evidence.refresh_from_db()
    archived(archive, long_path, page=WITH_QUOTE, captured_at=evidence.cited_snapshot.fetched_at)

    outcome = recovery.evidence_recover(evidence_id=evidence.pk)

    evidence.refresh_from_db()
    assert outcome is not None and evidence.archive_url == "" and evidence.archive_checked_at is not None
