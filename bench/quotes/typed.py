"""Quotes as people type them: the ways a passage seen on a page comes back typed into the desk.

Core variants are those the issue names and the desk promises to read through (PRODUCT.md, "Quote verification
compares normalized text..."): the recall target is measured on them. Extended variants are other common ways of
typing the same passage, reported apart, for information.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bench.quotes.markup import NARROW_NBSP, NBSP, SOFT_HYPHEN, straight_marks

CORE = (
    "copied from the page",
    "as seen",
    "straight quotes and apostrophes",
    "typographic quotes and apostrophes",
    "non-breaking spaces",
    "upper case",
    "lower case",
    "dash typed as hyphen",
    "ellipsis typed otherwise",
    "extra spaces",
    "ß typed ss",
    "in a hurry",
)
EXTENDED = (
    "em dash typed --",
    "spaces around a dash",
    "no space before % or €",
    "capital accents dropped",
    "apostrophe typed ´",
)


@dataclass(frozen=True)
class Typed:
    variant: str
    text: str

    @property
    def core(self) -> bool:
        return self.variant in CORE


_DASHES = re.compile("[–—]")
_SPACES = re.compile(f"[{NBSP}{NARROW_NBSP}]")
# A person typing the passage leaves out what cannot be seen.
_UNSEEN = re.compile(f"[{SOFT_HYPHEN}\u200b]")


def as_seen(text: str) -> str:
    """The passage as a reader sees it, retyped letter for letter: soft hyphens left out, nothing else changed."""
    return _UNSEEN.sub("", text)


def typographic(text: str, language: str) -> str:
    """The passage typed with the language's typographic marks where the page has straight ones, or the language's
    other typographic convention where it has them already (French “ ” for « », German » « for „ “)."""
    if any(mark in text for mark in "'\""):
        text = text.replace("'", "’")
        pairs = {"fr": ("«\u00a0", "\u00a0»"), "de": ("„", "“"), "en": ("“", "”")}[language]
        parts = text.split('"')
        return "".join(part + (pairs[i % 2] if i < len(parts) - 1 else "") for i, part in enumerate(parts))
    if language == "fr":
        return re.sub(r"«[\s\u00a0\u202f]*", "“", re.sub(r"[\s\u00a0\u202f]*»", "”", text))
    if language == "de":
        return text.replace("„", "»").replace("“", "«") if "„" in text else text.replace("»", "„").replace("«", "“")
    return text


def variants(passage: str, language: str, rng: random.Random) -> list[Typed]:
    """Every way this passage is typed, core and extended; a variant equal to one before it is left out."""
    seen = as_seen(passage)

    def spaced(text: str) -> str:
        # A non-breaking space or two where the typist's keyboard (or the text they pasted from) put one, and the
        # page's own non-breaking spaces typed with the space bar.
        out = _SPACES.sub(" ", text).split(" ")
        for index in rng.sample(range(1, len(out)), k=min(2, len(out) - 1)):
            out[index] = NBSP + out[index]
        return " ".join(out).replace(" " + NBSP, NBSP)

    def extra_spaces(text: str) -> str:
        out = text.split(" ")
        for index in rng.sample(range(1, len(out)), k=min(2, len(out) - 1)):
            out[index] = " " + out[index]
        return "  " + " ".join(out) + " "

    hurried = _DASHES.sub("-", straight_marks(seen)).replace("…", "...").lower()
    candidates = [
        ("copied from the page", passage),
        ("as seen", seen),
        ("straight quotes and apostrophes", straight_marks(seen)),
        ("typographic quotes and apostrophes", typographic(seen, language)),
        ("non-breaking spaces", spaced(seen)),
        ("upper case", seen.upper()),
        ("lower case", seen.lower()),
        ("dash typed as hyphen", _DASHES.sub("-", seen)),
        ("ellipsis typed otherwise", seen.replace("…", "...") if "…" in seen else seen.replace("...", "…")),
        ("extra spaces", extra_spaces(seen)),
        ("ß typed ss", seen.replace("ß", "ss")),
        ("in a hurry", _SPACES.sub(" ", hurried)),
        ("em dash typed --", re.sub("[–—]", "--", seen)),
        ("spaces around a dash", re.sub(r"(\w)—(\w)", r"\1 - \2", seen)),
        ("no space before % or €", re.sub(r"[ \u00a0\u202f]([%€])", r"\1", seen)),
        ("capital accents dropped", seen.translate(str.maketrans("ÉÈÊÀÂÇÔÎ", "EEEAACOI"))),
        ("apostrophe typed ´", seen.replace("’", "´").replace("'", "´")),
    ]
    typed: list[Typed] = []
    texts = set()
    for variant, text in candidates:
        if text in texts:
            continue
        texts.add(text)
        typed.append(Typed(variant, text))
    return typed


def negative_variants(passage: str, language: str) -> list[Typed]:
    """How a passage that must not be found is typed: as seen, with straight marks, in lower case."""
    seen = as_seen(passage)
    out: list[Typed] = []
    for variant, text in (
        ("as seen", seen),
        ("straight quotes and apostrophes", straight_marks(seen)),
        ("lower case", seen.lower()),
    ):
        if text not in {t.text for t in out}:
            out.append(Typed(variant, text))
    return out
