"""factory_boy factories for the desk's rows."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Claim, Evidence, Rating, Source, Stance


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
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


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Stance.SUPPORTS


def rating(slug: str) -> Rating:
    return Rating.objects.get(slug=slug)
