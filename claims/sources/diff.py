"""What changed between two snapshots of a page: their texts compared sentence by sentence, cited quotes marked.

A page's text is someone else's and may be hostile: the work is bounded (so much text compared, so many sentences,
so long spent matching, so many rows shown) and whatever is cut is said.
"""

from __future__ import annotations

import bisect
import difflib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from claims.sources import pagetext

# Of each text, so much is compared; the rest is said to be left out.
MAX_TEXT_CHARS = 400_000
# A sentence longer than this (a page of one endless line) is compared in pieces of about this length.
MAX_UNIT_CHARS = 1_000
# Sentences compared on each side.
MAX_UNITS = 5_000
# Unchanged sentences shown before and after each change.
CONTEXT = 2
# Rows shown, and characters in them: the page stays readable and light.
MAX_ROWS = 2_000
MAX_SHOWN_CHARS = 300_000
# Time spent matching the two texts; past it they are shown as one removed and the other added.
MATCH_SECONDS = 2.0

# The end of a sentence: its final punctuation and any closing quote or bracket, then a space. Possessive, and only
# from the first mark of a run: a page of 400,000 dots with no space took minutes to backtrack through otherwise.
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'»”’)\]]*+\s+")
_LINE = re.compile(r"[^\n]+")

Op = Literal["same", "removed", "added", "skipped"]


@dataclass(frozen=True)
class Segment:
    text: str
    # Part of a cited quote.
    quoted: bool = False


@dataclass(frozen=True)
class Row:
    """One sentence of either text, or a run of unchanged sentences left out (`skipped` of them)."""

    op: Op
    segments: tuple[Segment, ...] = ()
    skipped: int = 0


@dataclass
class SnapshotDiff:
    rows: list[Row] = field(default_factory=list)
    removed: int = 0
    added: int = 0
    # A text was longer than what is compared, or the rows were more than are shown.
    truncated: bool = False
    # The texts could not be matched within the time allowed: one is shown removed, the other added.
    too_different: bool = False


@dataclass(frozen=True)
class _Unit:
    key: str
    start: int
    end: int


def _units(text: str) -> list[_Unit]:
    """The text's sentences, line by line, as (whitespace-insensitive key, span); long ones in pieces."""
    units: list[_Unit] = []
    for line in _LINE.finditer(text):
        start = line.start()
        bounds = [end.end() for end in _SENTENCE_END.finditer(line.group())]
        for end in [*(line.start() + b for b in bounds), line.end()]:
            while end - start > MAX_UNIT_CHARS:
                cut = text.rfind(" ", start + MAX_UNIT_CHARS // 2, start + MAX_UNIT_CHARS)
                cut = cut + 1 if cut != -1 else start + MAX_UNIT_CHARS
                _add(units, text, start, cut)
                start = cut
            _add(units, text, start, end)
            start = end
            if len(units) > MAX_UNITS:
                return units
    return units


def _add(units: list[_Unit], text: str, start: int, end: int) -> None:
    key = " ".join(text[start:end].split())
    if key:
        units.append(_Unit(key, start, end))


class _OverBudget(Exception):
    pass


class _BoundedMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher, which gives up once its time is spent: two hostile texts could keep it busy for long."""

    def __init__(self, a: Sequence[str], b: Sequence[str], *, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        super().__init__(None, a, b)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        if time.monotonic() > self.deadline:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


def snapshots_diff(old_text: str, new_text: str, *, quotes: Sequence[str] = ()) -> SnapshotDiff:
    """The sentences removed from `old_text` and added in `new_text`, with some unchanged ones around them and every
    sentence holding a cited quote; the quotes marked on both sides."""
    diff = SnapshotDiff(truncated=len(old_text) > MAX_TEXT_CHARS or len(new_text) > MAX_TEXT_CHARS)
    old_text, new_text = old_text[:MAX_TEXT_CHARS], new_text[:MAX_TEXT_CHARS]
    old, new = _units(old_text), _units(new_text)
    if len(old) > MAX_UNITS or len(new) > MAX_UNITS:
        diff.truncated = True
        old, new = old[:MAX_UNITS], new[:MAX_UNITS]
    old_marks = _Marks(pagetext.quote_spans(list(quotes), old_text))
    new_marks = _Marks(pagetext.quote_spans(list(quotes), new_text))
    try:
        opcodes = _BoundedMatcher([u.key for u in old], [u.key for u in new], seconds=MATCH_SECONDS).get_opcodes()
    except _OverBudget:
        diff.too_different = True
        opcodes = [("replace", 0, len(old), 0, len(new))]
    shown = _Shown(diff)
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            keep = {j for j in range(j1, j2) if new_marks.touches(new[j])}
            if index > 0:
                keep.update(range(j1, min(j1 + CONTEXT, j2)))
            if index < len(opcodes) - 1:
                keep.update(range(max(j2 - CONTEXT, j1), j2))
            skipped = 0
            for j in range(j1, j2):
                if j not in keep:
                    skipped += 1
                    continue
                if skipped:
                    shown.skip(skipped)
                    skipped = 0
                shown.add("same", new_marks.segments(new_text, new[j]))
            if skipped:
                shown.skip(skipped)
            continue
        for i in range(i1, i2):
            diff.removed += 1
            shown.add("removed", old_marks.segments(old_text, old[i]))
        for j in range(j1, j2):
            diff.added += 1
            shown.add("added", new_marks.segments(new_text, new[j]))
    return diff


class _Marks:
    """The quotes' spans on one text, for cutting its sentences into quoted and unquoted segments."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.ends = [end for _start, end in spans]

    def _overlapping(self, unit: _Unit) -> list[tuple[int, int]]:
        first = bisect.bisect_right(self.ends, unit.start)
        found = []
        for start, end in self.spans[first:]:
            if start >= unit.end:
                break
            found.append((max(start, unit.start), min(end, unit.end)))
        return found

    def touches(self, unit: _Unit) -> bool:
        return bool(self._overlapping(unit))

    def segments(self, text: str, unit: _Unit) -> tuple[Segment, ...]:
        segments, position = [], unit.start
        for start, end in self._overlapping(unit):
            if start > position:
                segments.append(Segment(text[position:start]))
            segments.append(Segment(text[start:end], quoted=True))
            position = end
        if position < unit.end:
            segments.append(Segment(text[position : unit.end]))
        return tuple(segments)


class _Shown:
    """The rows shown, up to MAX_ROWS and MAX_SHOWN_CHARS; past them, the diff says it is truncated."""

    def __init__(self, diff: SnapshotDiff) -> None:
        self.diff = diff
        self.chars = 0

    def _full(self) -> bool:
        if len(self.diff.rows) >= MAX_ROWS or self.chars >= MAX_SHOWN_CHARS:
            self.diff.truncated = True
            return True
        return False

    def add(self, op: Op, segments: tuple[Segment, ...]) -> None:
        if not self._full():
            self.diff.rows.append(Row(op, segments))
            self.chars += sum(len(segment.text) for segment in segments)

    def skip(self, count: int) -> None:
        if not self._full():
            self.diff.rows.append(Row("skipped", skipped=count))
