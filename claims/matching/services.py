"""Embedding texts, suggesting similar claims, and the researchers' decisions on them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import rules
from claims.errors import InvalidInput, NotFound
from claims.matching import model
from claims.matching.models import Embedding, ExternalFactCheck, SimilarClaim, SuggestionStatus
from claims.matching.search import Scope, statements_find
from claims.models import Claim

# Texts embedded per run of the sweep that catches up on those not embedded yet (about 10 ms each).
EMBED_BATCH = 200


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def embedding_update(*, claim: Claim | None = None, external: ExternalFactCheck | None = None) -> Embedding:
    """The vector of the claim's or external fact-check's current text, made again only if the text or the model
    changed since."""
    text = claim.text if claim is not None else external.claim_reviewed if external is not None else None
    if text is None:
        raise ValueError("embedding_update needs a claim or an external fact-check")
    owner = {"claim": claim} if claim is not None else {"external": external}
    current = Embedding.objects.filter(**owner).first()
    if current is not None and current.digest == _digest(text) and current.model == model.MODEL_NAME:
        return current
    embedding, _created = Embedding.objects.update_or_create(
        **owner,
        defaults={
            "vector": model.vector_to_bytes(model.text_embed(text)),
            "model": model.MODEL_NAME,
            "digest": _digest(text),
            "embedded_at": timezone.now(),
        },
    )
    return embedding


@dataclass(frozen=True)
class Embedded:
    claim_ids: list[int]
    externals: int

    def __bool__(self) -> bool:
        return bool(self.claim_ids or self.externals)


def embeddings_missing(*, limit: int = EMBED_BATCH) -> Embedded:
    """Embed up to `limit` claims and external fact-checks that have no vector of the current model (imported,
    written before matching existed, or embedded by another model)."""
    stale = ~Q(embedding__model=model.MODEL_NAME)
    claims = list(Claim.objects.filter(Q(embedding__isnull=True) | stale).only("id", "text")[:limit])
    externals = list(
        ExternalFactCheck.objects.filter(Q(embedding__isnull=True) | stale).only("id", "claim_reviewed")[
            : max(0, limit - len(claims))
        ]
    )
    vectors = model.texts_embed([c.text for c in claims] + [e.claim_reviewed for e in externals])
    now = timezone.now()
    rows: list[tuple[Claim | None, ExternalFactCheck | None, str]] = [(c, None, c.text) for c in claims]
    rows += [(None, e, e.claim_reviewed) for e in externals]
    for (claim, external, text), vector in zip(rows, vectors, strict=True):
        Embedding.objects.update_or_create(
            claim=claim,
            external=external,
            defaults={
                "vector": model.vector_to_bytes(vector),
                "model": model.MODEL_NAME,
                "digest": _digest(text),
                "embedded_at": now,
            },
        )
    return Embedded([claim.pk for claim in claims], len(externals))


def embeddings_missing_later() -> None:
    """Once the transaction commits, have the texts without a vector embedded by a worker (after an import)."""
    from claims.matching.tasks import embeddings_missing_task

    transaction.on_commit(embeddings_missing_task.delay)


def _pairs_of(claim_id: int) -> Q:
    return Q(claim_a_id=claim_id) | Q(claim_b_id=claim_id)


@transaction.atomic
def similar_claims_find(*, claim_id: int) -> list[SimilarClaim]:
    """Suggest the claims that make the same statement as this one, in any language, and withdraw the suggestions
    that no longer hold (its text changed). Confirmed and dismissed pairs stay as the researchers left them."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return []
    embedding_update(claim=claim)
    found = statements_find(text=claim.text, language=claim.language, scope=Scope.CLAIMS, exclude=("claim", claim.pk))
    pairs = {
        pair.claim_a_id if pair.claim_b_id == claim.pk else pair.claim_b_id: pair
        for pair in SimilarClaim.objects.select_for_update().filter(_pairs_of(claim.pk))
    }
    kept = []
    for match in found:
        other_id = match.key[1]
        pair = pairs.pop(other_id, None)
        if pair is None:
            low, high = sorted((claim.pk, other_id))
            pair = SimilarClaim.objects.create(claim_a_id=low, claim_b_id=high, score=match.score, method=match.method)
        elif pair.status == SuggestionStatus.SUGGESTED:
            pair.score, pair.method = match.score, match.method
            pair.save(update_fields=["score", "method"])
        kept.append(pair)
    SimilarClaim.objects.filter(
        pk__in=[p.pk for p in pairs.values() if p.status == SuggestionStatus.SUGGESTED]
    ).delete()
    return kept


def similar_claims_find_later(claim_id: int) -> None:
    """Once the transaction that wrote the claim commits, have its similar claims found by a worker."""
    from claims.matching.tasks import claim_similar_task

    transaction.on_commit(lambda: claim_similar_task.delay(claim_id))


@transaction.atomic
def similar_claim_decide(*, claim: Claim, other_id: int, status: str, by: User) -> SimilarClaim:
    """A researcher's word on a suggestion: the same claim (confirmed: linked both ways) or another (dismissed:
    never suggested again). Either can be changed later, by the same path."""
    rules.check_may_judge_similar_claims(by)
    if status not in (SuggestionStatus.CONFIRMED, SuggestionStatus.DISMISSED):
        message = _("Say whether it is the same claim (confirmed) or another one (dismissed).")
        raise InvalidInput("invalid", message, errors={"status": [message]})
    low, high = sorted((claim.pk, other_id))
    pair = SimilarClaim.objects.select_for_update().filter(claim_a_id=low, claim_b_id=high).first()
    if pair is None:
        raise NotFound("not_suggested", _("This claim was not suggested as similar to that one."))
    pair.status, pair.decided_by, pair.decided_at = status, by, timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    return pair
