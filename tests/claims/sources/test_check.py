"""Checking sources against a real HTTP server on 127.0.0.1: capture, states over simulated time, quotes, dispatch."""

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from claims.models import Check, CheckOutcome, Evidence, Snapshot, Source, SourceState, Stance
from claims.services.evidence import evidence_update
from claims.sources.check import source_check, source_fetch, source_record
from claims.sources.dispatch import Lease, sources_dispatch, sources_rest_uncited
from harness.celery_worker import wait_until
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, UserFactory
from tests.pages import HTML, PARAGRAPHS, article
from tests.watch import check_now, cite

pytestmark = pytest.mark.django_db


# The article rewritten but for its first paragraph: a material change.
REWRITE = [
    PARAGRAPHS[0],
    "OpenAI a finalement présenté des éléments techniques à la presse. "
    "Selon l'entreprise, des milliers de requêtes automatisées auraient interrogé ChatGPT "
    "depuis des comptes liés à la start-up chinoise. "
    "Deepseek dément et affirme avoir entraîné son modèle sur des données publiques uniquement. "
    "Les experts interrogés restent partagés sur la portée de ces éléments et attendent une publication complète.",
    "Le gouvernement américain envisage de nouvelles restrictions sur les exportations de puces vers la Chine, "
    "tandis que plusieurs pays européens ont ouvert des enquêtes sur la protection des données personnelles.",
]


def alive_source(http_server) -> Source:
    """A source whose page at /a was checked once and found alive."""
    source = cite(http_server.route("/a", headers=HTML, body=article(PARAGRAPHS))).source
    check_now(source)
    return source


# --- Capture ----------------------------------------------------------------------------------


def test_an_alive_page_is_captured_and_its_quote_found(http_server):
    url = http_server.route("/article", headers=[*HTML, ("ETag", '"v1"')], body=article(PARAGRAPHS))
    evidence = cite(url, quote="Pour l'instant, aucune preuve n'a été présentée.")

    check = check_now(evidence.source)

    source = Source.objects.get(pk=evidence.source_id)
    assert (check.outcome, check.http_status, source.state, source.http_status) == ("ok", 200, "alive", 200)
    assert source.title == "DeepSeek accusé de piraterie"
    assert source.etag == '"v1"' and source.last_alive_at and source.lease_token is None
    assert source.next_check_at > timezone.now() + timedelta(hours=23)
    snapshot = Snapshot.objects.get(source=source)
    assert check.snapshot == snapshot
    assert "aucune preuve n’a été présentée" in snapshot.text
    assert snapshot.raw_size == len(article(PARAGRAPHS)) and len(snapshot.fingerprint) == 16
    evidence.refresh_from_db()
    assert (evidence.quote_status, evidence.snapshot, evidence.cited_snapshot) == ("found", snapshot, snapshot)


def test_a_recheck_sends_the_etag_and_304_keeps_the_snapshot(http_server):
    url = http_server.route("/article", headers=[*HTML, ("ETag", '"v1"')], body=article(PARAGRAPHS))
    source = cite(url, quote="aucune preuve").source
    check_now(source)
    again = check_now(source)

    assert again.outcome == "not_modified" and again.http_status == 304
    assert http_server.requests[-1].headers["if-none-match"] == '"v1"'
    assert Snapshot.objects.filter(source=source).count() == 1
    source.refresh_from_db()
    assert source.state == "alive"


def test_the_same_text_in_new_markup_makes_no_new_snapshot(http_server):
    url = http_server.route("/article", headers=HTML, body=article(PARAGRAPHS))
    source = cite(url).source
    check_now(source)
    http_server.route("/article", headers=HTML, body=article(PARAGRAPHS).replace(b"<footer>", b"<footer class=new>"))
    check = check_now(source)
    assert check.outcome == "ok" and check.snapshot is None
    assert Snapshot.objects.filter(source=source).count() == 1


def test_an_unchanged_page_is_not_read_again_yet_new_and_edited_quotes_on_it_are_verified(http_server):
    url = http_server.route("/article", headers=HTML, body=article(PARAGRAPHS))
    first = cite(url, quote="aucune preuve")
    check_now(first.source)
    first.refresh_from_db()
    verified_at = first.quote_checked_at

    # The same bytes again: the evidence verified against this snapshot is left as it was.
    again = check_now(first.source)
    first.refresh_from_db()
    assert again.outcome == "ok" and again.snapshot is None
    assert (first.quote_status, first.quote_checked_at) == ("found", verified_at)
    assert Snapshot.objects.filter(source=first.source).count() == 1

    # Evidence added since, and a quote edited since, are verified on the unchanged page.
    added = cite(url, quote="une phrase qui n'est pas sur la page")
    edited = cite(url, quote="aucune preuve")
    check_now(first.source)
    edited.refresh_from_db()
    whole_sentence = "Pour l'instant, aucune preuve n'a été présentée."
    evidence_update(evidence=edited, by=UserFactory(role="editor"), quote=whole_sentence)
    check_now(first.source)
    for item in (added, edited, first):
        item.refresh_from_db()
    latest = Snapshot.objects.get(source=first.source)
    assert (added.quote_status, added.snapshot, added.cited_snapshot) == ("missing", latest, latest)
    assert (edited.quote_status, edited.snapshot) == ("found", latest)
    assert first.quote_checked_at == verified_at


def test_a_304_verifies_the_evidence_added_since_from_the_snapshot(http_server):
    url = http_server.route("/article", headers=[*HTML, ("ETag", '"v1"')], body=article(PARAGRAPHS))
    source = cite(url, quote="aucune preuve").source
    check_now(source)
    added = cite(url, quote="Pour l'instant, aucune preuve n'a été présentée.")
    assert check_now(source).outcome == "not_modified"
    added.refresh_from_db()
    assert (added.quote_status, added.snapshot) == ("found", Snapshot.objects.get(source=source))


def test_a_quote_that_disappears_is_missing_and_comes_back_found(http_server):
    quote = "Sauf que là, on accuse Deepseek de s’être appuyé sur son rival ChatGPT."
    url = http_server.route("/article", headers=HTML, body=article(PARAGRAPHS))
    evidence = cite(url, quote=quote)
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == "found"

    http_server.route(
        "/article",
        headers=HTML,
        body=article(PARAGRAPHS).replace(b"on accuse Deepseek", "on soupçonne Deepseek".encode()),
    )
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == "missing"
    assert evidence.snapshot == Snapshot.objects.filter(source=evidence.source).latest()

    http_server.route("/article", headers=HTML, body=article(PARAGRAPHS))
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == "found"


def test_each_piece_of_evidence_citing_a_page_gets_its_own_outcome(http_server):
    url = http_server.route("/article", headers=HTML, body=article(PARAGRAPHS))
    first_cited = cite(url, quote="L'entreprise chinoise est accusée, par les Américains, de piraterie.")
    check_now(first_cited.source)
    # Cited once the page was captured: a quote not on the page, one on its next version, no quote at all.
    missing = cite(url, quote="DeepSeek a reconnu les faits.")
    on_page = cite(url, quote="Deepseek dément et affirme avoir entraîné son modèle sur des données publiques")
    no_quote = cite(url)
    http_server.route("/article", headers=HTML, body=article(REWRITE))

    check_now(first_cited.source)

    first, latest = Snapshot.objects.filter(source=first_cited.source).order_by("fetched_at", "id")
    rows = Evidence.objects.in_bulk([e.pk for e in (first_cited, missing, on_page, no_quote)])
    seen = [
        (rows[e.pk].quote_status, rows[e.pk].snapshot_id, rows[e.pk].cited_snapshot_id, rows[e.pk].page_changed)
        for e in (first_cited, missing, on_page, no_quote)
    ]
    # Each is compared with the page as it was first verified: only the first one saw the page rewritten.
    assert seen == [
        ("found", latest.pk, first.pk, True),
        ("missing", latest.pk, latest.pk, False),
        ("found", latest.pk, latest.pk, False),
        ("unverified", latest.pk, latest.pk, False),
    ]


@pytest.mark.parametrize(
    ("on_the_page", "typed"),
    [
        ("Pour l’instant, aucune preuve n’a été présentée.", "Pour l'instant, aucune preuve n'a été présentée."),
        ("Pour l'instant, aucune preuve n'a été présentée.", "Pour l’instant, aucune preuve n’a été présentée."),
        ("Il a parlé d’accusations «\u00a0crédibles\u00a0».", 'Il a parlé d\'accusations "crédibles".'),
        ('Il a parlé d\'accusations "crédibles".', "Il a parlé d’accusations « crédibles »."),
        ("six\u00a0millions annoncés\u202f!", "six millions annoncés!"),
        ("la course à l’IA — toujours plus\u00a0vite", "la course à l'IA - toujours plus vite"),
        ("la distil\u00adlation", "la distillation"),
        ("DEEPSEEK   reconnaît\n aussi", "Deepseek reconnaît aussi"),
        ("Un texte dans la barre latérale", "un texte dans la barre latérale"),
    ],
)
def test_quotes_match_whatever_the_typography(http_server, on_the_page, typed):
    # The passage sits outside the article body too: all the visible text counts.
    url = http_server.route("/p", headers=HTML, body=article(PARAGRAPHS[:1], extra=on_the_page))
    evidence = cite(url, quote=typed)
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == "found"


def test_text_hidden_from_readers_does_not_count(http_server):
    body = article(
        PARAGRAPHS[:1], extra="<span hidden>une phrase cachée</span><script>var phrase='une phrase du script'</script>"
    )
    url = http_server.route("/p", headers=HTML, body=body)
    hidden, scripted = cite(url, quote="une phrase cachée"), cite(url, quote="une phrase du script")
    check_now(hidden.source)
    assert set(Evidence.objects.filter(pk__in=[hidden.pk, scripted.pk]).values_list("quote_status", flat=True)) == {
        "missing"
    }


def test_a_latin1_page_is_read_right(http_server):
    body = "<html><body><p>La Société Générale a dit « non » à l’été.</p></body></html>".replace("’", "'").encode(
        "latin-1"
    )
    url = http_server.route("/latin", headers=[("Content-Type", "text/html; charset=ISO-8859-1")], body=body)
    evidence = cite(url, quote="La Société Générale a dit « non »")
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == "found"


# --- Material change ----------------------------------------------------------------------------


def test_a_timestamp_change_is_not_material_but_a_rewrite_is(http_server):
    url = http_server.route("/article", headers=HTML, body=article(PARAGRAPHS))
    evidence = cite(url, quote="aucune preuve n'a été présentée")
    check_now(evidence.source)

    http_server.route(
        "/article",
        headers=HTML,
        body=article(PARAGRAPHS, stamp="Mis à jour le 30 janvier 2025 à 16h45", extra="Publicité"),
    )
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert Snapshot.objects.filter(source=evidence.source).count() == 2
    assert evidence.page_changed is False

    http_server.route("/article", headers=HTML, body=article(REWRITE))
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.page_changed is True
    assert evidence.cited_snapshot == Snapshot.objects.filter(source=evidence.source).earliest()


# --- States over simulated time -------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 500])
def test_a_failure_makes_an_alive_source_failing_with_a_retry_soon(http_server, status):
    source = alive_source(http_server)
    http_server.route("/a", status=status, body=b"gone")
    now = timezone.now()
    check = check_now(source, now=now)
    source.refresh_from_db()
    assert (check.outcome, source.state, source.consecutive_failures, source.http_status) == (
        "http_error",
        "failing",
        1,
        status,
    )
    assert source.next_check_at == now + timedelta(hours=1)
    assert str(status) in source.last_error


def test_dead_after_three_failures_spread_over_a_day_and_any_success_resets(http_server):
    url = http_server.route("/a", status=404, body=b"gone")
    source = cite(url).source
    t0 = timezone.now()
    states = []
    for hours in (0, 1, 3, 7, 25):
        check_now(source, now=t0 + timedelta(hours=hours))
        source.refresh_from_db()
        states.append((hours, source.state, source.consecutive_failures))
    assert states == [(0, "failing", 1), (1, "failing", 2), (3, "failing", 3), (7, "failing", 4), (25, "dead", 5)]
    assert source.next_check_at == t0 + timedelta(hours=25 + 24)

    http_server.route("/a", headers=HTML, body=article(PARAGRAPHS))
    check_now(source, now=t0 + timedelta(hours=49))
    source.refresh_from_db()
    assert (source.state, source.consecutive_failures, source.first_failure_at) == ("alive", 0, None)


def test_backoff_doubles_up_to_the_check_interval(http_server):
    source = cite(http_server.route("/a", status=503, body=b"down")).source
    t0 = timezone.now()
    waits = []
    now = t0
    for _ in range(7):
        check_now(source, now=now)
        source.refresh_from_db()
        waits.append((source.next_check_at - now) / timedelta(hours=1))
        now = source.next_check_at
    assert waits == [1, 2, 4, 8, 16, 24, 24]


@pytest.mark.parametrize("status", [401, 402, 403])
def test_restricted_pages_are_recorded_as_restricted_not_dead(http_server, status):
    source = alive_source(http_server)
    http_server.route("/a", status=status, body=b"login")
    t0 = timezone.now()
    for hours in (0, 24, 48, 72):
        check = check_now(source, now=t0 + timedelta(hours=hours))
        assert check.outcome == "restricted"
    source.refresh_from_db()
    # Behind a login or a paywall: neither alive (readers without an account cannot see it) nor dead.
    assert (source.state, source.consecutive_failures) == ("restricted", 0)
    assert str(status) in source.last_error

    http_server.route("/a", headers=HTML, body=article(PARAGRAPHS))
    check_now(source, now=t0 + timedelta(hours=96))
    source.refresh_from_db()
    assert source.state == "alive"


@pytest.mark.parametrize("status", [401, 403, 429])
def test_a_source_checked_once_never_shows_pending(http_server, status):
    source = cite(http_server.route("/a", status=status, headers=[("Retry-After", "60")])).source
    check_now(source)
    source.refresh_from_db()
    assert source.state == "restricted"
    assert source.last_checked_at is not None


@pytest.mark.parametrize(("status", "retry_after"), [(429, "120"), (503, "3600")])
def test_retry_after_is_honoured_and_is_not_a_failure(http_server, status, retry_after):
    source = alive_source(http_server)
    http_server.route("/a", status=status, headers=[("Retry-After", retry_after)])
    now = timezone.now()
    check = check_now(source, now=now)
    source.refresh_from_db()
    assert check.outcome == "rate_limited"
    assert (source.state, source.consecutive_failures) == ("alive", 0)
    assert source.next_check_at == now + timedelta(seconds=int(retry_after))


def test_a_redirect_to_a_private_address_blocks_the_source(http_server, connections):
    source = cite(http_server.redirect("/r", "http://10.1.2.3/admin")).source
    check = check_now(source)
    source.refresh_from_db()
    assert (check.outcome, source.state) == ("blocked", "blocked")
    assert source.last_error
    assert "10.1.2.3" not in connections  # refused by the fetcher before any connection was tried


# --- Dispatch ---------------------------------------------------------------------------------


def due_sources(count: int, host: str) -> list[Source]:
    past = timezone.now() - timedelta(minutes=5)
    sources = [SourceFactory(url=f"https://{host}/{i}", host=host, next_check_at=past) for i in range(count)]
    claim = ClaimFactory()
    Evidence.objects.bulk_create(Evidence(claim=claim, source=source, stance=Stance.CONTEXT) for source in sources)
    return sources


def test_a_source_no_evidence_cites_is_not_checked():
    (cited,) = due_sources(1, "a.example")
    uncited = SourceFactory(next_check_at=timezone.now() - timedelta(minutes=5))
    leases = sources_dispatch(enqueue=lambda lease: None)
    assert [lease.source_id for lease in leases] == [cited.pk]
    uncited.refresh_from_db()
    assert uncited.lease_token is None


def test_sources_no_evidence_cites_any_more_rest_instead_of_staying_first_in_line(settings):
    settings.FACTCHECK_CHECK_LEASE = timedelta(minutes=5)
    settings.FACTCHECK_CHECK_INTERVAL = timedelta(hours=24)
    now = timezone.now()
    (cited,) = due_sources(1, "a.example")
    orphan = SourceFactory(next_check_at=now - timedelta(days=3))  # its evidence was deleted long ago
    cited_again = SourceFactory(next_check_at=now)  # evidence cites it again, in a transaction not yet committed

    assert sources_rest_uncited(now=now) == 1
    orphan.refresh_from_db()
    cited_again.refresh_from_db()
    assert orphan.next_check_at == now + timedelta(hours=24)
    assert cited_again.next_check_at == now
    assert [lease.source_id for lease in sources_dispatch(now=now, enqueue=lambda lease: None)] == [cited.pk]


def test_dispatch_respects_the_per_host_and_global_limits(settings):
    settings.FACTCHECK_PER_HOST_CONCURRENCY = 2
    settings.FACTCHECK_GLOBAL_CONCURRENCY = 5
    for host in ("a.example", "b.example", "c.example"):
        due_sources(4, host)
    leases: list[Lease] = []
    sources_dispatch(enqueue=leases.append)
    claimed = Source.objects.filter(lease_token__isnull=False)
    assert claimed.count() == 5
    assert max(claimed.filter(host=h).count() for h in ("a.example", "b.example", "c.example")) == 2

    # The slots are full: nothing more until a check ends or its lease runs out.
    sources_dispatch(enqueue=leases.append)
    assert Source.objects.filter(lease_token__isnull=False).count() == 5


def test_a_check_whose_fetch_is_over_gives_its_slot_to_the_next_source_of_its_host(http_server, settings):
    settings.FACTCHECK_PER_HOST_CONCURRENCY = 1
    first, second = (
        cite(http_server.route(f"/{name}", headers=HTML, body=article(PARAGRAPHS))).source for name in ("un", "deux")
    )
    now = timezone.now()
    Source.objects.filter(pk=first.pk).update(next_check_at=now - timedelta(seconds=1))
    Source.objects.filter(pk=second.pk).update(next_check_at=now)
    (lease,) = sources_dispatch(enqueue=lambda lease: None)
    assert lease.source_id == first.pk
    assert sources_dispatch(enqueue=lambda lease: None) == []  # the host's one slot is taken

    fetched = source_fetch(source_id=first.pk, token=lease.token)
    assert sources_dispatch(enqueue=lambda lease: None) == []  # fetched, but only its check knows
    assert sources_dispatch(enqueue=lambda lease: None, fetch_over=Lease(first.pk, uuid.uuid4())) == []  # not its lease
    # The first page is fetched, not recorded yet: its check gives up the slot, and the second page gets it.
    (following,) = sources_dispatch(enqueue=lambda lease: None, fetch_over=lease)
    assert following.source_id == second.pk
    first.refresh_from_db()
    assert first.lease_token == lease.token  # still its check's, until the result is recorded
    assert sources_dispatch(enqueue=lambda lease: None) == []  # one fetch at a time on the host, never two
    assert source_record(fetched).outcome == CheckOutcome.OK
    first.refresh_from_db()
    assert first.lease_token is None and not first.fetching


@pytest.mark.django_db(transaction=True)
def test_dispatchers_running_at_once_never_claim_a_source_twice_nor_pass_the_limit(settings):
    settings.FACTCHECK_GLOBAL_CONCURRENCY = 6
    settings.FACTCHECK_PER_HOST_CONCURRENCY = 4
    # More due sources than one dispatcher looks at, so that row locks alone would not keep the second one out.
    for host in range(10):
        due_sources(20, f"h{host}.example")
    first_claimed, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, list[Lease]] = {}

    def slow_dispatcher() -> None:
        # Claims, then keeps its transaction open while the second dispatcher runs.
        try:
            with transaction.atomic():
                results["first"] = sources_dispatch(enqueue=lambda lease: None)
                first_claimed.set()
                first_may_commit.wait(timeout=2)
        finally:
            connection.close()

    def second_dispatcher() -> None:
        try:
            results["second"] = sources_dispatch(enqueue=lambda lease: None)
        finally:
            connection.close()

    first = threading.Thread(target=slow_dispatcher)
    first.start()
    first_claimed.wait(timeout=10)
    second = threading.Thread(target=second_dispatcher)
    second.start()
    second.join(timeout=0.5)
    first_may_commit.set()
    first.join()
    second.join()

    assert len(results["first"]) == 6
    assert results["second"] == []
    in_db = dict(Source.objects.filter(lease_token__isnull=False).values_list("id", "lease_token"))
    assert in_db == {lease.source_id: lease.token for lease in results["first"]}
    assert max(Counter(Source.objects.filter(lease_token__isnull=False).values_list("host", flat=True)).values()) <= 4


def test_a_lost_check_is_dispatched_again_after_its_lease_and_the_late_one_records_nothing(http_server, settings):
    settings.FACTCHECK_CHECK_LEASE = timedelta(minutes=5)
    settings.FACTCHECK_MIN_RECHECK = timedelta(0)  # the lease alone decides when a lost check is due again
    url = http_server.route("/a", headers=HTML, body=article(PARAGRAPHS))
    source = cite(url).source
    t0 = timezone.now()
    Source.objects.filter(pk=source.pk).update(next_check_at=t0)
    sources_dispatch(now=t0, enqueue=lambda lease: None)
    source.refresh_from_db()
    lost = source.lease_token
    assert source.next_check_at == t0 + timedelta(minutes=5)

    sources_dispatch(now=t0 + timedelta(minutes=4), enqueue=lambda lease: None)
    source.refresh_from_db()
    assert source.lease_token == lost  # still under way

    sources_dispatch(now=t0 + timedelta(minutes=6), enqueue=lambda lease: None)
    source.refresh_from_db()
    assert source.lease_token != lost

    assert source_check(source_id=source.pk, token=lost) is None
    source.refresh_from_db()
    assert not source.sweep_pending  # nothing recorded, nothing to sweep
    assert source_check(source_id=source.pk, token=source.lease_token) is not None
    assert source_check(source_id=source.pk, token=source.lease_token) is None
    assert Check.objects.filter(source=source).count() == 1
    # The recorded check asks for the sweep of the claims citing the source.
    source.refresh_from_db()
    assert source.sweep_pending


@pytest.mark.django_db(transaction=True)
def test_a_check_whose_lease_ran_out_during_the_fetch_records_nothing(http_server, settings):
    settings.FACTCHECK_CHECK_LEASE = timedelta(minutes=5)
    settings.FACTCHECK_MIN_RECHECK = timedelta(0)  # the lease alone decides when a lost check is due again
    source = cite(http_server.route("/lent", headers=HTML, body=article(PARAGRAPHS), delay=1.0)).source
    t0 = timezone.now()
    Source.objects.filter(pk=source.pk).update(next_check_at=t0)
    (first,) = sources_dispatch(now=t0, enqueue=lambda lease: None)
    results = {}

    def slow_check() -> None:
        try:
            results["first"] = source_check(source_id=source.pk, token=first.token)
        finally:
            connection.close()

    checker = threading.Thread(target=slow_check)
    checker.start()
    # While the page takes its time, the lease runs out and the source is dispatched again.
    assert wait_until(lambda: "/lent" in http_server.paths_requested(), timeout=10)
    (second,) = sources_dispatch(now=t0 + timedelta(minutes=6), enqueue=lambda lease: None)
    checker.join()

    assert results["first"] is None
    assert not Check.objects.exists() and not Snapshot.objects.exists()
    source.refresh_from_db()
    assert source.lease_token == second.token and source.state == SourceState.PENDING and not source.sweep_pending
    assert source_check(source_id=source.pk, token=second.token).outcome == CheckOutcome.OK


def test_a_lease_fetches_once_even_when_its_message_comes_again(http_server, settings):
    settings.FACTCHECK_CHECK_LEASE = timedelta(minutes=5)
    settings.FACTCHECK_MIN_RECHECK = timedelta(0)  # the lease alone decides when a lost check is due again
    source = cite(http_server.route("/a", headers=HTML, body=article(PARAGRAPHS))).source
    t0 = timezone.now()
    Source.objects.filter(pk=source.pk).update(next_check_at=t0)
    (lease,) = sources_dispatch(now=t0, enqueue=lambda lease: None)
    assert source_fetch(source_id=source.pk, token=lease.token) is not None
    sources_dispatch(now=t0, enqueue=lambda lease: None, fetch_over=lease)

    # The same message again (its recording failed, or its worker died): the slot is given up, so no second fetch.
    assert source_fetch(source_id=source.pk, token=lease.token) is None
    assert http_server.paths_requested() == ["/a"]
    # The lease runs out and the source is checked again.
    (again,) = sources_dispatch(now=t0 + timedelta(minutes=6), enqueue=lambda lease: None)
    assert source_check(source_id=source.pk, token=again.token).outcome == CheckOutcome.OK


@pytest.mark.django_db(transaction=True)
def test_evidence_added_while_a_check_records_is_checked_again_soon():
    """The new evidence waits for the check's transaction, then finds the source free and makes it due now."""
    from claims.services.evidence import evidence_add

    # A superuser: a transactional test may run after another one emptied the roles the migrations made.
    researcher = UserFactory(username="chercheuse", is_superuser=True)

    claim = ClaimFactory()
    source = SourceFactory(url="https://example.org/enquete", host="example.org")
    EvidenceFactory(claim=claim, source=source)
    later = timezone.now() + timedelta(minutes=5)
    check_recording, added = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def check_that_records() -> None:
        # What source_record does: take the source's row, write the result, clear the lease.
        try:
            with transaction.atomic():
                Source.objects.select_for_update().filter(pk=source.pk).update(
                    lease_token=uuid.uuid4(), next_check_at=later
                )
                check_recording.set()
                added.wait(timeout=0.5)
                Source.objects.filter(pk=source.pk).update(
                    lease_token=None, next_check_at=timezone.now() + timedelta(days=1)
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    recorder = threading.Thread(target=check_that_records)
    recorder.start()
    assert check_recording.wait(timeout=10), failures
    evidence_add(
        claim=claim, url="https://example.org/enquete", stance=Stance.REFUTES, quote="aucune preuve", by=researcher
    )
    added.set()
    recorder.join()
    assert not failures

    source.refresh_from_db()
    assert source.lease_token is None
    assert source.next_check_at <= timezone.now()


def test_a_quote_on_a_pdf_with_no_text_stays_unverified_rather_than_missing(http_server):
    url = http_server.route("/rapport.pdf", headers=[("Content-Type", "application/pdf")], body=b"%PDF-1.4 binary")
    evidence = cite(url, quote="2.788M H800 GPU hours")
    check = check_now(evidence.source)
    evidence.refresh_from_db()
    assert check.outcome == "ok"
    assert (evidence.quote_status, evidence.quote_unverified_because) == ("unverified", "no_text_layer")
