"""PDF sources: their text read and mended as French reports need, quotes found with their page, scans said so."""

import pytest

from claims.models import ClaimStatus, QuoteStatus, QuoteUnverifiedBecause
from claims.sources.pdf import page_of, pdf_text
from tests.factories import claim_at
from tests.pdfs import HEADER, SCAN, pdf
from tests.watch import check_now, cite

pytestmark = pytest.mark.django_db

PDF = [("Content-Type", "application/pdf")]
QUOTE = "aucune preuve n’a été présentée à ce jour"
REPORT = [
    ["Introduction", "Le présent rapport décrit l’activité de l’année."],
    # A word cut at a line's end, a ligature, accents written apart from their letters.
    ["Les résultats sont pré-", "sentés ci-dessous avec efﬁcacité et ﬂexibilité.", "Le de\u0301ficit a diminue\u0301."],
    ["Selon le ministère, aucune preuve n’a été", "présentée à ce jour sur ce point précis."],
    # Accents drawn before their letters, as TeX's fonts do.
    ["Annexe : d´efinitions et m´ethodologie de l’enquˆete."],
]


def test_the_text_is_read_mended_and_kept_by_page():
    read = pdf_text(pdf(REPORT))

    assert len(read.page_starts) == 4 and not read.cut_short and read.pages_without_text == 0
    assert "présentés ci-dessous" in read.text  # the cut word made whole
    assert "efficacité et flexibilité" in read.text  # the ligatures as letters
    assert "déficit a diminué" in read.text  # the accents on their letters
    assert "définitions et méthodologie de l’enquête" in read.text
    assert HEADER not in read.text and " 3 " not in read.text  # no running header, no page numbers
    at = read.text.index("aucune preuve")
    assert page_of(at, read.page_starts) == 3
    assert read.text[read.page_starts[3] :].startswith("Annexe")


def test_a_quote_in_a_pdf_is_found_with_its_page(http_server):
    url = http_server.route("/rapport-2024.pdf", headers=PDF, body=pdf(REPORT))
    found = cite(url, quote=QUOTE)
    absent = cite(url, quote="le chiffre a triplé en un an")

    check = check_now(found.source)

    found.refresh_from_db()
    absent.refresh_from_db()
    assert check.outcome == "ok"
    assert (found.quote_status, found.quote_page) == (QuoteStatus.FOUND, 3)
    assert (absent.quote_status, absent.quote_page) == (QuoteStatus.MISSING, None)
    assert found.snapshot.page_starts == list(pdf_text(pdf(REPORT)).page_starts)


def test_a_quote_cut_across_a_page_break_is_found_on_the_page_it_starts():
    read = pdf_text(pdf([["Il n’existe aucune", "preuve publique de ce chif-"], ["fre à ce jour."]]))
    assert "aucune preuve publique de ce chiffre à ce jour" in read.text
    assert page_of(read.text.index("aucune"), read.page_starts) == 1


def test_a_scanned_pdf_says_so(http_server):
    url = http_server.route("/scan.pdf", headers=PDF, body=pdf([SCAN, SCAN], numbered=False, header=""))
    evidence = cite(url, quote=QUOTE)
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.UNVERIFIED
    assert evidence.quote_unverified_because == QuoteUnverifiedBecause.NO_TEXT_LAYER


def test_a_quote_not_in_the_text_of_a_partly_scanned_pdf_is_not_called_missing(http_server):
    url = http_server.route("/en-partie.pdf", headers=PDF, body=pdf([REPORT[0], SCAN, REPORT[2]]))
    on_text, elsewhere = cite(url, quote=QUOTE), cite(url, quote="le chiffre a triplé en un an")
    check_now(on_text.source)
    on_text.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (on_text.quote_status, on_text.quote_page) == (QuoteStatus.FOUND, 3)
    assert elsewhere.quote_status == QuoteStatus.UNVERIFIED
    assert elsewhere.quote_unverified_because == QuoteUnverifiedBecause.SCANNED_PAGES


@pytest.mark.parametrize("body", [b"%PDF-1.4 binary", b"%PDF-1.7\n" + b"\x00" * 5000, b"not a pdf at all"])
def test_a_broken_pdf_is_unverified_with_its_reason(http_server, body):
    url = http_server.route("/casse.pdf", headers=PDF, body=body)
    evidence = cite(url, quote=QUOTE)
    assert check_now(evidence.source).outcome == "ok"
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.UNVERIFIED
    assert evidence.quote_unverified_because == QuoteUnverifiedBecause.NO_TEXT_LAYER


def test_the_page_is_cited_on_the_public_page_and_in_the_api(http_server, client, api, viewer):
    url = http_server.route("/rapport-public.pdf", headers=PDF, body=pdf(REPORT))
    claim = claim_at(ClaimStatus.PUBLISHED, evidence_url=url)  # its quote: "aucune preuve", on page 3
    evidence = claim.evidence.get()
    check_now(evidence.source)

    page = client.get(f"/factchecks/{claim.pk}-{claim.slug}/").content.decode()
    assert '<p class="quote-page">p. 3</p>' in page
    body = api(viewer).get(f"/api/v1/evidence/{evidence.pk}/").json()
    assert (body["quote_status"], body["quote_page"]) == ("found", 3)


def test_a_blank_page_is_no_scan_and_an_absent_quote_is_missing(http_server):
    url = http_server.route("/avec-blanc.pdf", headers=PDF, body=pdf([REPORT[0], [], REPORT[2]]))
    absent = cite(url, quote="le chiffre a triplé en un an")
    check_now(absent.source)
    absent.refresh_from_db()
    assert absent.quote_status == QuoteStatus.MISSING


def test_numbered_headings_opening_pages_are_text_not_running_headers():
    read = pdf_text(pdf([[f"Article {n}", "Le ministre fixe les modalités."] for n in (12, 13, 14)]))
    assert "Article 12" in read.text and "Article 14" in read.text
    assert HEADER not in read.text


def test_a_compound_cut_at_a_line_end_is_still_found(http_server):
    url = http_server.route("/compose.pdf", headers=PDF, body=pdf([["Il a perdu son porte-", "monnaie hier soir."]]))
    evidence = cite(url, quote="son porte-monnaie hier")
    check_now(evidence.source)
    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND


def test_a_footer_saying_page_n_of_m_is_left_out_on_the_last_page_too():
    pages = [["Début du texte, suite au verso", "sans fin de phrase"], ["et fin de la phrase ici."]]
    document = pdf(pages, footer=lambda number, count: f"Page {number} sur {count}")
    read = pdf_text(document)
    assert "Page 2 sur 2" not in read.text and "Page 1 sur 2" not in read.text
    assert "sans fin de phrase et fin de la phrase ici." in read.text
