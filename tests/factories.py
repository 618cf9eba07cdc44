"""The one way to build each kind of row in the tests: factory_boy for plain rows, the real services for claims
that have moved through the workflow (`claim_at`)."""

import datetime
import itertools
from contextlib import nullcontext
from typing import Any

import factory
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Claim, ClaimStatus, Evidence, QuoteStatus, Rating, Snapshot, Source, Stance
from claims.services.claims import claim_create, claim_update
from claims.services.evidence import evidence_add
from claims.services.workflow import claim_transition
from claims.sources.pagetext import fingerprint, sha256


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.example")
    is_staff = True
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"DeepSeek a entraîné son modèle n°{n} pour six millions de dollars.")
    claimant = "OpenAI"
    claim_date = datetime.date(2025, 1, 29)
    language = "fr"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://example.org/article-{n}")
    host = "example.org"


class SnapshotFactory(factory.django.DjangoModelFactory):
    """A captured copy of a page with this text (the watch's own captures: tests/watch.py)."""

    class Meta:
        model = Snapshot

    source = factory.SubFactory(SourceFactory)
    final_url = factory.SelfAttribute("source.url")
    text = "Le texte de la page."
    raw_sha256 = factory.LazyAttribute(lambda snapshot: sha256(snapshot.text))
    text_sha256 = factory.LazyAttribute(lambda snapshot: sha256(snapshot.text))
    fingerprint = factory.LazyAttribute(lambda snapshot: fingerprint(snapshot.text))


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Stance.SUPPORTS


def rating(slug: str) -> Rating:
    return Rating.objects.get(slug=slug)


S = ClaimStatus
_pages = itertools.count(1)


def claim_at(
    status: ClaimStatus,
    *,
    sent_to_review_by: Any = None,
    at: datetime.datetime | None = None,
    verdict: str = "false",
    summary: str = "Aucune preuve publiée.",
    evidence_url: str | None = None,
    note: str = "",
    **fields: Any,
) -> Claim:
    """A claim taken to `status` through the real services, as the desk takes it.

    A researcher colleague creates it with a refuting piece of evidence whose quote the watch found, rates it
    and sends it to review (or `sent_to_review_by` does); an editor colleague publishes or rejects it. With
    `at`, all of it happens at that time. `fields` are the claim's editable fields (text, language...).
    """
    researcher = UserFactory(username="colleague", role="researcher")
    editor = UserFactory(username="colleague-editor", role="editor")
    fields.setdefault("text", f"DeepSeek a entraîné son modèle n°{next(_pages)} pour six millions de dollars.")
    fields.setdefault("claimant", "OpenAI")
    fields.setdefault("claim_date", datetime.date(2025, 1, 29))
    with time_machine.travel(at, tick=False) if at else nullcontext():
        claim = claim_create(by=researcher, **fields)
        evidence = evidence_add(
            claim=claim,
            url=evidence_url or f"https://example.org/enquete-{next(_pages)}",
            stance="refutes",
            quote="aucune preuve",
            note=note,
            by=researcher,
        )
        # The watch found the quote on its page (tests/claims/sources/ check that part against real pages).
        Evidence.objects.filter(pk=evidence.pk).update(quote_status=QuoteStatus.FOUND)
        claim = claim_update(claim=claim, by=researcher, changes={"rating": rating(verdict), "summary": summary})
        if status == S.DRAFT:
            return claim
        if status == S.REJECTED:
            return claim_transition(claim=claim, to=S.REJECTED, by=editor, comment="Une opinion, pas un fait.")
        claim = claim_transition(claim=claim, to=S.RESEARCHING, by=researcher)
        if status == S.RESEARCHING:
            return claim
        claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=sent_to_review_by or researcher)
        if status == S.IN_REVIEW:
            return claim
        return claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
