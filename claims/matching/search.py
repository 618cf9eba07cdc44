"""Finding what makes the same statement as a text: candidates, the model's score, then the rules of statements.py.

Candidates come from the model's vectors, kept in each process's memory (any language), and, for similar claims,
from PostgreSQL in the text's own language: full text (any of its words, stemmed) and trigrams (close wording).
A client waiting on `match` goes without the two table-wide searches: they cost most of its time, and at the
threshold the model's nearest already hold what they find (docs/benchmarks.md, bench-match). Every candidate is
scored the same way, by the model's cosine, so that one threshold (FACTCHECK_MATCH_THRESHOLD) serves them all; its
method says how it relates to the text, read from its row: close wording, all the same words, or the same meaning
only. Rules then rule out the close texts that make another statement, and a ruled-out text shadows those scored
well below it: when the closest text says something else, lesser ones do not say the same.
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
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from threadpoolctl import threadpool_limits

from claims.matching import model
from claims.matching.models import Embedding, ExternalFactCheck, MatchMethod
from claims.matching.statements import statements_differ
from claims.models import Claim
from claims.public.selectors import factchecks_public

Key = tuple[Literal["claim", "external"], int]

# One BLAS thread for the product of the vectors, in every process that searches: a request or a task searches
# alone, the processes share the cores, and OpenBLAS's extra threads spin while idle (with two, a match cost twice
# the processor for the same answer: docs/benchmarks.md, bench-match).
threadpool_limits(limits=1, user_api="blas")

# Vectors taken from memory before the rules: the closest, whatever their language.
NEAREST = 30
# Candidates taken from PostgreSQL in the text's language, by full text and by trigrams each.
SAME_LANGUAGE = 10
# pg_trgm's similarity from which two texts are worded closely (its own default threshold).
CLOSE_WORDING = 0.3
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
    method: MatchMethod


def statements_find(
    *,
    text: str,
    language: str = "",
    scope: Scope,
    wording_search: bool = True,
    exclude: Key | None = None,
    limit: int | None = None,
) -> list[Found]:
    """What makes the same statement as `text` in `scope`, best first. With `wording_search` and a `language`
    ("" if unknown), the claims of that language sharing its words or worded closely are candidates too."""
    limit = limit or settings.FACTCHECK_MATCH_LIMIT
    query = model.text_embed(text)
    index = vector_index(scope)
    keys = set(index.nearest(query, NEAREST))
    if wording_search and language and connection.vendor == "postgresql":
        keys.update(_same_words(text, language, scope))
        keys.update(_close_wording(text, language, scope))
    if exclude:
        keys.discard(exclude)
    candidates = _candidates(keys, scope, text, language)
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
        results.append(Found(candidate.key, round(score, 4), candidate.method))
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
        # The first load reads the whole table in chunks; a refresh reads the few rows since (no cursor to open).
        for claim_id, external_id, vector in rows.iterator(chunk_size=2000) if since is None else rows:
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
    """Claims and external fact-checks worded closely (pg_trgm's similarity above its threshold, CLOSE_WORDING)."""
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


def _candidates(keys: Iterable[Key], scope: Scope, text: str, language: str) -> list[_Candidate]:
    """The candidates still in the scope, with their text, language and how they relate to `text`."""
    claim_ids = [id_ for kind, id_ in keys if kind == "claim"]
    external_ids = [id_ for kind, id_ in keys if kind == "external"] if scope == Scope.FACTCHECKS else []
    claims = _scope_claims(scope).filter(pk__in=claim_ids).order_by()
    externals = ExternalFactCheck.objects.filter(pk__in=external_ids)
    if connection.vendor == "postgresql":
        config = TEXT_SEARCH_CONFIG.get(language, "french_unaccent")
        claims = claims.annotate(
            likeness=RawSQL("similarity(claims_claim.text, %s)", [text]),
            same_words=RawSQL(f"claims_claim.search_vector @@ plainto_tsquery('{config}', %s)", [text]),
        )
        externals = externals.annotate(
            likeness=RawSQL("similarity(matching_externalfactcheck.claim_reviewed, %s)", [text]),
        )
    else:
        claims = claims.annotate(likeness=Value(0.0), same_words=Value(False))
        externals = externals.annotate(likeness=Value(0.0))
    candidates = [
        _Candidate(("claim", id_), claim_text, claim_language, _method(claim_language == language, likeness, same))
        for id_, claim_text, claim_language, likeness, same in claims.values_list(
            "id", "text", "language", "likeness", "same_words"
        )
    ]
    if external_ids:
        candidates += [
            _Candidate(("external", id_), reviewed, external_language, _method(external_language == language, likeness))
            for id_, reviewed, external_language, likeness in externals.values_list(
                "id", "claim_reviewed", "language", "likeness"
            )
        ]
    return candidates


def _method(same_language: bool, likeness: float, same_words: bool = False) -> MatchMethod:
    """How a candidate relates to the text: close wording outranks all the same words, which outranks the model's
    reading alone (any language)."""
    if same_language and likeness >= CLOSE_WORDING:
        return MatchMethod.TRIGRAM
    if same_language and same_words:
        return MatchMethod.FULLTEXT
    return MatchMethod.EMBEDDING


def _scores(query: model.Vectors, candidates: list[_Candidate], index: VectorIndex) -> dict[Key, float]:
    """The model's cosine of each candidate; those not embedded yet (just written) are embedded now."""
    vectors = {candidate.key: index.vector(candidate.key) for candidate in candidates}
    missing = [candidate for candidate in candidates if vectors[candidate.key] is None]
    for candidate, vector in zip(missing, model.texts_embed([c.text for c in missing]), strict=True):
        vectors[candidate.key] = vector
    return {key: float(vector @ query) for key, vector in vectors.items() if vector is not None}
