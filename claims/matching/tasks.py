"""The matching's Celery tasks, on the `matching` queue: the model's work is the processor's, not the network's."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from claims.matching import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=150,
    ignore_result=True,
)
def claim_similar_task(claim_id: int) -> None:
    """Suggest the claims similar to one just written (its text changed, or it is new). Safe to run twice."""
    services.similar_claims_find(claim_id=claim_id)


# Batches of texts embedded by one run of the catch-up before it hands over to a new message (a batch takes a few
# seconds): other messages of the queue get their turn, and the run stays far below its time limit.
CATCH_UP_BATCHES = 20


@shared_task(acks_late=True, soft_time_limit=300, time_limit=330, ignore_result=True)
def embeddings_missing_task() -> None:
    """Catch up on the texts without a vector (imports, claims older than matching), and have the claims among
    them suggested their similar claims. After an import, and every five minutes from beat."""
    for _batch in range(CATCH_UP_BATCHES):
        embedded = services.embeddings_missing()
        for claim_id in embedded.claim_ids:
            claim_similar_task.delay(claim_id)
        if not embedded:
            return
    embeddings_missing_task.delay()
