"""Pathological pages: the three issue 9 names, and pages at the edges of the desk's reading budget.

Each ends with one sentence of text, the passage asked for: whether the desk reads that far says whether it read the
page at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.quotes.texts import FRENCH

PASSAGE = "Ce paragraphe clôt la page et sert de témoin de lecture."


@dataclass(frozen=True)
class Hostile:
    id: str
    what: str
    # Named by issue 9 (its 2 s and 300 MB hold for them), or an edge of the budget, reported for information.
    named: bool
    content_type: str
    body: bytes
    quote: str = PASSAGE

    @property
    def path(self) -> str:
        return f"/hostile/{self.id}.html"


def _html(inside: str) -> bytes:
    return f"<html><body>{inside}<p>{PASSAGE}</p></body></html>".encode()


def _prose(size: int, *, paragraph_words: int) -> list[str]:
    """French prose of about `size` bytes in paragraphs, no two sentences alike (so every shingle differs)."""
    sentences = [s for kind in ("news", "ministry", "court") for s in FRENCH.filler[kind] if "{" not in s]
    paragraphs, total, index = [], 0, 0
    while total < size:
        words: list[str] = []
        while len(words) < paragraph_words:
            words += f"{sentences[index % len(sentences)][:-1]} ({index}).".split()
            index += 1
        paragraph = " ".join(words)
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + 7
    return paragraphs


def pages() -> list[Hostile]:
    html = "text/html; charset=utf-8"
    hidden = '<span style="display:none">w</span>'
    link = '<a href="#">w</a>'
    prose = _prose(4_880_000, paragraph_words=400)
    return [
        Hostile("p-4.9MB", "4.9 MB of `<p>w</p>` (612,000 paragraphs)", True, html, _html("<p>w</p>" * 612_000)),
        Hostile("a-4.6MB", '4.6 MB of `<a href="#">w</a>` (270,000 links)', True, html, _html(link * 270_000)),
        Hostile("hidden-4.8MB", f"4.8 MB of `{hidden}` (137,000 hidden spans)", True, html, _html(hidden * 137_000)),
        Hostile(
            "p-main-edge",
            "`<p>w</p>` × 19,990: just under the tag budget for extracting the main text",
            False,
            html,
            _html("<p>w</p>" * 19_990),
        ),
        Hostile(
            "p-read-edge",
            "`<p>w</p>` × 99,990: just under the tag budget for reading at all",
            False,
            html,
            _html("<p>w</p>" * 99_990),
        ),
        Hostile(
            "a-read-edge",
            f"`{link}` × 99,990: just under the tag budget for reading",
            False,
            html,
            _html(link * 99_990),
        ),
        Hostile(
            "hidden-read-edge",
            "hidden spans × 99,990 (3.5 MB): just under the tag budget for reading",
            False,
            html,
            _html(hidden * 99_990),
        ),
        Hostile(
            "prose-4.9MB",
            f"4.9 MB of prose in {len(prose):,} paragraphs: few tags, so the main text is extracted",
            False,
            html,
            _html("".join(f"<p>{p}</p>" for p in prose)),
        ),
        Hostile(
            "plain-4.9MB",
            "4.9 MB of plain text (`text/plain`)",
            False,
            "text/plain; charset=utf-8",
            ("\n\n".join(prose) + "\n\n" + PASSAGE + "\n").encode(),
        ),
        Hostile(
            "nested-300",
            "the passage inside 300 nested `<div>`",
            False,
            html,
            f"<html><body>{'<div>' * 300}<p>{PASSAGE}</p>{'</div>' * 300}</body></html>".encode(),
        ),
    ]
