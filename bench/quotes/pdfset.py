"""The PDF set of issue 12: French reports laid out line by line as PDFs are, each knowing its passages' pages.

Written with fpdf2 and Debian's DejaVu Sans (the font the tests use), one `cell` per line, so that the layout is the
set's own: words cut with a hyphen at a line's end, passages running across a line break and some across a page
break, a running header and footer with the page number on every page, ligature characters (ﬁ ﬂ ﬀ) written as such
in some documents, accents written apart from their letters in others (a combining U+0301 after the letter, or a
spacing ´ ` ˆ before it, as TeX's fonts draw them), guillemets and French spaces as non-breaking spaces. The words
are bench/quotes/texts.py's French ones, filled by pageset.Writer.

Deterministic: the same seed gives the same bytes (the report prints the set's digest). `python -m
bench.quotes.pdfset DIR` writes the PDFs into DIR to look at them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

from bench.quotes.markup import SERVINGS
from bench.quotes.pageset import Page, Writer
from bench.quotes.texts import FRENCH
from claims.sources.pagetext import normalize
from harness.pdf_font import pdf_font

SEED = 20250412
DOCUMENTS = 40
# Documents of this many pages, at these indices: an annual report, a long judgment, a statistics yearbook.
LONG_PAGES = 300
LONG = dict.fromkeys((7, 21, 33), LONG_PAGES)
PAGES = (2, 40)  # the others: this many pages, drawn
CONTENT_TYPE = "application/pdf"

# The page: A4, text from 20 mm to 185 mm, lines of 11 pt every 6 mm from 26 mm to 266 mm.
LEFT, WIDTH = 20.0, 165.0
TOP, LINE, LINES = 26.0, 6.0, 41
KINDS = ("ministry", "statistics", "court", "news")
# Per kind: the title and the running header's words ({site}, {year}, {n}, {case} filled).
TITLES = {
    "ministry": "Dossier de presse — Plan national pour l’intelligence artificielle {year}",
    "statistics": "Insee Résultats n° {n} — Emploi, chômage et prix en {year}",
    "court": "Décision n° {case} du {year}",
    "news": "Revue de presse — L’affaire {org} ({year})",
}
# How the documents write their accents and ligatures, in turn.
ACCENTS = ("composed", "combining after the letter", "spacing before the letter (TeX)")
FOOTERS = ("bare page number", "Page N sur M", "title and page number")
# Where a passage is laid out, as the report names it.
ONE_LINE, LINE_BREAK, PAGE_BREAK = "on one line", "across a line break", "across a page break"

_WORD = re.compile(r"[^\W\d_]+")
_TEX = {"é": "´e", "É": "´E", "è": "`e", "à": "`a", "ù": "`u", "ê": "ˆe", "â": "ˆa", "î": "ˆi", "ô": "ˆo"}
_COMBINING_ACCENTS = re.compile("[éèàùêâîôÉ]")
_TEX_ACCENTS = re.compile("[" + "".join(_TEX) + "]")
_LIGATURES = (("ffi", "ﬃ"), ("ff", "ﬀ"), ("fi", "ﬁ"), ("fl", "ﬂ"))


@dataclass(frozen=True)
class Passage:
    """A passage as the document prints it, the page it starts on, and how it is laid out."""

    text: str
    page: int
    layout: str = ONE_LINE
    cut_word: bool = False  # a word of it is cut with a hyphen at a line's end


@dataclass(frozen=True)
class Negative:
    """A passage that must be reported missing: of another document, or of this one with a figure changed."""

    text: str
    why: str


@dataclass
class Document:
    id: str
    kind: str
    title: str
    header: str
    footer: str
    accents: str
    ligatures: bool
    path: str = ""
    body: bytes = b""
    pages: int = 0
    passages: list[Passage] = field(default_factory=list)
    negatives: list[Negative] = field(default_factory=list)
    seen: str = ""  # the body text as written (before ligatures and accents apart): the truth the checks hold to
    cut_words: int = 0


@dataclass
class _Line:
    text: str
    start: int  # where the line starts in its paragraph
    cut: bool = False  # ends with a word cut by a hyphen


@dataclass
class _Layout:
    """Pages of lines being filled; where each paragraph's lines went."""

    first_page_lines: int
    pages: list[list[str]] = field(default_factory=lambda: [[]])

    @property
    def left(self) -> int:
        capacity = self.first_page_lines if len(self.pages) == 1 else LINES
        return capacity - len(self.pages[-1])

    def put(self, line: str) -> int:
        """The line on the page being filled (or a new one); the page's number."""
        if self.left <= 0:
            self.pages.append([])
        self.pages[-1].append(line)
        return len(self.pages)

    def gap(self) -> None:
        if self.pages[-1] and self.left > 0:
            self.pages[-1].append("")


class _Measure:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.add_font("DejaVu", fname=pdf_font())
        self.pdf.set_font("DejaVu", size=11)
        self.cache: dict[str, float] = {}

    def width(self, text: str) -> float:
        known = self.cache.get(text)
        if known is None:
            known = self.cache[text] = float(self.pdf.get_string_width(text))
        return known


def wrap(text: str, measure: _Measure, rng: random.Random, *, cut: float) -> list[_Line]:
    """The paragraph as lines of at most WIDTH: a line breaks at a plain space (a non-breaking one holds words
    together), and a long word that does not fit is cut with a hyphen, with the chance `cut`, where it can be."""
    lines: list[_Line] = []
    line, start, position = "", 0, 0
    for word in text.split(" "):
        at = position
        position += len(word) + 1
        candidate = f"{line} {word}" if line else word
        if measure.width(candidate) <= WIDTH:
            if not line:
                start = at
            line = candidate
            continue
        split = _cut(line, word, measure) if rng.random() < cut else 0
        if split:
            lines.append(_Line(f"{line} {word[:split]}-" if line else f"{word[:split]}-", start if line else at, True))
            line, start = word[split:], at + split
        else:
            if line:
                lines.append(_Line(line, start))
            line, start = word, at
    if line:
        lines.append(_Line(line, start))
    return lines


def _cut(line: str, word: str, measure: _Measure) -> int:
    """Where to cut `word` so that its first part and a hyphen end the line: after three letters at least, before
    three at least, the rest going on in lower case; 0 if it cannot be cut (not a word of letters alone)."""
    match = _WORD.match(word)
    if not match or len(match.group()) < 7:
        return 0
    letters = match.group()
    for split in range(len(letters) - 3, 2, -1):
        if not letters[split].islower():
            continue
        if measure.width(f"{line} {word[:split]}-" if line else f"{word[:split]}-") <= WIDTH:
            return split
    return 0


def printed(line: str, document: Document) -> str:
    """The line as the document's PDF writes it: ligature characters, accents apart from their letters."""
    if document.ligatures:
        for letters, ligature in _LIGATURES:
            line = line.replace(letters, ligature)
    if document.accents == ACCENTS[1]:
        line = _COMBINING_ACCENTS.sub(lambda m: unicodedata.normalize("NFD", m.group()), line)
    elif document.accents == ACCENTS[2]:
        line = _TEX_ACCENTS.sub(lambda m: _TEX[m.group()], line)
    return line


def build(
    seed: int = SEED, *, count: int = DOCUMENTS, long: dict[int, int] | None = None, pages: tuple[int, int] = PAGES
) -> list[Document]:
    """The whole set, in a stable order; each document checked against the passages it should and should not hold.
    (`count`, `long` and `pages` make a smaller set, for the tests.)"""
    documents: list[Document] = []
    measure = _Measure()
    long = LONG if long is None else long
    for index in range(count):
        rng = random.Random(f"{seed}-pdf-{index}")
        kind = KINDS[index % len(KINDS)]
        page = Page(
            id=f"pdf-{kind}-{index:02d}",
            language="fr",
            kind=kind,
            site=rng.choice(FRENCH.sites[kind]),
            cms="pdf",
            marks=rng.choice(("typographic/nbsp", "typographic/narrow")),
            serving=SERVINGS[0],
        )
        writer = Writer(FRENCH, rng, page)
        title = writer.print(
            TITLES[kind].format(
                year=rng.randint(2019, 2025),
                n=rng.randint(80, 300),
                case=writer.case_number(),
                org=rng.choice(FRENCH.orgs),
            )
        )
        document = Document(
            id=page.id,
            kind=kind,
            title=title,
            header=f"{page.site} — {title}",
            footer=FOOTERS[index // len(ACCENTS) % len(FOOTERS)],
            accents=ACCENTS[index % len(ACCENTS)],
            ligatures=index % 2 == 1,
            path=f"/pdf/{page.id}.pdf",
        )
        _lay_out(document, writer, rng, measure, long.get(index) or rng.randint(*pages))
        documents.append(document)
    _other_documents(documents, random.Random(seed))
    for document in documents:
        _check(document)
    return documents


def _lay_out(document: Document, writer: Writer, rng: random.Random, measure: _Measure, pages: int) -> None:
    """Paragraphs of filler, and the passages among them, until the document has `pages` pages; then its PDF."""
    kind = document.kind
    title_lines = wrap(document.title, measure, rng, cut=0.0)
    layout = _Layout(first_page_lines=LINES - 2 * len(title_lines) - 1)
    # Passages: a few, on pages spread over the document; some of them laid across a page break.
    count = min(2 + pages // 12, 6) + rng.randint(0, 1)
    wanted_pages = sorted(rng.sample(range(1, pages + 1), k=min(count, pages)))
    across = set(rng.sample(range(len(wanted_pages)), k=max(1, len(wanted_pages) // 3))) if pages > 1 else set()
    pool = [*FRENCH.filler[kind], *FRENCH.filler["statistics" if kind == "ministry" else "ministry"]]
    quotable = list(FRENCH.quotable[kind])
    seen: list[str] = []
    written: set[str] = set()
    passages: list[Passage] = []

    def paragraph(text: str, passage_at: int = -1, passage: str = "") -> None:
        lines = wrap(text, measure, rng, cut=0.7)
        layout.gap()
        first_page = last_page = 0
        first_line = last_line = -1
        for number, line in enumerate(lines):
            page = layout.put(line.text)
            document.cut_words += line.cut
            if passage and line.start <= passage_at:
                first_page, first_line = page, number
            if passage and line.start < passage_at + len(passage):
                last_page, last_line = page, number
        seen.append(text)
        if passage:
            layout_name = PAGE_BREAK if last_page > first_page else LINE_BREAK if last_line > first_line else ONE_LINE
            cut = any(
                lines[n].cut and passage_at < lines[n + 1].start < passage_at + len(passage)
                for n in range(len(lines) - 1)
            )
            passages.append(Passage(passage, first_page, layout_name, cut))

    def filler(sentences: int) -> str:
        return " ".join(writer.fill(rng.choice(pool)) for _ in range(sentences))

    for turn, target in enumerate(wanted_pages):
        while len(layout.pages) < target or (
            len(layout.pages) == target and layout.left > LINES // 2 and rng.random() < 0.5
        ):
            paragraph(filler(rng.randint(2, 5)))
        text = writer.fill(rng.choice(quotable))
        if normalize(text) in written:
            continue
        written.add(normalize(text))
        if turn in across:
            # The passage opens a paragraph on the page's last line or the one before: it goes on on the next page.
            while layout.left > 8:
                paragraph(filler(2))
            while layout.left > rng.choice((1, 2)):
                layout.put("")
            paragraph(text + " " + filler(1), 0, text)
        else:
            before = filler(rng.randint(0, 2))
            joined = f"{before} {text}" if before else text
            paragraph(f"{joined} {filler(rng.randint(1, 2))}", len(joined) - len(text), text)
    while len(layout.pages) < pages:
        paragraph(filler(rng.randint(2, 5)))
    document.pages = len(layout.pages)
    document.passages = passages
    document.seen = " ".join(seen)
    document.body = _pdf(document, title_lines, layout.pages)


def _pdf(document: Document, title_lines: list[_Line], pages: list[list[str]]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=pdf_font())
    pdf.set_auto_page_break(False)
    pdf.set_creator("bench-quotes")
    pdf.set_creation_date(datetime(2025, 4, 12, tzinfo=UTC))  # a fixed date: the same seed gives the same bytes
    total = len(pages)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("DejaVu", size=8)
        pdf.set_xy(LEFT, 10)
        pdf.cell(text=printed(document.header, document))
        y = TOP
        if number == 1:
            pdf.set_font("DejaVu", size=11)
            for title_line in title_lines:
                pdf.set_xy(LEFT, y)
                pdf.cell(text=printed(title_line.text, document))
                y += 2 * LINE
            y += LINE
        pdf.set_font("DejaVu", size=11)
        for line in lines:
            if line:
                pdf.set_xy(LEFT, y)
                pdf.cell(text=printed(line, document))
            y += LINE
        pdf.set_font("DejaVu", size=8)
        pdf.set_xy(100 if document.footer == FOOTERS[0] else LEFT, 282)
        footer = {
            FOOTERS[0]: str(number),
            FOOTERS[1]: f"Page {number} sur {total}",
            FOOTERS[2]: f"{document.title} — {number}",
        }[document.footer]
        pdf.cell(text=printed(footer, document))
    return bytes(pdf.output())


def _other_documents(documents: list[Document], rng: random.Random) -> None:
    """The negatives: a passage of another document of the same kind (the same sentence, filled otherwise), and a
    passage of this one with one of its figures changed."""
    for document in documents:
        seen = normalize(f"{document.seen} {document.header} {document.title}")
        others = [p.text for d in documents if d.kind == document.kind and d is not document for p in d.passages]
        others = [text for text in others if normalize(text) not in seen]
        if others:
            document.negatives.append(Negative(rng.choice(others), "a passage of another document"))
        for passage in rng.sample(document.passages, k=min(2, len(document.passages))):
            numbers = list(re.finditer(r"\d+", passage.text))
            if not numbers:
                continue
            number = rng.choice(numbers)
            changed = str(int(number.group()) + rng.choice((1, 2, 10)))
            text = passage.text[: number.start()] + changed + passage.text[number.end() :]
            if normalize(text) not in seen:
                document.negatives.append(Negative(text, "a passage of the document, a figure changed"))


def _check(document: Document) -> None:
    """The generator's own guarantee: each passage is in the text written, each negative is not."""
    seen = normalize(f"{document.seen} {document.header} {document.title}")
    for passage in document.passages:
        if seen.count(normalize(passage.text)) != 1:
            raise AssertionError(f"{document.id}: passage not written once: {passage.text!r}")
    for negative in document.negatives:
        if normalize(negative.text) in seen:
            raise AssertionError(f"{document.id}: negative written: {negative.text!r}")


def digest(documents: list[Document]) -> str:
    sha = hashlib.sha256()
    for document in documents:
        sha.update(f"{document.path}\n".encode())
        sha.update(document.body)
    return sha.hexdigest()[:12]


def write(documents: list[Document], directory: Path) -> None:
    """The PDFs as files, with the manifest.json server.py serves them by."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for document in documents:
        name = document.path.strip("/").replace("/", "__")
        (directory / name).write_bytes(document.body)
        manifest[document.path] = {"file": name, "content_type": CONTENT_TYPE}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    documents = build(args.seed)
    write(documents, args.directory)
    pages = sum(d.pages for d in documents)
    print(f"{len(documents)} PDFs, {pages} pages, digest {digest(documents)}, in {args.directory}")


if __name__ == "__main__":
    main()
