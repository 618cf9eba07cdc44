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


@shared_task(acks_late=True, soft_time_limit=300, time_limit=330, ignore_result=True)
def embeddings_missing_task() -> None:
    """Catch up on the texts without a vector (imports, claims older than matching), a batch at a time, and have
    the claims among them suggested their similar claims. Beat runs it every few minutes."""
    for claim_id in services.embeddings_missing():
        claim_similar_task.delay(claim_id)
