"""Fact-checks that went through the real desk: created, evidenced, reviewed, published, reopened."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Evidence, Snapshot
from claims.services.claims import claim_create, claim_update
from claims.services.evidence import evidence_add
from claims.services.workflow import claim_transition
from tests.factories import rating

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
    evidence.snapshot = evidence.cited_snapshot = snapshot
    evidence.save(update_fields=["snapshot", "cited_snapshot"])
    return snapshot


def desk_publish(
    researcher: AbstractBaseUser,
    editor: AbstractBaseUser,
    *,
    text: str = "DeepSeek a entraîné son modèle pour six millions de dollars.",
    claimant: str = "David Sacks",
    language: str = "fr",
    verdict: str = "false",
    summary: str = "Le chiffre ne couvre que la dernière phase d’entraînement.",
) -> Claim:
    """A claim taken through the whole workflow by a researcher, then published by an editor."""
    claim = claim_create(
        by=researcher,
        text=text,
        claimant=claimant,
        language=language,
        claim_date=datetime.date(2025, 1, 29),
        appearance_url="https://example.com/interview",
    )
    evidence_add(
        claim=claim,
        url="https://example.org/enquete",
        stance="refutes",
        note="Le rapport technique, page 5.",
        by=researcher,
    )
    claim = claim_update(claim=claim, by=researcher, changes={"rating": rating(verdict), "summary": summary})
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=researcher)
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=researcher)
    return claim_transition(claim=claim, to=S.PUBLISHED, by=editor)


@pytest.fixture
def publish(researcher, editor):
    def publish(**fields: str) -> Claim:
        return desk_publish(researcher, editor, **fields)

    return publish
