"""Reading a fetched page by its content type: its title, its main text and all the text a reader sees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import lxml.html
import trafilatura
from lxml import etree

from claims.sources.fetching import HTML_TYPES

TITLE_MAX_LENGTH = 500


@dataclass(frozen=True)
class Document:
    """A page's body as fetched, or as a snapshot kept it."""

    content_type: str
    body: bytes
    # The body as text, for the types the fetcher decodes (HTML and plain text); empty for the others.
    text: str


@dataclass(frozen=True)
class Extract:
    """What a snapshot keeps of a page: its title and its main text, which the fingerprint compares."""

    title: str
    text: str


class Reader(Protocol):
    """How the desk reads one kind of document."""

    def main(self, document: Document) -> Extract:
        """The title and the main text (the article without navigation, asides and footers, where it can tell)."""
        ...

    def visible(self, document: Document) -> str:
        """All the text a reader sees on the page: quotes are looked for there, not only in the main text."""
        ...


def main_text(document: Document) -> Extract:
    """The page's title and main text; both empty for a kind of document the desk does not read."""
    reader = READERS.get(document.content_type)
    return reader.main(document) if reader is not None else Extract(title="", text="")


def visible_text(document: Document) -> str | None:
    """All the text a reader sees; None for a kind of document the desk does not read (its quotes stay unverified)."""
    reader = READERS.get(document.content_type)
    return reader.visible(document) if reader is not None else None


# --- HTML ---------------------------------------------------------------------------------------

_INVISIBLE_TAGS = frozenset("script style noscript template svg canvas iframe object head".split())
# Block elements separate words even when the markup has no space between them.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table td th tr ul title button label option summary details".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def html_visible_text(html: str) -> str:
    """All the text a reader of the page sees: headings, body, captions, sidebars; not scripts, styles, hidden parts."""
    root = _parse(html)
    if root is None:
        return ""
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
    return " ".join(f"{title}\n{body}".split())


def html_article(html: str) -> Extract:
    """The page's title and main text as trafilatura extracts them; the visible text when it finds no article."""
    # Fast: without trafilatura's backup extractors, a third of its time. Quotes are looked for in all the
    # visible text, not in this extract; the extract is what the snapshot keeps and the fingerprint compares.
    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, fast=True
    )
    title = (getattr(extracted, "title", None) or "").strip() if extracted is not None else ""
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not title:
        root = _parse(html)
        title = (root.findtext(".//title") or "").strip() if root is not None else ""
    return Extract(title=title[:TITLE_MAX_LENGTH], text=text or html_visible_text(html))


class HTMLReader:
    def main(self, document: Document) -> Extract:
        return html_article(document.text)

    def visible(self, document: Document) -> str:
        return html_visible_text(document.text)


# --- Plain text ---------------------------------------------------------------------------------


class PlainTextReader:
    def main(self, document: Document) -> Extract:
        return Extract(title="", text=document.text)

    def visible(self, document: Document) -> str:
        return document.text


# The one place that knows which documents the desk reads; a PDF reader goes here too.
READERS: dict[str, Reader] = {
    **dict.fromkeys(HTML_TYPES, HTMLReader()),
    "text/plain": PlainTextReader(),
}
