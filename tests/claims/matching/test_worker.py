"""With a real Celery worker process on the `matching` queue: a claim written is suggested its similar claims."""

from __future__ import annotations

import pytest

from claims.matching.models import Embedding, SimilarClaim
from claims.services.claims import claim_create, claim_update
from harness.celery_worker import ThrowawayRedis, Worker, send_into, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SIMILAR = "claims.matching.tasks.claim_similar_task"


@pytest.fixture
def redis():
    server = ThrowawayRedis()
    yield server
    server.stop()


def test_writing_a_claim_or_its_text_asks_for_its_similar_claims_on_the_matching_queue(
    desk_defaults, researcher, published_tasks
):
    claim = claim_create(by=researcher, text="DeepSeek cost only 6 million dollars.", claimant="Sacks", language="en")
    claim_update(claim=claim, by=researcher, changes={"claimant": "David Sacks"})
    claim_update(claim=claim, by=researcher, changes={"text": "DeepSeek cost 6 million dollars."})
    assert published_tasks == [(SIMILAR, "matching"), (SIMILAR, "matching")]


def test_a_worker_suggests_the_same_claim_across_languages(desk_defaults, researcher, redis, published_tasks):
    english = claim_create(
        by=researcher, text="DeepSeek cost only 6 million dollars to build.", claimant="Sacks", language="en"
    )
    french = claim_create(
        by=researcher,
        text="Le développement de DeepSeek n'a coûté que 6 millions de dollars.",
        claimant="X",
        language="fr",
    )
    worker = Worker(redis.url, queues=("matching",))
    try:
        # What the two committed claims asked for (their messages went to the suite's own broker).
        send_into(redis.url, SIMILAR, english.pk)
        send_into(redis.url, SIMILAR, french.pk)
        assert wait_until(lambda: SimilarClaim.objects.exists() and Embedding.objects.count() == 2, timeout=60), (
            worker.output()
        )
    finally:
        worker.stop()
    pair = SimilarClaim.objects.get()
    assert (pair.claim_a_id, pair.claim_b_id, pair.method) == (english.pk, french.pk, "embedding")
