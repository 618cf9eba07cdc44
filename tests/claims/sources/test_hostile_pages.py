"""A cited site cannot silence its own watch: whatever it sends, its check is recorded and its evidence told the truth.

Each test is a page a hostile (or merely odd) site serves on a real HTTP server on 127.0.0.1.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from claims.flags import flags_sweep
from claims.models import (
    Check,
    CheckOutcome,
    ClaimStatus,
    FlagKind,
    QuoteStatus,
    QuoteUnverifiedBecause,
    Source,
    SourceState,
)
from claims.services.evidence import evidence_add, evidence_delete
from claims.sources.check import source_check, source_fetch
from claims.sources.dispatch import sources_dispatch
from tests.factories import claim_at
from tests.pages import HTML, PARAGRAPHS, article
from tests.watch import check_now, cite

pytestmark = pytest.mark.django_db

QUOTE = "Sauf que là, on accuse Deepseek de s’être appuyé sur son rival ChatGPT."
WITHOUT_QUOTE = article(PARAGRAPHS).replace(b"on accuse Deepseek", "on soupçonne Deepseek".encode())


def found_then(http_server, **answer) -> tuple[Source, Check]:
    """A source whose quote was found, checked again while the page answers as given."""
    evidence = cite(http_server.route("/article", headers=HTML, body=article(PARAGRAPHS)), quote=QUOTE)
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND
    http_server.route("/article", **answer)
    check = check_now(evidence.source)
    return Source.objects.get(pk=evidence.source_id), check


def open_flags(source: Source) -> set[str]:
    flags_sweep()
    claim = source.evidence.get().claim
    return set(claim.flags.filter(cleared_at__isnull=True).values_list("kind", flat=True))


# --- Every value a page sends is bounded before it is stored -------------------------------------


@pytest.mark.parametrize(
    "header",
    [("Last-Modified", "Wed, 29 Jan 2025 10:12:00 GMT" + "-" * 80), ("ETag", '"' + "v" * 600 + '"')],
    ids=["last-modified of 109 characters", "etag of 602 characters"],
)
def test_an_oversized_validator_does_not_stop_the_check_from_being_recorded(http_server, header):
    source, check = found_then(http_server, headers=[*HTML, header], body=WITHOUT_QUOTE)

    assert check is not None and check.outcome == CheckOutcome.OK
    assert Check.objects.filter(source=source).count() == 2
    assert source.evidence.get().quote_status == QuoteStatus.MISSING
    assert open_flags(source) == {FlagKind.QUOTE_MISSING}
    # A validator the desk cannot store whole is not sent back: the next check asks for the whole page.
    assert (source.etag, source.last_modified) == ("", "")


def test_a_redirect_to_an_address_of_3000_characters_is_recorded(http_server):
    long_path = "/" + "x" * 3000
    http_server.route(long_path, headers=HTML, body=WITHOUT_QUOTE)
    source, check = found_then(http_server, status=302, headers=[("Location", long_path)])

    assert check is not None and check.outcome == CheckOutcome.OK
    assert source.evidence.get().quote_status == QuoteStatus.MISSING
    assert len(source.final_url) <= 2000 and source.final_url.startswith(http_server.url("/xxx"))


def test_a_text_page_holding_nul_bytes_is_recorded_and_read(http_server):
    body = "Le rapport\x00 dit : aucune preuve n’a été présentée.\x00".encode()
    evidence = cite(
        http_server.route("/notes.txt", headers=[("Content-Type", "text/plain; charset=utf-8")], body=body),
        quote="aucune preuve n'a été présentée",
    )
    check = check_now(evidence.source)

    assert check is not None and check.outcome == CheckOutcome.OK
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND
    assert "\x00" not in evidence.snapshot.text
    assert Source.objects.get(pk=evidence.source_id).state == SourceState.ALIVE


def test_a_check_the_database_refuses_is_recorded_as_a_failure_and_its_quotes_stop_counting(http_server):
    """Past every bound, something may still refuse the check (here the database itself, through a trigger): the
    check is recorded anyway, as a failure of the checker with its reason, and the quote is no longer `found`."""
    evidence = cite(http_server.route("/article", headers=HTML, body=article(PARAGRAPHS)), quote=QUOTE)
    check_now(evidence.source)
    http_server.route("/article", headers=HTML, body=WITHOUT_QUOTE)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER refuse BEFORE INSERT ON claims_snapshot FOR EACH ROW EXECUTE FUNCTION refuse();"
        )

    check = check_now(evidence.source)

    assert check is not None and check.outcome == CheckOutcome.NOT_RECORDED
    assert "could not be recorded" in check.error
    evidence.refresh_from_db()
    assert (evidence.quote_status, evidence.quote_unverified_because) == (
        QuoteStatus.UNVERIFIED,
        QuoteUnverifiedBecause.NOT_RECORDED,
    )
    source = Source.objects.get(pk=evidence.source_id)
    # A failure like any other: counted, retried with backoff, the lease given up.
    assert (source.state, source.consecutive_failures, source.lease_token) == (SourceState.FAILING, 1, None)
    assert source.next_check_at > timezone.now() + timedelta(minutes=59)


# --- Reading a page is bounded ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    ["<p>w</p>" * 612_000, "<a href='#'>w</a>" * 280_000, '<span style="display:none">w</span>' * 135_000],
    ids=["4.9 MB of paragraphs", "4.8 MB of links", "4.8 MB of hidden spans"],
)
def test_a_page_too_complex_to_read_is_recorded_alive_unread_and_not_fetched_again_soon(http_server, markup):
    body = f"<html><head><title>Trop</title></head><body>{markup}</body></html>".encode()
    url = http_server.route("/huge", headers=HTML, body=body)
    evidence = cite(url, quote="aucune preuve")

    # How long that takes, and how much memory, `make bench-quotes` measures: here, what the desk records.
    check = check_now(evidence.source)

    assert check is not None and check.outcome == CheckOutcome.TOO_COMPLEX
    source = Source.objects.get(pk=evidence.source_id)
    assert source.state == SourceState.ALIVE
    assert "more markup than the checker reads" in source.last_error
    assert not source.snapshots.exists()
    evidence.refresh_from_db()
    assert (evidence.quote_status, evidence.quote_unverified_because) == (
        QuoteStatus.UNVERIFIED,
        QuoteUnverifiedBecause.TOO_COMPLEX,
    )
    # Checked again at the normal interval, not every few minutes: nothing is due before then.
    assert source.next_check_at > timezone.now() + timedelta(hours=23)
    assert sources_dispatch(now=timezone.now() + timedelta(hours=1), enqueue=lambda lease: None) == []
    assert http_server.paths_requested() == ["/huge"]


def test_a_large_page_is_read_the_cheap_way_and_its_quote_found(http_server):
    """Over trafilatura's budget but within the reader's: all the visible text stands for the main text."""
    filler = "".join(f"<div><a href='/{n}'>rubrique {n}</a></div>" for n in range(12_000))
    body = f"<html><body>{filler}<p>Pour l’instant, aucune preuve n’a été présentée.</p></body></html>".encode()
    evidence = cite(http_server.route("/large", headers=HTML, body=body), quote="aucune preuve n'a été présentée")

    check = check_now(evidence.source)

    assert check is not None and check.outcome == CheckOutcome.OK
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND
    assert "rubrique 11999" in evidence.snapshot.text


# --- Pages read as browsers read them -------------------------------------------------------------


def test_an_xhtml_page_with_an_xml_declaration_is_read(http_server):
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Communiqué</title></head>'
        "<body><p>Le ministère confirme qu’aucune preuve n’a été présentée.</p></body></html>"
    ).encode()
    evidence = cite(
        http_server.route("/communique", headers=[("Content-Type", "application/xhtml+xml")], body=body),
        quote="aucune preuve n'a été présentée",
    )
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND
    assert Source.objects.get(pk=evidence.source_id).title == "Communiqué"


def test_the_text_a_page_puts_in_noscript_counts(http_server):
    body = (
        "<html><body><div id=app></div><noscript><article><p>Pour l’instant, aucune preuve n’a été présentée."
        "</p></article></noscript><script>render()</script></body></html>"
    ).encode()
    evidence = cite(http_server.route("/blog", headers=HTML, body=body), quote="aucune preuve n'a été présentée")
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND


@pytest.mark.parametrize(
    ("declared", "codec", "text"),
    [
        ("windows-1252", "cp1252", "Déclaration : aucune preuve n’a été présentée, 5 €."),
        # Browsers read Latin-1 as windows-1252 (WHATWG): the page's ’ and € are there.
        ("iso-8859-1", "cp1252", "Déclaration : aucune preuve n’a été présentée, 5 €."),
        ("iso-8859-15", "iso8859-15", "Déclaration : aucune preuve n'a été présentée, 5 €."),
        ("utf-16", "utf-16", "Déclaration : aucune preuve n’a été présentée."),
        ("koi8-r", "koi8-r", "Заявление: доказательств не представлено."),
        ("shift_jis", "shift_jis", "声明：証拠は提示されていない。"),
        # Browsers read GB2312 as GBK, which holds more characters.
        ("gb2312", "gbk", "声明：尚未提供任何证据。"),
    ],
)
def test_pages_in_any_charset_are_read(http_server, declared, codec, text):
    body = f"<html><head><title>T</title></head><body><p>{text}</p></body></html>".encode(codec)
    quote = text.replace("：", ":").split(":", 1)[1].strip(" .。")
    evidence = cite(
        http_server.route("/page", headers=[("Content-Type", f"text/html; charset={declared}")], body=body),
        quote=quote,
    )
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND, quote


# --- A source is fetched at most once per FACTCHECK_MIN_RECHECK -------------------------------------


def checks_due_run(now=None) -> None:
    """What the workers would do now: dispatch the due sources and check each."""
    for lease in sources_dispatch(now=now, enqueue=lambda lease: None):
        source_check(source_id=lease.source_id, token=lease.token, now=now)


def test_adding_and_removing_evidence_in_a_loop_fetches_the_page_once_per_interval(http_server, researcher):
    url = http_server.route("/page", headers=HTML, body=article(PARAGRAPHS))
    claim = claim_at(ClaimStatus.RESEARCHING)
    for _ in range(20):
        evidence = evidence_add(claim=claim, url=url, stance="supports", quote=QUOTE, by=researcher)
        checks_due_run()
        evidence_delete(evidence=evidence, by=researcher)
    assert http_server.paths_requested() == ["/page"]

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        evidence_add(claim=claim, url=url, stance="supports", quote=QUOTE, by=researcher)
        checks_due_run()
    assert http_server.paths_requested() == ["/page", "/page"]


def test_rechecks_asked_in_a_loop_fetch_the_page_once_per_interval(http_server, api, researcher):
    source = cite(http_server.route("/page", headers=HTML, body=article(PARAGRAPHS))).source
    for _ in range(10):
        response = api(researcher).post(f"/api/v1/sources/{source.pk}/recheck/")
        assert response.status_code == 202
        checks_due_run()
    assert http_server.paths_requested() == ["/page"]
    # The answer says when the check will be: at the end of the interval.
    source.refresh_from_db()
    assert datetime.fromisoformat(response.json()["next_check_at"]) == source.next_check_at
    assert source.next_check_at >= source.last_checked_at + timedelta(minutes=10)


def test_a_lost_check_is_not_fetched_again_before_the_interval(http_server, settings):
    settings.FACTCHECK_CHECK_LEASE = timedelta(minutes=5)
    source = cite(http_server.route("/page", headers=HTML, body=article(PARAGRAPHS))).source
    now = timezone.now()
    (lease,) = sources_dispatch(now=now, enqueue=lambda lease: None)
    source_fetch(source_id=lease.source_id, token=lease.token)  # fetched, then the worker died: nothing recorded

    assert sources_dispatch(now=now + timedelta(minutes=6), enqueue=lambda lease: None) == []
    assert [
        lease.source_id for lease in sources_dispatch(now=now + timedelta(minutes=11), enqueue=lambda lease: None)
    ] == [source.pk]


def test_a_page_in_windows_1252_that_declares_no_charset_is_read_as_browsers_read_it(http_server):
    """Browsers set to French, German or English read an undeclared page that is not UTF-8 as windows-1252."""
    text = "Le Conseil d’État a jugé que la requête était irrecevable ; vous êtes informé."
    body = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    evidence = cite(http_server.route("/arret", headers=[("Content-Type", "text/html")], body=body), quote=text)
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND


def test_text_past_hundreds_of_unclosed_tags_is_read(http_server):
    """An old editor's unclosed <font> before each paragraph nests the page hundreds deep: the text after it counts."""
    paragraphs = "".join(f'<font face="Verdana"><p>Paragraphe {n}.</p>' for n in range(300))
    body = f"<html><body>{paragraphs}<p>Le passage cité est ici.</p></body></html>".encode()
    evidence = cite(http_server.route("/vieux", headers=HTML, body=body), quote="Le passage cité est ici.")
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND


def test_a_page_of_megabytes_of_prose_is_read_the_cheap_way(http_server):
    """Few tags but megabytes of text: trafilatura is not asked to read it all (it took over 2 s and 300 MB; the
    cost is measured by `make bench-quotes`)."""
    prose = "<p>" + "Le rapport détaille les coûts d’entraînement du modèle. " * 80_000 + "</p>"
    body = f"<html><body>{prose}<p>Aucune preuve n’a été présentée.</p></body></html>".encode()
    evidence = cite(http_server.route("/long", headers=HTML, body=body), quote="aucune preuve n'a été présentée")

    check = check_now(evidence.source)

    assert check is not None and check.outcome == CheckOutcome.OK
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND
