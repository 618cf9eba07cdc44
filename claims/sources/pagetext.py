"""Text once read from a page: the form quotes are compared in, quote matching, hashes and the fingerprint."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

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


def _fold(text: str) -> str:
    """normalize() less what depends on a character's neighbours (spaces, dashes and brackets around it)."""
    # NFKC also turns the ellipsis into three dots and non-breaking spaces into spaces; an acute accent typed for an
    # apostrophe goes first, since NFKC would make it a space and a combining accent.
    text = unicodedata.normalize("NFKC", text.replace("´", "'"))
    # The Turkish dotless ı is the i a reader types in capitals (YILMAZ for Yılmaz).
    return _INVISIBLE.sub("", _DASHES.sub("-", _QUOTE_MARKS.sub(" ", text)).casefold()).replace("ı", "i")


# What normalize() does after _fold and evening out the spaces, in order: literal strings are replaced as they are.
_NEIGHBOUR_STEPS: tuple[tuple[re.Pattern[str] | str, str], ...] = (
    (_SPACE_BEFORE_PUNCTUATION, ""),
    (_DASH_RUNS, "-"),
    ("( ", "("),
    ("[ ", "["),
)


def normalize(text: str) -> str:
    """The form in which a quote and a page are compared: NFKC, case-folded, typographic marks and spaces evened out."""
    text = " ".join(_fold(text).split())  # each run of whitespace to one space; thrice as fast as re.sub(r"\s+")
    for pattern, replacement in _NEIGHBOUR_STEPS:
        text = text.replace(pattern, replacement) if isinstance(pattern, str) else pattern.sub(replacement, text)
    return text


def quote_found(quote: str, normalized_page: str) -> bool:
    """Is the quoted passage on the page, whatever quotes, apostrophes, dashes and spaces either side used?

    The page comes as normalize() gives it, so that a page cited by several quotes is normalized once.
    """
    wanted = normalize(quote)
    return bool(wanted) and wanted in normalized_page


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def fingerprint(text: str) -> str:
    """A 64-bit SimHash of the text's word trigrams, as 16 hex digits: close texts get close fingerprints.

    Bit i is set when more than half of the trigrams' 64-bit hashes (BLAKE2b, big-endian) have bit i set. numpy
    counts the 64 positions of all hashes at once: in Python it was a tenth of a check's CPU. The values must not
    change (snapshots keep them and new ones are compared with them): tests/claims/sources/test_pagetext.py holds
    this to a plain-Python SimHash.
    """
    words = normalize(text).split()
    shingles = {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)} or {" ".join(words)}
    digests = b"".join(hashlib.blake2b(shingle.encode(), digest_size=8).digest() for shingle in shingles)
    # One row of 64 bits per hash, the most significant first.
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(shingles)
    return np.packbits(majority).tobytes().hex()


def fingerprint_distance(a: str, b: str) -> int:
    """How many of the 64 bits differ: 0 for the same text, about 32 for unrelated texts."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


# Characters that normalize() leaves as they are but for ASCII case: read a run of them at once, not one by one.
# Marks NFKC composes with the character before them: combining accents, Hangul's vowel and final jamo, the kana
# voicing marks.
_COMBINING = "\u0300-\u036f\u1160-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f"
_PLAIN_RUN = re.compile(rf"[a-zA-Z0-9.,;:!?()\[\]%&/+=*#@$<>{{}}|~^_\\]+(?![{_COMBINING}])")
# A character with the combining marks that follow it: NFKC composes them into one (e and U+0301 make é).
_CLUSTER = re.compile(rf".[{_COMBINING}]*", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")


def _substitute(
    text: str, starts: list[int], ends: list[int], pattern: re.Pattern[str], replacement: str
) -> tuple[str, list[int], list[int]]:
    """`pattern.sub(replacement, text)`, each replacement standing for the span of the text it replaced."""
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    position = 0
    for match in pattern.finditer(text):
        first, last = match.start(), match.end()
        pieces.append(text[position:first])
        new_starts += starts[position:first]
        new_ends += ends[position:first]
        pieces.append(replacement)
        new_starts += [starts[first]] * len(replacement)
        new_ends += [ends[last - 1]] * len(replacement)
        position = last
    pieces.append(text[position:])
    new_starts += starts[position:]
    new_ends += ends[position:]
    return "".join(pieces), new_starts, new_ends


def normalize_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """normalize(text), with where each of its characters comes from in `text`: character i of the result stands for
    text[starts[i]:ends[i]]. Slower than normalize(): for marking quotes on a page once they are known to be there."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    while position < len(text):
        match = _PLAIN_RUN.match(text, position) or _WHITESPACE.match(text, position) or _CLUSTER.match(text, position)
        assert match is not None  # noqa: S101 - _CLUSTER matches any character
        first, last = match.span()
        chunk = match.group()
        if match.re is _PLAIN_RUN:
            pieces.append(chunk.lower())
            starts += range(first, last)
            ends += range(first + 1, last + 1)
        else:
            folded = " " if match.re is _WHITESPACE else _fold(chunk)
            pieces.append(folded)
            starts += [first] * len(folded)
            ends += [last] * len(folded)
        position = last
    folded_text = "".join(pieces)
    # The same steps as normalize(), in the same order.
    folded_text, starts, ends = _substitute(folded_text, starts, ends, _WHITESPACE, " ")
    if folded_text.startswith(" "):
        folded_text, starts, ends = folded_text[1:], starts[1:], ends[1:]
    if folded_text.endswith(" "):
        folded_text, starts, ends = folded_text[:-1], starts[:-1], ends[:-1]
    for pattern, replacement in _NEIGHBOUR_STEPS:
        compiled = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        folded_text, starts, ends = _substitute(folded_text, starts, ends, compiled, replacement)
    return folded_text, starts, ends


def quote_spans(quotes: list[str], text: str) -> list[tuple[int, int]]:
    """Where the quotes are in `text`, as quote_found() finds them: (start, end) spans of `text`, in order, merged
    where they overlap."""
    wanted = {normalize(quote) for quote in quotes} - {""}
    normalized = normalize(text)
    wanted = {quote for quote in wanted if quote in normalized}
    if not wanted:
        return []
    folded, starts, ends = normalize_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for quote in wanted:
        found = folded.find(quote)
        while found != -1:
            spans.append((starts[found], ends[found + len(quote) - 1]))
            found = folded.find(quote, found + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
