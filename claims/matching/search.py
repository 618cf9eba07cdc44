"""Finding what makes the same statement as a text: candidates, the model's score, then the rules of statements.py.

Candidates come from the model's vectors, kept in each process's memory (any language), and from PostgreSQL in
the text's own language: full text (the same words, stemmed) and trigrams (close wording). Every candidate is then
scored the same way, by the model's cosine, so that one threshold (FACTCHECK_MATCH_THRESHOLD) serves them all; the
method says what found it. Rules then rule out the close texts that make another statement, and a ruled-out text
shadows those scored well below it: when the closest text says something else, lesser ones do not say the same.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from claims.matching import model
from claims.matching.models import Embedding, ExternalFactCheck, MatchMethod
from claims.matching.statements import statements_differ
from claims.models import Claim
from claims.public.selectors import factchecks_public

Key = tuple[Literal["claim", "external"], int]

# Vectors taken from memory before the rules: the closest, whatever their language.
NEAREST = 30
# Candidates taken from PostgreSQL in the text's language, by full text and by trigrams each.
SAME_LANGUAGE = 10
# A text ruled out by the rules shadows the candidates scored this much below it, or more.
SHADOW_MARGIN = 0.02
# Rows embedded while a refresh read the table may commit after it: each refresh reads this far back again.
REFRESH_OVERLAP = timedelta(minutes=2)
# PostgreSQL's text search configuration for a claim's language (migration claims 0004: any other is French).
TEXT_SEARCH_CONFIG = {"en": "english_unaccent"}


class Scope(StrEnum):
    # The fact-checks readers see, the desk's own and other outlets': what clients (match) are answered from.
    FACTCHECKS = "factchecks"
    # Every claim on the desk, whatever its status: similar claims.
    CLAIMS = "claims"


@dataclass(frozen=True)
class Found:
    key: Key
    score: float
    method: MatchMethod


@dataclass(frozen=True)
class _Candidate:
    key: Key
    text: str
    language: str


def statements_find(
    *, text: str, language: str = "", scope: Scope, exclude: Key | None = None, limit: int | None = None
) -> list[Found]:
    """What makes the same statement as `text` in `scope`, best first; `language` ("" if unknown) adds the full
    text and trigram candidates of that language."""
    limit = limit or settings.FACTCHECK_MATCH_LIMIT
    query = model.text_embed(text)
    index = vector_index(scope)
    found_by: dict[Key, MatchMethod] = {key: MatchMethod.EMBEDDING for key in index.nearest(query, NEAREST)}
    if language and connection.vendor == "postgresql":
        # Close wording outranks the same words, which outranks the model's reading, as the method shown.
        found_by.update(dict.fromkeys(_same_words(text, language, scope), MatchMethod.FULLTEXT))
        found_by.update(dict.fromkeys(_close_wording(text, language, scope), MatchMethod.TRIGRAM))
    found_by.pop(exclude, None)  # type: ignore[arg-type]
    candidates = _candidates(found_by, scope)
    scores = _scores(query, candidates, index)
    results: list[Found] = []
    shadow = 0.0
    for candidate in sorted(candidates, key=lambda c: scores[c.key], reverse=True):
        score = scores[candidate.key]
        if score < settings.FACTCHECK_MATCH_THRESHOLD or score < shadow:
            break
        if statements_differ(text, candidate.text, same_language=candidate.language == language):
            shadow = max(shadow, score - SHADOW_MARGIN)
            continue
        results.append(Found(candidate.key, round(score, 4), found_by[candidate.key]))
        if len(results) == limit:
            break
    return results


# --- The vectors in memory ---------------------------------------------------------------------


class VectorIndex:
    """The vectors of a scope, in this process's memory, brought up to date from the Embedding table before each
    search (two indexed reads of what changed since the last one).

    A claim that leaves the scope (reopened, deleted) keeps its vector here until the process ends: the search
    reads the candidates' rows through the scope's own query, which leaves it out.
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._lock = threading.Lock()
        self._keys: list[Key] = []
        self._positions: dict[Key, int] = {}
        self._matrix = np.empty((1024, model.DIMENSIONS), dtype=np.float32)
        self._seen_until: datetime | None = None

    def __len__(self) -> int:
        return len(self._keys)

    def refresh(self) -> None:
        with self._lock:
            now = timezone.now()
            since = None if self._seen_until is None else self._seen_until - REFRESH_OVERLAP
            for key, vector in _embeddings(self.scope, since):
                self._put(key, model.vector_from_bytes(vector))
            self._seen_until = now

    def nearest(self, vector: model.Vectors, count: int) -> list[Key]:
        self.refresh()
        size = len(self._keys)
        if not size:
            return []
        scores = self._matrix[:size] @ vector
        if size > count:
            best = np.argpartition(scores, -count)[-count:]
        else:
            best = np.arange(size)
        return [self._keys[position] for position in best[np.argsort(-scores[best])]]

    def vector(self, key: Key) -> model.Vectors | None:
        position = self._positions.get(key)
        return None if position is None else self._matrix[position]

    def _put(self, key: Key, vector: model.Vectors) -> None:
        position = self._positions.get(key)
        if position is None:
            position = len(self._keys)
            if position == len(self._matrix):
                grown = np.empty((2 * len(self._matrix), model.DIMENSIONS), dtype=np.float32)
                grown[:position] = self._matrix[:position]
                self._matrix = grown
            self._keys.append(key)
            self._positions[key] = position
        self._matrix[position] = vector


_indexes: dict[Scope, VectorIndex] = {}
_indexes_lock = threading.Lock()


def vector_index(scope: Scope) -> VectorIndex:
    """This process's index of the scope, loaded at its first search."""
    with _indexes_lock:
        if scope not in _indexes:
            _indexes[scope] = VectorIndex(scope)
        return _indexes[scope]


def _embeddings(scope: Scope, since: datetime | None) -> Iterator[tuple[Key, bytes | memoryview]]:
    current = Embedding.objects.filter(model=model.MODEL_NAME)
    if scope == Scope.CLAIMS:
        in_scope = current.filter(claim__isnull=False)
        changed = [Q(embedded_at__gte=since)] if since else [Q()]
    else:
        in_scope = current.filter(Q(claim__first_published_at__isnull=False) | Q(external__isnull=False))
        # A claim published since the last refresh was embedded long before: its publication brings it in.
        changed = [Q(embedded_at__gte=since), Q(claim__published_at__gte=since)] if since else [Q()]
    seen: set[Key] = set()
    for condition in changed:
        rows = in_scope.filter(condition).values_list("claim_id", "external_id", "vector")
        for claim_id, external_id, vector in rows.iterator(chunk_size=2000):
            key: Key = ("claim", claim_id) if claim_id else ("external", external_id)
            if key not in seen:
                seen.add(key)
                yield key, vector


# --- Candidates from PostgreSQL, in the text's language ------------------------------------------------------


def _scope_claims(scope: Scope) -> QuerySet[Claim]:
    return factchecks_public() if scope == Scope.FACTCHECKS else Claim.objects.all()


def _same_words(text: str, language: str, scope: Scope) -> list[Key]:
    """Claims sharing words with the text (any of them, stemmed, accents ignored), most shared first."""
    words = re.findall(r"\w+", text)[:40]
    if not words:
        return []
    config = TEXT_SEARCH_CONFIG.get(language, "french_unaccent")
    tsquery = f"websearch_to_tsquery('{config}', %s)"
    rows = (
        _scope_claims(scope)
        .filter(language=language)
        .extra(where=[f"claims_claim.search_vector @@ {tsquery}"], params=[" or ".join(words)])
        .extra(select={"rank": f"ts_rank(claims_claim.search_vector, {tsquery})"}, select_params=[" or ".join(words)])
        .order_by("-rank")
        .values_list("id", flat=True)[:SAME_LANGUAGE]
    )
    return [("claim", claim_id) for claim_id in rows]


def _close_wording(text: str, language: str, scope: Scope) -> list[Key]:
    """Claims and external fact-checks worded closely (pg_trgm's similarity above its threshold, 0.3)."""
    claims = (
        _scope_claims(scope)
        .filter(language=language)
        .extra(where=["claims_claim.text %% %s"], params=[text])
        .extra(select={"likeness": "similarity(claims_claim.text, %s)"}, select_params=[text])
        .order_by("-likeness")
        .values_list("id", flat=True)[:SAME_LANGUAGE]
    )
    keys: list[Key] = [("claim", claim_id) for claim_id in claims]
    if scope == Scope.FACTCHECKS:
        externals = (
            ExternalFactCheck.objects.filter(language=language)
            .extra(where=["matching_externalfactcheck.claim_reviewed %% %s"], params=[text])
            .extra(
                select={"likeness": "similarity(matching_externalfactcheck.claim_reviewed, %s)"}, select_params=[text]
            )
            .order_by("-likeness")
            .values_list("id", flat=True)[:SAME_LANGUAGE]
        )
        keys += [("external", external_id) for external_id in externals]
    return keys


# --- Scoring ---------------------------------------------------------------------------------------


def _candidates(keys: Iterable[Key], scope: Scope) -> list[_Candidate]:
    """The candidates still in the scope, with their text and language."""
    claim_ids = [id_ for kind, id_ in keys if kind == "claim"]
    external_ids = [id_ for kind, id_ in keys if kind == "external"]
    candidates = [
        _Candidate(("claim", id_), text, language)
        for id_, text, language in _scope_claims(scope)
        .filter(pk__in=claim_ids)
        .order_by()
        .values_list("id", "text", "language")
    ]
    if scope == Scope.FACTCHECKS and external_ids:
        candidates += [
            _Candidate(("external", id_), text, language)
            for id_, text, language in ExternalFactCheck.objects.filter(pk__in=external_ids).values_list(
                "id", "claim_reviewed", "language"
            )
        ]
    return candidates


def _scores(query: model.Vectors, candidates: list[_Candidate], index: VectorIndex) -> dict[Key, float]:
    """The model's cosine of each candidate; those not embedded yet (just written) are embedded now."""
    vectors = {candidate.key: index.vector(candidate.key) for candidate in candidates}
    missing = [candidate for candidate in candidates if vectors[candidate.key] is None]
    for candidate, vector in zip(missing, model.texts_embed([c.text for c in missing]), strict=True):
        vectors[candidate.key] = vector
    return {key: float(vector @ query) for key, vector in vectors.items() if vector is not None}
