"""Text once read from a page: the form quotes are compared in, quote matching, hashes and the fingerprint."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Characters that differ between how a page prints a passage and how a researcher types it, and what they become.
# Regular expressions rather than str.translate: a mapping of a few characters is much slower on long pages.
_QUOTE_MARKS = re.compile("[\"'`´‘’‚‛′″“”„‟«»‹›]")
_DASHES = re.compile("[‐‑‒–—―−]")
# Soft hyphen, zero-width spaces and joiners; and the dot above that case-folding leaves on an i (İstanbul).
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u0307]")
# A dash typed twice, or with spaces around it, is the dash a page prints (—, –) without them.
_DASH_RUNS = re.compile(r" ?-+ ?")
# French typography puts a (non-breaking) space before these; typed quotes often do not.
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[!?:;,.)\]%€])")


def normalize(text: str) -> str:
    """The form in which a quote and a page are compared: NFKC, case-folded, typographic marks and spaces evened out."""
    # NFKC also turns the ellipsis into three dots and non-breaking spaces into spaces; an acute accent typed for an
    # apostrophe goes first, since NFKC would make it a space and a combining accent.
    text = unicodedata.normalize("NFKC", text.replace("´", "'"))
    # The Turkish dotless ı is the i a reader types in capitals (YILMAZ for Yılmaz).
    text = _INVISIBLE.sub("", _DASHES.sub("-", _QUOTE_MARKS.sub(" ", text)).casefold()).replace("ı", "i")
    text = " ".join(text.split())  # each run of whitespace to one space; three times as fast as re.sub(r"\s+")
    text = _DASH_RUNS.sub("-", _SPACE_BEFORE_PUNCTUATION.sub("", text))
    return text.replace("( ", "(").replace("[ ", "[")


def quote_found(quote: str, normalized_page: str) -> bool:
    """Is the quoted passage on the page, whatever quotes, apostrophes, dashes and spaces either side used?

    The page comes as normalize() gives it, so that a page cited by several quotes is normalized once.
    """
    wanted = normalize(quote)
    return bool(wanted) and wanted in normalized_page


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


FINGERPRINT_BITS = 64


def fingerprint(text: str) -> str:
    """A 64-bit SimHash of the text's word trigrams, as 16 hex digits: close texts get close fingerprints."""
    words = normalize(text).split()
    shingles = {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)} or {" ".join(words)}
    hashes = [int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big") for shingle in shingles]
    return f"{_majority_bits(hashes):016x}"


def _majority_bits(values: list[int]) -> int:
    """Bit i of the result is set when more than half of `values` have bit i set.

    Counts all 64 bit positions at once: `planes[k]` holds bit k of each position's count, and adding a value
    is a binary addition with carries across the planes, a few integer operations instead of 64.
    """
    planes: list[int] = []
    for value in values:
        carry = value
        for k, plane in enumerate(planes):
            planes[k], carry = plane ^ carry, plane & carry
            if not carry:
                break
        if carry:
            planes.append(carry)
    half = len(values) / 2
    result = 0
    for bit in range(FINGERPRINT_BITS):
        count = sum(1 << k for k, plane in enumerate(planes) if plane >> bit & 1)
        if count > half:
            result |= 1 << bit
    return result


def fingerprint_distance(a: str, b: str) -> int:
    """How many of the 64 bits differ: 0 for the same text, about 32 for unrelated texts."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
