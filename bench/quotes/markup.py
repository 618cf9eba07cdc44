"""How CMSs turn text into a page's bytes: typography, entities, inline markup, soft hyphens, charsets and headers."""

from __future__ import annotations

import codecs
import random
import re
from dataclasses import dataclass

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
SOFT_HYPHEN = "\u00ad"

# How a CMS writes the characters that are not plain ASCII letters.
NAMED = {
    "’": "&rsquo;",
    "‘": "&lsquo;",
    "“": "&ldquo;",
    "”": "&rdquo;",
    "„": "&bdquo;",
    "‚": "&sbquo;",
    "«": "&laquo;",
    "»": "&raquo;",
    "–": "&ndash;",
    "—": "&mdash;",
    "…": "&hellip;",
    NBSP: "&nbsp;",
    SOFT_HYPHEN: "&shy;",
    "é": "&eacute;",
    "è": "&egrave;",
    "ê": "&ecirc;",
    "à": "&agrave;",
    "ç": "&ccedil;",
    "É": "&Eacute;",
    "ä": "&auml;",
    "ö": "&ouml;",
    "ü": "&uuml;",
    "Ü": "&Uuml;",
    "ß": "&szlig;",
    "€": "&euro;",
    "£": "&pound;",
}
# Old Windows CMSs wrote the windows-1252 code point of a character as a numeric reference (&#146; for ’);
# browsers read these as the windows-1252 character (HTML's numeric character reference rules).
LEGACY = {
    "’": "&#146;",
    "‘": "&#145;",
    "“": "&#147;",
    "”": "&#148;",
    "„": "&#132;",
    "–": "&#150;",
    "—": "&#151;",
    "…": "&#133;",
    "œ": "&#156;",
    "€": "&#128;",
}
ENTITY_STYLES = ("raw", "named", "numeric", "legacy")


def escape(text: str, style: str) -> str:
    """Text as HTML: markup characters escaped, the rest written raw or as entities in the CMS's `style`."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if style == "raw":
        return text
    if style == "named":
        table = NAMED
    elif style == "legacy":
        table = {**{c: f"&#{ord(c)};" for c in (NBSP, SOFT_HYPHEN)}, **LEGACY}
    else:
        table = {}
    out = []
    for char in text:
        if char in table:
            out.append(table[char])
        elif style == "numeric" and ord(char) > 127:
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# --- Typography ---------------------------------------------------------------------------------------------

_FRENCH_SPACES = (
    (re.compile(r"« "), "«{}"),
    (re.compile(r" »"), "{}»"),
    (re.compile(r" ([:;!?%])"), "{}\\1"),
)


def french_spacing(text: str, space: str) -> str:
    """French typography's spaces inside « » and before : ; ! ? %, written as `space` (non-breaking, narrow...)."""
    for pattern, replacement in _FRENCH_SPACES:
        text = pattern.sub(replacement.format(space), text)
    return text


_STRAIGHT = str.maketrans({"’": "'", "‘": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})


def straight_marks(text: str, *, apostrophes_only: bool = False) -> str:
    """The text as a CMS without smart quotes prints it: ' and " instead of ’ ‘ “ ” „ (and « » when asked)."""
    if apostrophes_only:
        return text.replace("’", "'")
    text = text.translate(_STRAIGHT)
    return re.sub(r"«[\s\u00a0\u202f]*", '"', re.sub(r"[\s\u00a0\u202f]*»", '"', text))


def german_guillemets(text: str) -> str:
    """„…“ as »…« (books and some German sites), ‚…‘ as ›…‹."""
    return text.replace("„", "»").replace("“", "«").replace("‚", "›").replace("‘", "‹")


def soft_hyphens(text: str, rng: random.Random) -> str:
    """Soft hyphens in the long words, as CMSs with automatic hyphenation write them."""

    def hyphenate(match: re.Match[str]) -> str:
        word = match.group(0)
        cuts = sorted(rng.sample(range(3, len(word) - 3), k=min(3, (len(word) - 6) // 3)))
        return "".join(
            SOFT_HYPHEN + word[a:b] if a else word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)
        )

    return re.sub(r"\w{10,}", hyphenate, text)


# --- Inline markup ------------------------------------------------------------------------------------------

_WRAPPERS = (
    ("<em>", "</em>"),
    ("<strong>", "</strong>"),
    ('<a href="/{slug}">', "</a>"),
    ('<span class="highlight">', "</span>"),
    ('<a href="/{slug}" class="internal"><em>', "</em></a>"),
    ("<i>", "</i>"),
    ('<span lang="{lang}">', "</span>"),
)
_TRAILING_PUNCTUATION = re.compile(r"[,.;:!?»“”\"')]+$")


def rich(
    text: str,
    *,
    style: str,
    rng: random.Random,
    lang: str,
    inline: bool = False,
    dropcap: bool = False,
    source_breaks: bool = False,
    line_breaks: bool = False,
    word_breaks: bool = False,
) -> str:
    """The text as a paragraph's HTML: escaped in `style`, with inline elements around some words (`inline`), a drop
    cap on its first letter, line breaks in the HTML source (`source_breaks`), <br> between lines (`line_breaks`) or
    <wbr> in long words (`word_breaks`). What a reader sees is the text itself."""
    words = text.split(" ")
    pieces = [escape(word, style) for word in words]
    if word_breaks:
        for index, word in enumerate(words):
            if len(word) >= 12 and word.isalpha():
                cut = rng.randrange(4, len(word) - 4)
                pieces[index] = escape(word[:cut], style) + "<wbr />" + escape(word[cut:], style)
    if inline and len(words) > 3:
        taken: set[int] = set()
        for _ in range(rng.randint(2, 3)):
            start = rng.randrange(len(words) - 1)
            end = min(len(words) - 1, start + rng.randint(0, 3))
            if taken & set(range(start, end + 1)):
                continue
            taken |= set(range(start, end + 1))
            opening, closing = rng.choice(_WRAPPERS)
            opening = opening.format(slug=f"sujet/{rng.randrange(10_000)}", lang=lang)
            last = pieces[end]
            tail = _TRAILING_PUNCTUATION.search(words[end])
            if tail and len(tail.group(0)) < len(words[end]):
                # Punctuation after a link or an emphasis is usually left out of it.
                cut = len(escape(words[end][: tail.start()], style))
                pieces[end] = last[:cut] + closing + last[cut:]
            else:
                pieces[end] = last + closing
            pieces[start] = opening + pieces[start]
    if dropcap:
        first = words[0]
        lead = len(first) - len(first.lstrip("«„“\"'" + NBSP + NARROW_NBSP))
        if lead < len(first):
            pieces[0] = (
                escape(first[:lead], style)
                + f'<span class="dropcap">{escape(first[lead], style)}</span>'
                + escape(first[lead + 1 :], style)
            )
    if line_breaks and len(pieces) > 6:
        at = sorted(rng.sample(range(2, len(pieces) - 2), k=2))
        for index in at:
            pieces[index] = "<br />\n" + pieces[index]
        return " ".join(pieces).replace(" <br />\n", "<br />\n")
    if source_breaks:
        out = [pieces[0]]
        for piece in pieces[1:]:
            out.append(("\n" + " " * rng.choice((6, 8, 12))) if rng.random() < 0.25 else " ")
            out.append(piece)
        return "".join(out)
    return " ".join(pieces)


# --- Charsets and how the page is served --------------------------------------------------------------------


@dataclass(frozen=True)
class Serving:
    """How a page's bytes are encoded and its charset declared: header, <meta>, BOM, XML declaration."""

    name: str  # the awkward case it is, as the report names it
    codec: str  # what the bytes are in
    content_type: str  # the Content-Type header
    meta: str = ""  # a <meta> charset declaration in <head>
    bom: bool = False
    xml_declaration: str = ""
    xhtml: bool = False
    entities: str = ""  # forces the entity style (XHTML: numeric, old CMS: legacy)

    @property
    def charset(self) -> str:
        """What the bytes really are in, as a browser names it."""
        return codecs.lookup(self.codec).name

    def encode(self, html: str) -> bytes:
        body = html.encode(self.codec, errors="xmlcharrefreplace")
        return codecs.BOM_UTF8 + body if self.bom else body


SERVINGS = (
    Serving("utf-8, header", "utf-8", "text/html; charset=utf-8", meta='<meta charset="utf-8">'),
    Serving("utf-8, <meta> only", "utf-8", "text/html", meta='<meta charset="utf-8">'),
    Serving(
        "utf-8, http-equiv only",
        "utf-8",
        "text/html",
        meta='<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
    ),
    Serving("utf-8 BOM, undeclared", "utf-8", "text/html", bom=True),
    # Apache's AddDefaultCharset on a file saved with a BOM: the BOM wins in browsers.
    Serving("utf-8 BOM, header says iso-8859-1", "utf-8", "text/html; charset=ISO-8859-1", bom=True),
    Serving("windows-1252, header", "cp1252", "text/html; charset=windows-1252"),
    Serving(
        "windows-1252, <meta> only",
        "cp1252",
        "text/html",
        meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ),
    # Most pages labelled iso-8859-1 hold windows-1252 bytes (’ as 0x92); browsers decode the label as windows-1252.
    Serving("iso-8859-1 label, windows-1252 bytes", "cp1252", "text/html; charset=iso-8859-1"),
    Serving("iso-8859-15, header", "iso8859-15", "text/html; charset=iso-8859-15"),
    Serving("iso-8859-15, <meta> only", "iso8859-15", "text/html", meta='<meta charset="iso-8859-15">'),
    # No declaration at all: browsers of these languages' locales fall back to windows-1252.
    Serving("windows-1252, undeclared", "cp1252", "text/html"),
    Serving(
        "XHTML as application/xhtml+xml, utf-8",
        "utf-8",
        "application/xhtml+xml",
        xml_declaration='<?xml version="1.0" encoding="utf-8"?>',
        xhtml=True,
        entities="numeric",
    ),
    Serving(
        "XHTML as application/xhtml+xml, iso-8859-1 in the XML declaration",
        "iso8859-1",
        "application/xhtml+xml",
        xml_declaration='<?xml version="1.0" encoding="iso-8859-1"?>',
        xhtml=True,
        entities="numeric",
    ),
    Serving(
        "XHTML as text/html with an XML declaration",
        "utf-8",
        "text/html; charset=utf-8",
        xml_declaration='<?xml version="1.0" encoding="UTF-8"?>',
        xhtml=True,
        meta='<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
    ),
    Serving(
        "windows-1252 numeric references (&#146;)",
        "utf-8",
        "text/html; charset=utf-8",
        meta='<meta charset="utf-8">',
        entities="legacy",
    ),
)
# How often each serving comes up, out of 20 pages: utf-8 as on most of the web, every other case in each language.
SERVING_CYCLE = (0, 1, 0, 2, 0, 3, 0, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12, 0, 13, 14)
