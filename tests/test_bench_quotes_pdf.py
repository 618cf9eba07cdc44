"""`make bench-quotes`'s PDF set (issue 12) holds what it says: each passage on the page it records, written with the
French typography it names, and none of its negatives; the desk's reader finds the one and not the other."""

import random

from bench.quotes import pdfset, typed
from claims.sources import extract, pagetext
from claims.sources.quotes import ReadText


def small_set() -> list[pdfset.Document]:
    return pdfset.build(7, count=5, long={}, pages=(2, 4))


def test_the_pdf_set_is_deterministic_and_writes_what_it_names():
    documents = small_set()

    assert pdfset.digest(documents) == pdfset.digest(small_set())
    assert {d.accents for d in documents} == set(pdfset.ACCENTS)
    assert any(d.ligatures for d in documents) and any(not d.ligatures for d in documents)
    assert any(p.layout == pdfset.PAGE_BREAK for d in documents for p in d.passages)
    assert sum(d.cut_words for d in documents) > 0
    assert all(d.negatives for d in documents)


def test_the_desk_finds_the_passages_on_their_pages_and_not_the_negatives():
    for document in small_set():
        reading = extract.read(extract.Document(content_type=pdfset.CONTENT_TYPE, body=document.body, text=""))
        text = ReadText(reading)
        normalized = text.normalized

        assert not reading.unread_because and not reading.unread_part_because
        assert len(reading.page_starts) == document.pages
        for passage in document.passages:
            hurried = next(t for t in typed.variants(passage.text, "fr", random.Random(1)) if t.variant == "in a hurry")
            assert pagetext.quote_found(passage.text, normalized), (document.id, passage.text)
            assert pagetext.quote_found(hurried.text, normalized), (document.id, hurried.text)
            assert text.page_of(hurried.text) == passage.page, (document.id, passage)
        for negative in document.negatives:
            assert not pagetext.quote_found(negative.text, normalized), (document.id, negative)
