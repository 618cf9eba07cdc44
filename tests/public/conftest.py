"""Fact-checks that went through the real desk: created, evidenced, reviewed, published, reopened."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Evidence, Snapshot
from tests.factories import claim_at

S = ClaimStatus


def snapshot_of(evidence: Evidence, text: str) -> Snapshot:
    """A capture of the evidence's page, as the source checker would have kept it, set as the page as cited."""
    snapshot = Snapshot.objects.create(
        source=evidence.source,
        final_url=evidence.source.url,
        title="Enquête sur DeepSeek",
        text=text,
        raw_body=b"",
        raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        fetched_at=timezone.make_aware(datetime.datetime(2025, 2, 1, 9, 30)),
    )
    # As the watch sets them (claims.sources.quotes): an update of the row, which leaves no history row.
    Evidence.objects.filter(pk=evidence.pk).update(snapshot=snapshot, cited_snapshot=snapshot)
    evidence.snapshot = evidence.cited_snapshot = snapshot
    return snapshot


@pytest.fixture
def publish(db):
    """publish(**fields): a fact-check published through the real workflow, as the public pages' tests read it."""

    def publish(**fields: Any) -> Claim:
        fields.setdefault("text", "DeepSeek a entraîné son modèle pour six millions de dollars.")
        fields.setdefault("claimant", "David Sacks")
        fields.setdefault("summary", "Le chiffre ne couvre que la dernière phase d’entraînement.")
        return claim_at(
            S.PUBLISHED,
            appearance_url="https://example.com/interview",
            evidence_url="https://example.org/enquete",
            note="Le rapport technique, page 5.",
            **fields,
        )

    return publish
