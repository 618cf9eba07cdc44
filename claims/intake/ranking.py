"""Which sentences of an article are worth checking, and why: rules a researcher can read, French and English.

Each rule looks for one thing a fact-checker looks for (a figure, a comparison, an attribution, a name, quoted
speech) or one that makes a sentence unfit to check (a question, a prediction, a first-person opinion, a heading),
and adds its weight to the sentence's score. The reasons a sentence ranks are the rules that applied, stored as
codes and shown in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from spacy.tokens import Doc, Span, Token

from claims.intake.sentences import SENTENCE_END, Sentence, sentences

CLAIMANT_MAX_LENGTH = 200


class Signal(models.TextChoices):
    """Why a sentence ranks where it does."""

    FIGURES = "figures", _("figures or amounts")
    COMPARISON = "comparison", _("a comparison")
    ATTRIBUTION = "attribution", _("attributed to someone")
    QUOTED_SPEECH = "quoted_speech", _("quoted speech")
    NAMES = "names", _("names people or organisations")
    DATE = "date", _("a date")
    QUESTION = "question", _("a question (ranks low)")
    PREDICTION = "prediction", _("a prediction (ranks low)")
    OPINION = "opinion", _("a first-person opinion (ranks low)")
    HEADING = "heading", _("a heading or fragment, not a sentence (ranks low)")


# --- What the rules look for ----------------------------------------------------------------------

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DATE = re.compile(
    rf"\b(\d{{1,2}}(er)?\s+({_MONTHS})(\s+\d{{4}})?|({_MONTHS})\s+\d{{1,2}}(st|nd|rd|th)?(,?\s+\d{{4}})?"
    rf"|({_MONTHS})\s+\d{{4}}|(en|in|depuis|since)\s+(19|20)\d\d|({_DAYS})|hier|yesterday|last (week|month|year)"
    r"|ces derniers (jours|mois)|la semaine dernière|l'an dernier|l'année dernière"
    # A time of day ("à 10h12", "at 9:30 am") is no amount either.
    r"|\d{1,2} ?h ?\d\d|\d{1,2}:\d\d( ?[ap]\.?m\.?)?)\b",
    re.IGNORECASE,
)
# A day and month, a year or a time is a date, not a figure: "mercredi 29 janvier" is no amount to check.
FIGURES = re.compile(
    r"\d|%|€|\$|£|\b(millions?|milliards?|billions?|trillions?|milliers|centaines|dizaines|thousands?|hundreds?"
    r"|dozens?|percent|pour ?cent|dollars?|euros?|moitié|half|tiers|quart|double|triple)\b",
    re.IGNORECASE,
)
COMPARISON = re.compile(
    r"\b((plus|moins|davantage|autant|aussi)\b[^.;]{0,80}?\bque\b|(plus|moins) (de|d')\b|deux fois|fois plus"
    r"|fois moins|le premier|la première|le seul|la seule|record|supérieur|inférieur|dépass\w+|par rapport à"
    r"|comparé|(more|less|fewer) than|\w+er than|the (most|least|first|only|largest|biggest|highest|lowest)\b"
    r"|twice|times (more|as)|compared|record|outnumber\w*|exceed\w*)",
    re.IGNORECASE,
)
# "plus performant", "moins cher": a comparative in French needs no "que"; "ne ... plus" is a negation.
FRENCH_COMPARATIVE = re.compile(r"\b(?<!n')(plus|moins)\s+(?!de\b|d'|que\b)[^\W\d_]{3,}", re.IGNORECASE)
FRENCH_NEGATION_BEFORE = re.compile(r"\b(ne|n')\s*\S*\s*$", re.IGNORECASE)
ATTRIBUTION = re.compile(
    r"\b(selon|d'après|a déclaré|ont déclaré|déclare|affirm\w+|accus(e|ent|ée?s?|ant|ait|aient)"
    r"|(émise?s?|formulée?s?)\b[^.;]{0,40}\bpar|assur\w+|estim\w+|annonc\w+|reconna\w+"
    r"|dénonc\w+|a dit|ont dit|a indiqué|indique|confirm\w+|dément|démenti|soutien\w+|prétend\w+|a expliqué"
    r"|according to|said|says|told|stated|claim(s|ed|ing)?|announc\w+|accus(e|es|ed|ing)|alleg\w+|argu\w+"
    r"|insist\w+|reported"
    r"|denied|denies|warned|admitted|tweeted|wrote)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"«[^»]{12,}»|“[^”]{12,}”|\"[^\"]{12,}\"")
PREDICTION = re.compile(
    r"\b((va|vont|allons|allez)\s+(\w+\s+)?[^\W\d_]+(er|ir|re)\b|devrait|devraient|prévoit|prévoient"
    r"|will|won't|shall|(is|are) (going|expected|likely|set) to|forecasts?|predicts?)\b",
    re.IGNORECASE,
)
OPINION = re.compile(
    r"\b((je|nous)\s+(pense|pensons|crois|croyons|trouve|trouvons|estime|estimons|considère|considérons"
    r"|suis convaincue?|sommes convaincu)|j'(estime|imagine|ai l'impression|en suis sûr)|à mon avis|selon moi"
    r"|à mes yeux|pour ma part|personnellement|il me semble|(i|we)\s+(think|believe|feel|guess|reckon|suppose)"
    r"|i'm (sure|convinced)|in my (opinion|view)|to me,|personally|imho)\b",
    re.IGNORECASE,
)
QUESTION_START = re.compile(r"^(est-ce que|pourquoi|comment|faut-il|peut-on)\b", re.IGNORECASE)

# French spaCy labels for names; all of them, since the small model calls companies and peoples LOC or MISC.
NAME_LABELS = frozenset({"PER", "ORG", "MISC", "LOC"})
# Capitalised words that start English sentences or name no one.
_NOT_NAMES = frozenset(
    "a an and as at but by for from he her his how i if in it its last mr mrs ms next no not of on or our she so "
    "that the their there these they this those to we what when where which who why with yet after before since "
    "according however meanwhile while will would can could should do does did is are was were has have".split()
    + _MONTHS.split("|")
    + _DAYS.split("|")
)
_CAPITALISED = re.compile(r"\b[A-Z][\w&'.-]*[\w]|\b[A-Z]\b")

# Verbs whose subject or agent makes the claim: "X a déclaré", "accusé par X", "X reconnaît".
ATTRIBUTION_LEMMAS = frozenset(
    "déclarer affirmer accuser assurer estimer annoncer reconnaître dénoncer dire indiquer confirmer démentir "
    "soutenir prétendre expliquer souligner avancer revendiquer juger admettre".split()
)
# Parts of a claimant's phrase that belong to the rest of the sentence (a clause hanging off the name).
_CLAUSES = frozenset({"acl", "acl:relcl", "advcl", "ccomp", "xcomp", "punct", "appos", "parataxis"})
_PRONOUNS = frozenset({"PRON"})
ENGLISH_CLAIMANT = (
    re.compile(r"\baccording to (?P<who>[^,.;:]{2,80})", re.IGNORECASE),
    re.compile(r"\b(?:accused|criticised|criticized) by (?P<who>[^,.;:]{2,80})", re.IGNORECASE),
    re.compile(
        r"(?P<who>(?:[A-Z][\w&.'-]+\s)*[A-Z][\w&.'-]+)(?:,[^,]{2,60},)?\s(?:said|says|told|stated|claimed|claims"
        r"|announced|accused|alleged|argued|insisted|wrote|tweeted|warned|admitted|denied)\b"
    ),
    re.compile(r"\b(?:said|says|claimed|stated|wrote)\s(?P<who>(?:[A-Z][\w&.'-]+\s?){1,4})"),
)
FRENCH_CLAIMANT = (
    re.compile(r"\b(?:selon|d'après) (?P<who>[^,.;:]{2,80})", re.IGNORECASE),
    # "accusée, mercredi 29 janvier, par les Américains", "accusations émises à la fois, par OpenAI".
    re.compile(
        r"\b(?:accusée?s?|accusations?|dénoncée?s?|émises?|formulées?)\b(?:[^,.;]{0,40},)?\s*"
        r"par (?P<who>[^,.;:]{2,80})",
        re.IGNORECASE,
    ),
)


# --- The rules ------------------------------------------------------------------------------------


def _words(sentence: Sentence) -> list[str]:
    return sentence.plain.split()


def figures(sentence: Sentence) -> int:
    return int(bool(FIGURES.search(DATE.sub(" ", sentence.plain))))


def comparison(sentence: Sentence) -> int:
    if COMPARISON.search(sentence.plain):
        return 1
    if sentence.language != "fr":
        return 0
    return int(
        any(
            not FRENCH_NEGATION_BEFORE.search(sentence.plain[: found.start()])
            for found in FRENCH_COMPARATIVE.finditer(sentence.plain)
        )
    )


def attribution(sentence: Sentence) -> int:
    return int(bool(ATTRIBUTION.search(sentence.plain)))


def quoted_speech(sentence: Sentence) -> int:
    return int(bool(QUOTED.search(sentence.text)))


def names(sentence: Sentence) -> int:
    """How many people, organisations, companies or countries the sentence names."""
    if sentence.doc is not None:
        found = {
            ent.text
            for ent in sentence.doc.ents
            if ent.label_ in NAME_LABELS and len(ent.text) > 1 and ent.text[0].isupper()
        }
        return len(found)
    return len(_english_names(sentence.plain))


def _english_names(text: str) -> set[str]:
    """Runs of capitalised words, except a sentence's first word when it is a common one ("The", "According")."""
    names: set[str] = set()
    run: list[str] = []
    last_end = -1
    for found in _CAPITALISED.finditer(text):
        word = found.group()
        common = word.lower().strip(".'") in _NOT_NAMES
        if run and found.start() == last_end + 1 and not common:
            run.append(word)
        else:
            if run:
                names.add(" ".join(run))
            run = [] if common else [word]
        last_end = found.end()
    if run:
        names.add(" ".join(run))
    return names


def date(sentence: Sentence) -> int:
    return int(bool(DATE.search(sentence.plain)))


def question(sentence: Sentence) -> int:
    return int(sentence.text.rstrip(' »"”').endswith("?") or bool(QUESTION_START.search(sentence.plain)))


def prediction(sentence: Sentence) -> int:
    if PREDICTION.search(sentence.plain):
        return 1
    doc = sentence.doc
    # The future ("la course s'accélérera", "Deepseek aura prouvé"), as the French model tells it.
    return int(doc is not None and any("Fut" in token.morph.get("Tense", []) for token in doc))


def opinion(sentence: Sentence) -> int:
    return int(bool(OPINION.search(sentence.plain)))


def heading(sentence: Sentence) -> int:
    """A title, a byline, a caption: no closing punctuation, or too few words to state anything."""
    return int(not SENTENCE_END.search(sentence.text) or len(_words(sentence)) < 4)


@dataclass(frozen=True)
class Rule:
    """A thing the desk looks for in a sentence, and what finding it is worth (negative: it ranks the sentence low)."""

    signal: Signal
    weight: float
    # How many times the sentence has it (0: not at all).
    count: Callable[[Sentence], int]
    # Counted at most this many times.
    up_to: int = 1


RULES: tuple[Rule, ...] = (
    # Amounts are what a fact-checker checks first: a source can confirm or refute them.
    Rule(Signal.FIGURES, 4, figures),
    Rule(Signal.COMPARISON, 2, comparison),
    Rule(Signal.ATTRIBUTION, 2, attribution),
    Rule(Signal.QUOTED_SPEECH, 2, quoted_speech),
    Rule(Signal.NAMES, 1, names, up_to=3),
    Rule(Signal.DATE, 1, date),
    Rule(Signal.QUESTION, -4, question),
    Rule(Signal.PREDICTION, -3, prediction),
    Rule(Signal.OPINION, -3, opinion),
    Rule(Signal.HEADING, -3, heading),
)


# --- Who said it ----------------------------------------------------------------------------------


def claimant(sentence: Sentence) -> str:
    """Who the sentence attributes its statement to, as the article names them; "" when it names no one."""
    found = _french_claimant(sentence.doc) if sentence.doc is not None else ""
    if not found:
        found = _claimant_by_pattern(sentence)
    return " ".join(found.split()).strip(" ,;:-")[:CLAIMANT_MAX_LENGTH]


def _claimant_by_pattern(sentence: Sentence) -> str:
    for pattern in FRENCH_CLAIMANT if sentence.language == "fr" else ENGLISH_CLAIMANT:
        match = pattern.search(sentence.plain)
        if match:
            return sentence.text[match.start("who") : match.end("who")]
    return ""


def _french_claimant(doc: Doc) -> str:
    for token in doc:
        if token.lower_ in ("selon", "d'après") and token.head != token:
            return _phrase(doc, token.head)
        if token.pos_ == "VERB" and token.lemma_ in ATTRIBUTION_LEMMAS:
            agents = [child for child in token.children if child.dep_ == "obl:agent"]
            subjects = [child for child in token.children if child.dep_ == "nsubj" and child.pos_ not in _PRONOUNS]
            for who in (*agents, *subjects):
                return _phrase(doc, who)
    return ""


def _phrase(doc: Doc, head: Token) -> str:
    """The noun phrase around `head` ("les Américains", "le référent sur l'IA de Donald Trump"), without the
    preposition before it ("par", "selon") nor a clause hanging off it."""
    kept = {token.i for token in head.subtree}
    for child in head.children:
        if child.dep_ in _CLAUSES or (child.dep_ == "case" and child.i < head.i):
            kept -= {token.i for token in child.subtree}
    left = right = head.i
    while left - 1 in kept:
        left -= 1
    while right + 1 in kept:
        right += 1
    span: Span = doc[left : right + 1]
    return span.text


# --- The ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A sentence with its score and the reasons for it."""

    text: str
    position: int
    score: float
    signals: tuple[Signal, ...]
    claimant: str


def sentence_rank(sentence: Sentence) -> Ranked:
    score = 0.0
    signals: list[Signal] = []
    for rule in RULES:
        times = min(rule.count(sentence), rule.up_to)
        if times:
            score += rule.weight * times
            signals.append(rule.signal)
    return Ranked(
        text=sentence.text,
        position=sentence.position,
        score=score,
        signals=tuple(signals),
        claimant=claimant(sentence) if Signal.ATTRIBUTION in signals else "",
    )


def article_rank(text: str, language: str) -> list[Ranked]:
    """Every sentence of the article, best first (and in the article's order when they score the same)."""
    ranked = [sentence_rank(sentence) for sentence in sentences(text, language)]
    return sorted(ranked, key=lambda r: (-r.score, r.position))
