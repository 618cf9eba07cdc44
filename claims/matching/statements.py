"""Whether two close texts still make different statements: another figure, a negation, the opposite way, other names.

The multilingual model puts "DeepSeek cost 6 million dollars" and "DeepSeek cost 6 billion dollars" closer together
(cosine 0.99) than the same claim in French and English (0.94): it reads what a text is about, not what it says of
it. These rules, French and English, read the few things that turn one claim into another. They only ever rule a
pair out; they never make one match. tests/data/matching/labelled.json is the set they are measured on.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH_STOP_WORDS


class Difference(StrEnum):
    FIGURES = "figures"
    NEGATION = "negation"
    DIRECTION = "direction"
    PERIOD = "period"
    NAMES = "names"
    SWAP = "swap"


@dataclass(frozen=True)
class Statement:
    """What the rules read of a text."""

    # Numbers with their scale ("6 millions" is 6e6, "2,4 %" is (2.4, "%")), years and dates included.
    figures: frozenset[tuple[float, str]]
    negated: bool
    # "up" (rose, hausse, gagné...), "down" (fell, baisse, perdu...), both or neither.
    directions: frozenset[str]
    # "day", "week", "month", "year": users per day are not users per week.
    periods: frozenset[str]
    # The words of the text in order, for the names (below) and the one-word swaps.
    words: tuple[str, ...]


_SCALES = {
    "mille": 1e3,
    "milliers": 1e3,
    "thousand": 1e3,
    "thousands": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "md": 1e9,
    "mds": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
}
_NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "one": 1,
    "deux": 2,
    "two": 2,
    "trois": 3,
    "three": 3,
    "quatre": 4,
    "four": 4,
    "cinq": 5,
    "five": 5,
    "six": 6,
    "sept": 7,
    "seven": 7,
    "huit": 8,
    "eight": 8,
    "neuf": 9,
    "nine": 9,
    "dix": 10,
    "ten": 10,
    "vingt": 20,
    "twenty": 20,
    "cent": 100,
    "hundred": 100,
}
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# 3,000 / 3 000 / 3.000 (thousands), 7,3 / 7.3 (decimals); then an optional percent sign and scale word.
_NUMBER = r"\d+(?:[ \u00a0\u202f,.]\d{3}(?!\d))*(?:[.,]\d+)?"
_FIGURE = re.compile(
    rf"(?<![\w-])(?P<number>{_NUMBER}|(?:{_WORD})(?=\s+(?:{_SCALE})\b))"
    rf"\s*(?P<percent>%|pour\s*cent\b|percent\b|per\s+cent\b)?"
    rf"(?:\s*(?P<scale>{_SCALE})\b)?",
    re.IGNORECASE,
)
# "un agriculteur sur cinq", "one farmer in five", "1 in 5": a share, the same figure as "20 %".
_SHARE = re.compile(
    rf"(?<![\w-])(?P<part>\d+|{_WORD})\s+(?:\w+\s+)?(?:sur|in|out\s+of)\s+(?P<whole>\d+|{_WORD})\b", re.IGNORECASE
)
_NEGATION = re.compile(
    r"\b(?:pas|jamais|aucun|aucune|rien|nullement|sauf\s+si|à\s+moins|not|never|no|none|nobody|nothing|neither|nor"
    r"|unless)\b|n['’]t\b",
    re.IGNORECASE,
)
_UP = re.compile(
    r"\b(?:hausse|augment\w*|mont[ée]\w*|grimp\w*|progress\w*|gagn\w*|ouvert\w*|recrut\w*|embauch\w*|autoris\w*"
    r"|plus\s+(?:de|que|cher)|more|higher|rose|rise[sn]?|rising|increas\w*|climb\w*|grew|grow\w*|gain\w*|open(?:ed|s)?"
    r"|hired?|recruit\w*|allow\w*|permit\w*)\b",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"\b(?:baiss\w*|diminu\w*|recul\w*|chut\w*|tomb[ée]\w*|descend\w*|perd\w*|r[ée]dui\w*|ferm[ée]\w*|supprim\w*"
    r"|interdi\w*|bloqu\w*|moins|fewer|less|lower|fell|fall\w*|drop\w*|decreas\w*|declin\w*|lost|los[es]\w*"
    r"|reduc\w*|clos\w*|cut\w*|ban(?:s|ned)?|block\w*|prohibit\w*)\b",
    re.IGNORECASE,
)
_PERIODS = {
    "day": re.compile(
        r"\b(?:daily|per\s+day|a\s+day|each\s+day|every\s+day|quotidien\w*|par\s+jour|chaque\s+jour)\b", re.I
    ),
    "week": re.compile(
        r"\b(?:weekly|per\s+week|a\s+week|each\s+week|every\s+week|hebdomadaire\w*|par\s+semaine"
        r"|chaque\s+semaine)\b",
        re.I,
    ),
    "month": re.compile(
        r"\b(?:monthly|per\s+month|a\s+month|each\s+month|every\s+month|mensuel\w*|par\s+mois"
        r"|chaque\s+mois)\b",
        re.I,
    ),
    "year": re.compile(
        r"\b(?:yearly|annually|per\s+year|a\s+year|each\s+year|every\s+year|annuel\w*|par\s+an\b"
        r"|chaque\s+année)\b",
        re.I,
    ),
}
# Words, and the marks that end a run of names (a comma between "Reuters" and "Tencent"), kept as "".
_WORDS = re.compile(r"\w+(?:-\w+)*|[,;:.!?()«»\"“”]")
# A one-word (or few-word) swap in an otherwise identical sentence changes the claim: "médecin" to "dentiste".
_SWAP_WORDS = 3


@cache
def statement_read(text: str) -> Statement:
    return Statement(
        figures=frozenset(_figures(text)),
        negated=bool(_NEGATION.search(text)),
        directions=frozenset(
            direction for direction, pattern in (("up", _UP), ("down", _DOWN)) if pattern.search(text)
        ),
        periods=frozenset(period for period, pattern in _PERIODS.items() if pattern.search(text)),
        # Without the letters left of elisions and possessives (l'Italie, Union's): they are not words of their own.
        words=_words(text),
    )


def statements_differ(first: str, second: str, *, same_language: bool) -> Difference | None:
    """Why two texts make different statements, or None when nothing here tells them apart."""
    a, b = statement_read(first), statement_read(second)
    # Each has a figure the other lacks: 6 million is not 6 billion. A figure on one side only is a detail added.
    if a.figures - b.figures and b.figures - a.figures:
        return Difference.FIGURES
    if a.negated != b.negated:
        return Difference.NEGATION
    if {a.directions, b.directions} == {frozenset({"up"}), frozenset({"down"})}:
        return Difference.DIRECTION
    if a.periods and b.periods and a.periods != b.periods:
        return Difference.PERIOD
    # A name swapped around a name in common is another claim (France, Italie blocking DeepSeek). Other differences
    # in names are too often the same one written otherwise (JO, Jeux olympiques; Rome, Italie) to tell.
    if _names_swapped(a.words, b.words):
        return Difference.NAMES
    if same_language and _one_swap(a.words, b.words):
        return Difference.SWAP
    return None


def _words(text: str) -> tuple[str, ...]:
    # Without the letters left of elisions and possessives (l'Italie, Union's): they are not words of their own.
    words = (word for part in re.split(r"['’]", text) for word in _WORDS.findall(part))
    return tuple(
        word if word[0].isalnum() or word[0] == "_" else "" for word in words if len(word) > 1 or not word.isalnum()
    )


def _figures(text: str) -> set[tuple[float, str]]:
    figures = set()
    for match in _FIGURE.finditer(text):
        number = match["number"].lower()
        value = float(_NUMBER_WORDS[number]) if number in _NUMBER_WORDS else _number(number)
        if match["scale"]:
            value *= _SCALES[match["scale"].lower()]
        figures.add((value, "%" if match["percent"] else ""))
    for match in _SHARE.finditer(text):
        part, whole = (_word_or_number(match[name]) for name in ("part", "whole"))
        if whole:
            figures.discard((part, ""))
            figures.discard((whole, ""))
            figures.add((round(100 * part / whole, 1), "%"))
    return figures


def _number(written: str) -> float:
    # A separator followed by exactly three digits groups thousands; any other comma or point is the decimal one.
    written = re.sub(r"[ \u00a0\u202f,.](?=\d{3}(?!\d))", "", written)
    return float(written.replace(",", "."))


def _word_or_number(written: str) -> float:
    return float(_NUMBER_WORDS.get(written.lower(), 0)) if not written.isdigit() else float(written)


def _names_swapped(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Each text names someone the other does not, around a name they share: another claim in the same frame
    (Tencent, Alibaba launching a model better than DeepSeek's). A name found in the other text in any spelling
    close enough (France, French; Olympic, olympiques; US, United States) is shared."""
    found_a, missing_a = _names_found(first, other=second)
    found_b, missing_b = _names_found(second, other=first)
    return bool(missing_a and missing_b and (found_a or found_b))


def _names_found(words: tuple[str, ...], *, other: tuple[str, ...]) -> tuple[int, int]:
    """How many of the names in `words` (runs of capitalised words: "United States Congress") the other text has,
    and how many it lacks."""
    other_keys = {_name_key(word) for word in other}
    other_initials = _initials(other)
    found = missing = 0
    for run in _name_runs(words, other=other):
        # An acronym is the other language's words as often as not (OCDE, OECD; JO, Olympic Games): it tells nothing.
        if all(word.isupper() for word in run):
            continue
        if any(word in other_initials or any(_keys_close(_name_key(word), key) for key in other_keys) for word in run):
            found += 1
        else:
            missing += 1
    return found, missing


def _name_runs(words: tuple[str, ...], *, other: tuple[str, ...] | None) -> list[list[str]]:
    """Runs of capitalised words, which a comma or another mark (the empty word) ends. With `other`, the text's
    first word is a name only if written like one (DeepSeek) or written so in the other text."""
    other_names = {word.lower() for word in (other or ())[1:] if word[:1].isupper()}
    runs: list[list[str]] = []
    run: list[str] = []
    for position, word in enumerate((*words, "")):
        is_name = len(word) > 1 and word[0].isupper() and word.lower() not in _stop_words()
        if is_name and other is not None and position == 0 and word.lower() not in other_names and word[1:].islower():
            is_name = False
        if is_name:
            run.append(word)
        elif run:
            runs.append(run)
            run = []
    return runs


def _name_key(word: str) -> str:
    """Its first four letters, accents removed, or the whole word when it holds a figure (GPT-3 is not GPT-4)."""
    plain = unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()
    return plain if any(character.isdigit() for character in plain) else plain[:4]


def _keys_close(first: str, second: str) -> bool:
    if first == second:
        return True
    if len(first) != len(second) or any(character.isdigit() for character in first + second):
        return False
    return sum(a != b for a, b in zip(first, second, strict=True)) <= 1


def _initials(words: tuple[str, ...]) -> set[str]:
    """The acronyms the capitalised runs of `words` make: European Union gives EU."""
    initials = set()
    for run in _name_runs(words, other=None):
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                initials.add("".join(name[0] for name in run[start:end]).upper())
    return initials


def _one_swap(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """The two texts are the same words but for one short run replaced by another."""
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in first], b=[w.lower() for w in second], autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if len(changes) != 1:
        return False
    kind, a_start, a_end, b_start, b_end = changes[0]
    if kind != "replace" or a_end - a_start > _SWAP_WORDS or b_end - b_start > _SWAP_WORDS:
        return False
    # An acronym for the words it stands for is the same name (EU, European Union).
    swapped = first[a_start:a_end], second[b_start:b_end]
    return not any(
        len(run) == 1 and run[0].isupper() and run[0] in _initials(other) for run, other in (swapped, swapped[::-1])
    )


# Months and days take a capital in English only: they are dates, not names.
_CALENDAR = frozenset(
    "january february march april may june july august september october november december monday tuesday"
    " wednesday thursday friday saturday sunday".split()
)


@cache
def _stop_words() -> frozenset[str]:
    return frozenset(FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS | _CALENDAR)
