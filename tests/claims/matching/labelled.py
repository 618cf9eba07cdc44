"""The labelled set of tests/data/matching/labelled.json, published as the desk's fact-checks, and its scoring."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABELLED = Path(__file__).resolve().parents[2] / "data" / "matching" / "labelled.json"


def labelled_set() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LABELLED.read_text(encoding="utf-8"))
    return data


@dataclass
class Scores:
    """Per kind of query: top-1 and top-3 hits of the expected fact-check, or no match where none is expected."""

    queries: Counter[str] = field(default_factory=Counter)
    top1: Counter[str] = field(default_factory=Counter)
    top3: Counter[str] = field(default_factory=Counter)
    no_match: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, query: dict[str, Any], found: list[str]) -> None:
        kind = query["kind"]
        self.queries[kind] += 1
        expected = query["same_as"]
        if expected is None:
            self.no_match[kind] += not found
            if found:
                self.misses.append(f"{kind}: {query['text']!r} matched {found[0]}")
            return
        self.top1[kind] += found[:1] == [expected]
        self.top3[kind] += expected in found[:3]
        if expected not in found[:3]:
            self.misses.append(f"{kind}: {query['text']!r} found {found[:3]}, not {expected}")

    def share(self, counter: Counter[str], kind: str) -> float:
        return counter[kind] / self.queries[kind] if self.queries[kind] else 0.0
