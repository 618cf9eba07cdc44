"""Reading a PDF's text (pypdfium2) within a budget, mended for matching: what PDFs do to French text undone.

A PDF is laid out, not written: words are cut at line ends, ligatures stand for two letters, accents may come apart
from their letters, and every page repeats its header and footer. The text handed back keeps its pages (where each
starts), so that a quote found can be cited with its page number.
"""

from __future__ import annotations

import dataclasses
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pypdfium2

# Pages read at the most, and seconds spent reading them: a 300-page report is read in about a second; past either
# bound the rest is not read, and a quote not found in what was read is not taken as missing.
MAX_PAGES = 2_000
MAX_SECONDS = 10.0
# A page with fewer characters of text than this, and a picture, may be a scan (its text a header or a number).
SCAN_TEXT_CHARS = 300
# A line is a running header or footer when it opens or closes at least this share of the pages (and two).
REPEATED_SHARE = 0.5
# Lines looked at for headers at the top of a page, and for footers at its bottom.
EDGE_LINES = 2

# A spacing accent a PDF wrote before its letter (´e, as TeX's fonts draw it), and the combining accent it stands for.
_SPACING_ACCENTS = {"´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "¨": "\u0308", "¸": "\u0327", "˜": "\u0303"}
# The grave accent only before the vowels French puts it on: a backtick elsewhere is a backtick.
_ACCENT_BEFORE = re.compile(r"([´ˆ¨¸˜])\s?([a-zA-Z])|(`)([aeuAEU])")
# A word cut at a line's end: a letter, a hyphen, the line's end, then a lower-case letter going on.
_CUT_WORD = re.compile(r"(\w)[-\u00ad]\s*\n\s*(?=[a-zà-ÿœæ])")
_PDFIUM_CUT_WORD = re.compile("\ufffe(?=[a-zà-ÿœæ])")


@dataclass(frozen=True)
class PdfText:
    """A PDF's text, its pages joined: `page_starts[i]` is where page i + 1 starts in `text`."""

    text: str
    page_starts: tuple[int, ...]
    # Pages that are pictures with no text of their own (scans), and whether the budget stopped the reading early.
    pages_without_text: int = 0
    cut_short: bool = False
    # Why it could not be read at all ("" when it was): a broken or encrypted file.
    unreadable: bool = False


def pdf_text(body: bytes) -> PdfText:
    """The PDF's text, page by page, mended; never raises for a hostile or broken file."""
    try:
        document = pypdfium2.PdfDocument(body)
    except pypdfium2.PdfiumError:
        return PdfText(text="", page_starts=(), unreadable=True)
    pages: list[str] = []
    # Pages with a picture and little text: scans, if nothing but a running header or footer is their text.
    pictures: list[bool] = []
    cut_short = False
    try:
        deadline = time.monotonic() + MAX_SECONDS
        for index in range(len(document)):
            if index >= MAX_PAGES or time.monotonic() > deadline:
                cut_short = True
                break
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(textpage.get_text_range())
                finally:
                    textpage.close()
                pictures.append(len(pages[-1].strip()) < SCAN_TEXT_CHARS and _has_image(page))
            finally:
                page.close()
    except pypdfium2.PdfiumError:
        cut_short = True
    finally:
        document.close()
    lines = _without_running_lines([_page_lines(page) for page in pages])
    # A scan: a picture whose page has no text of its own. A blank page is no scan.
    scans = sum(1 for page, picture in zip(lines, pictures, strict=False) if picture and not any(page))
    return dataclasses.replace(_joined(lines, cut_short=cut_short), pages_without_text=scans)


def _has_image(page: pypdfium2.PdfPage) -> bool:
    return next(iter(page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2)), None) is not None


def _page_lines(text: str) -> list[str]:
    """A page's lines, its accents put back on their letters, without the NULs a database refuses."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    # PDFium writes a hyphen that cuts a word at a line's end as U+FFFE, the line's end swallowed: the word is made
    # whole where a lower-case letter goes on, and the hyphen and the line's end put back anywhere else.
    text = _PDFIUM_CUT_WORD.sub("", text).replace("\ufffe", "-\n")
    text = _ACCENT_BEFORE.sub(lambda m: (m[2] or m[4]) + _SPACING_ACCENTS[m[1] or m[3]], text)
    # Combining accents composed with their letters, and the ligatures (ﬁ, ﬂ, ﬀ) split into their letters.
    text = unicodedata.normalize("NFC", text)
    text = text.replace("ﬁ", "fi").replace("ﬂ", "fl").replace("ﬀ", "ff").replace("ﬃ", "ffi").replace("ﬄ", "ffl")
    return [line.strip() for line in text.split("\n")]


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """The pages without the headers and footers they repeat (page numbers told apart), nor bare page numbers."""

    def key(line: str, number: int) -> str:
        # The page's own number told apart ("Page 3 sur 12"), not other numbers: "Article 12" opening a page is text.
        # Once: on the last page of "Page 12 sur 12", the total is the page's number too.
        return re.sub(rf"(?<!\d){number}(?!\d)", "#", line, count=1)

    def edges(lines: list[str]) -> list[str]:
        filled = [line for line in lines if line]
        return filled[:EDGE_LINES] + filled[-EDGE_LINES:]

    counts = Counter(k for n, lines in enumerate(pages, 1) for k in {key(line, n) for line in edges(lines)})
    running = {k for k, count in counts.items() if count >= max(2, REPEATED_SHARE * len(pages))}
    kept = []
    for n, lines in enumerate(pages, 1):
        at_edge = set(edges(lines))
        kept.append([line for line in lines if not (line in at_edge and (key(line, n) in running or line.isdigit()))])
    return kept


def _joined(pages: list[list[str]], *, cut_short: bool) -> PdfText:
    """The pages' lines as running text: a word cut at a line's (or a page's) end made whole, other line ends made
    spaces; where each page starts."""
    text = ""
    starts: list[int] = []
    for lines in pages:
        page = _CUT_WORD.sub(r"\1", "\n".join(line for line in lines if line))
        page = " ".join(page.split())
        if text and page and text.endswith("-") and len(text) > 1 and text[-2].isalpha() and page[0].islower():
            # A word cut across the page break: its second half goes on this page's first word.
            text = text[:-1]
            starts.append(len(text))
            text += page
            continue
        if text and page:
            text += " "
        starts.append(len(text))
        text += page
    return PdfText(text=text, page_starts=tuple(starts), cut_short=cut_short)


def page_of(offset: int, page_starts: tuple[int, ...] | list[int]) -> int:
    """The page number (from 1) of a place in the text."""
    page = 0
    for number, start in enumerate(page_starts, start=1):
        if start > offset:
            break
        page = number
    return max(page, 1)
