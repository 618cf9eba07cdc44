"""The font the tests' and the benchmarks' PDFs are written with: Debian's DejaVu Sans (fonts-dejavu-core, which
scripts/ensure-test-tools.sh installs), for its accents and its ﬁ ﬂ ﬀ ligature glyphs."""

from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pdf_font() -> str:
    """The font's path, or a clear error saying what to install."""
    if not FONT.exists():
        raise RuntimeError(f"{FONT} is missing: apt-get install fonts-dejavu-core (scripts/ensure-test-tools.sh does)")
    return str(FONT)
