"""PDFs written for the tests (fpdf2, with a Unicode font): French text laid out as reports are, page by page."""

from __future__ import annotations

import io
from collections.abc import Callable

from fpdf import FPDF
from PIL import Image

from harness.pdf_font import pdf_font

HEADER = "Institut national de la statistique — Rapport annuel 2024"

# A scan: a page that is only a picture of text.
SCAN = object()


def pdf(
    pages: list[list[str] | object],
    *,
    header: str = HEADER,
    numbered: bool = True,
    footer: Callable[[int, int], str] = lambda number, count: str(number),
) -> bytes:
    """A PDF with one page per item: its lines, each on a line of its own as written (a word cut with a hyphen at a
    line's end stays cut), under a running header and over a page number; SCAN for a page that is an image."""
    document = FPDF(format="A4")
    document.add_font("DejaVu", fname=pdf_font())
    document.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        document.add_page()
        document.set_font("DejaVu", size=9)
        if header:
            document.set_xy(20, 10)
            document.cell(text=header)
        if lines is SCAN:
            picture = io.BytesIO()
            Image.new("L", (400, 200), color=200).save(picture, format="PNG")
            document.image(picture, x=20, y=40, w=160)
        else:
            document.set_font("DejaVu", size=11)
            for row, line in enumerate(lines):  # type: ignore[arg-type]
                document.set_xy(20, 30 + row * 7)
                document.cell(text=line)
        if numbered:
            document.set_font("DejaVu", size=9)
            document.set_xy(100, 285)
            document.cell(text=footer(number, len(pages)))
    return bytes(document.output())
