"""Reading a fetched page by its content type, within a budget: its title, its main text and all the text a reader sees.

Whatever a page holds, reading it costs at most about a second and a hundred megabytes: a page with more markup
than the budget is not read (`too_complex`), and one with a lot of it is read the cheap way (all its visible text
stands for its main text). Text handed back holds no NUL, which the database refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import lxml.html
import trafilatura
from lxml import etree

from claims.models import QuoteUnverifiedBecause
from claims.sources import pdf
from claims.sources.fetching import HTML_TYPES, PDF_TYPE

TITLE_MAX_LENGTH = 500
# Tags ("<") in a page, counted before parsing it. trafilatura spends about 40 µs per element and lxml about 2 µs:
# up to this many, the main text is extracted by trafilatura (under a second for the worst markup)...
MAIN_TEXT_MAX_TAGS = 40_000
# (and for pages of fewer tags than that but megabytes of text, up to this many characters: trafilatura took over
# 2 s and 300 MB on 5 MB of prose);
MAIN_TEXT_MAX_CHARACTERS = 1_000_000
# ...up to this many, all the visible text stands for the main text (a fraction of a second, under 100 MB)...
READ_MAX_TAGS = 200_000
# ...and beyond, the page is not read: its quotes stay unverified, and why is said.


@dataclass(frozen=True)
class Document:
    """A page's body as fetched, or as a snapshot kept it."""

    content_type: str
    body: bytes
    # The body as text, for the types the fetcher decodes (HTML and plain text); empty for the others.
    text: str


@dataclass(frozen=True)
class Reading:
    """What the desk read of a page."""

    title: str = ""
    # The main text (the article without navigation, asides and footers, where that can be told): what a snapshot
    # keeps and the fingerprint compares.
    text: str = ""
    # All the text a reader sees on the page: quotes are looked for there, not only in the main text.
    visible: str = ""
    # Why the page's text could not be read (a QuoteUnverifiedBecause), or "" when it was.
    unread_because: str = ""
    # Why part of it could not be read (pages of a PDF that are scans, or past the budget): a quote not found in the
    # rest is not taken as missing. "" when all of it was read.
    unread_part_because: str = ""
    # Where each page starts in `text` and `visible` (the same text for a PDF); empty for documents without pages.
    page_starts: tuple[int, ...] = ()


class Reader(Protocol):
    """How the desk reads one kind of document."""

    def read(self, document: Document, *, main: bool) -> Reading:
        """The page's text; its main text only when `main` (extracting it may cost more than the rest)."""
        ...


def read(document: Document, *, main: bool = True) -> Reading:
    """The page's title, main text and visible text, or why they could not be read."""
    reader = READERS.get(document.content_type)
    if reader is None:
        return Reading(unread_because=QuoteUnverifiedBecause.NOT_READ)
    return reader.read(document, main=main)


def _clean(text: str) -> str:
    return text.replace("\x00", "")


# --- HTML ---------------------------------------------------------------------------------------

# Browsers show what is in <noscript> to readers without JavaScript, and some sites put their article there.
_INVISIBLE_TAGS = frozenset("script style template svg canvas iframe object head".split())
# Block elements separate words even when the markup has no space between them.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table td th tr ul title button label option summary details noscript".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# lxml refuses text that declares its own encoding: XHTML served with an XML declaration.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _parse(html: str) -> lxml.html.HtmlElement | None:
    # huge_tree: past libxml2's default depth (256), markup would be dropped without a word, and a quote still on
    # the page found missing; unclosed tags nest that deep on real pages. READ_MAX_TAGS bounds the tree.
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def html_title(root: lxml.html.HtmlElement) -> str:
    return _clean(" ".join((root.findtext(".//title") or "").split()))[:TITLE_MAX_LENGTH]


def html_visible_text(root: lxml.html.HtmlElement) -> str:
    """All the text a reader of the page sees: headings, body, captions, sidebars; not scripts, styles, hidden parts.

    Takes the hidden parts out of the tree it is given.
    """
    title = root.findtext(".//title") or ""
    unseen = [
        element
        for element in root.iter()
        if not isinstance(element.tag, str)  # comments and processing instructions
        or element.tag in _INVISIBLE_TAGS
        or element.get("hidden") is not None
        or _HIDDEN_STYLE.search(element.get("style") or "")
    ]
    for element in unseen:
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    body = "".join(root.itertext())
    return _clean(" ".join(f"{title}\n{body}".split()))


def html_main_text(html: str) -> tuple[str, str]:
    """The page's title and main text as trafilatura extracts them (empty when it finds no article)."""
    # Fast: without trafilatura's backup extractors, a third of its time.
    extracted = trafilatura.bare_extraction(
        _XML_DECLARATION.sub("", html, count=1),
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        fast=True,
    )
    if extracted is None:
        return "", ""
    title = (getattr(extracted, "title", None) or "").strip()
    text = (getattr(extracted, "text", None) or "").strip()
    return _clean(title)[:TITLE_MAX_LENGTH], _clean(text)


class HTMLReader:
    def read(self, document: Document, *, main: bool) -> Reading:
        tags = document.text.count("<")
        if tags > READ_MAX_TAGS:
            return Reading(unread_because=QuoteUnverifiedBecause.TOO_COMPLEX)
        root = _parse(document.text)
        if root is None:
            return Reading(unread_because=QuoteUnverifiedBecause.NO_TEXT)
        title = html_title(root)
        visible = html_visible_text(root)
        text = ""
        if main and tags <= MAIN_TEXT_MAX_TAGS and len(document.text) <= MAIN_TEXT_MAX_CHARACTERS:
            extracted_title, text = html_main_text(document.text)
            title = extracted_title or title
        return Reading(
            title=title,
            # Where no article was found, or the page is too large to look for one, all of its text stands for it.
            text=text or visible,
            visible=visible,
            unread_because="" if visible else QuoteUnverifiedBecause.NO_TEXT,
        )


# --- Plain text ---------------------------------------------------------------------------------


class PlainTextReader:
    def read(self, document: Document, *, main: bool) -> Reading:
        text = _clean(document.text)
        return Reading(text=text, visible=text, unread_because="" if text.strip() else QuoteUnverifiedBecause.NO_TEXT)


# --- PDF -----------------------------------------------------------------------------------------------


class PDFReader:
    def read(self, document: Document, *, main: bool) -> Reading:
        read = pdf.pdf_text(document.body)
        if read.unreadable or not read.text:
            # A broken or encrypted file, or a scan: no text layer to look for quotes in.
            return Reading(unread_because=QuoteUnverifiedBecause.NO_TEXT_LAYER)
        part = ""
        if read.cut_short:
            part = QuoteUnverifiedBecause.TOO_COMPLEX
        elif read.pages_without_text:
            part = QuoteUnverifiedBecause.SCANNED_PAGES
        return Reading(text=read.text, visible=read.text, unread_part_because=part, page_starts=read.page_starts)


# The one place that knows which documents the desk reads.
READERS: dict[str, Reader] = {
    **dict.fromkeys(HTML_TYPES, HTMLReader()),
    "text/plain": PlainTextReader(),
    PDF_TYPE: PDFReader(),
}
